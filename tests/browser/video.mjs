// A video plays in a real browser (Debian's Chromium through puppeteer-core): the release
// page's `<video>` loads its picture (readyState ≥ 2), seeks to the middle (which needs
// byte ranges from worker/js/video.js) and has it there too, and its captions track loads;
// and the page passes axe-core's WCAG 2.1 A/AA rules with the player on it.
//
//   node tests/browser/video.mjs PAGE_URL
//
// Prints what it found as one JSON line; exits 1 when the video does not play.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const [page_url] = process.argv.slice(2);
if (!page_url) {
  console.error("usage: video.mjs PAGE_URL");
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
});
const ranges = [];
try {
  const page = await browser.newPage();
  page.on("request", (r) => {
    const range = r.headers().range;
    if (r.url().includes("/media/") && range) ranges.push(range);
  });
  await page.goto(page_url, { waitUntil: "load" });
  // Evaluated through DevTools: the page's CSP allows no scripts of its own.
  const found = await page.evaluate(async () => {
    const v = document.querySelector("figure.video video");
    if (!v) return { error: "no <video> on the page" };
    const until = (event, ok) =>
      new Promise((done) => {
        if (ok()) return done(true);
        const timer = setTimeout(() => done(false), 30000);
        v.addEventListener(event, () => ok() && (clearTimeout(timer), done(true)));
        v.addEventListener("error", () => (clearTimeout(timer), done(false)));
      });
    v.muted = true;
    v.preload = "auto";
    v.load();
    const loaded = await until("loadeddata", () => v.readyState >= 2);
    const start = v.readyState;
    const middle = v.duration / 2;
    v.currentTime = middle;
    const seeked = await until("seeked", () => !v.seeking && Math.abs(v.currentTime - middle) < 1 && v.readyState >= 2);
    const track = v.querySelector("track");
    track.track.mode = "showing";
    const cues = await new Promise((done) => {
      const check = () => track.readyState === 2 && done(track.track.cues ? track.track.cues.length : 0);
      track.addEventListener("load", check);
      setTimeout(() => done(track.track.cues ? track.track.cues.length : -1), 10000);
      check();
    });
    return {
      loaded,
      start,
      seeked,
      readyState: v.readyState,
      currentTime: v.currentTime,
      duration: v.duration,
      cues,
      error: v.error && v.error.message,
    };
  });
  found.ranges = ranges.length;
  await page.evaluate(axeSource);
  const axe = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }),
  );
  found.axe = axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  console.log(JSON.stringify(found));
  const played = found.loaded && found.seeked && found.readyState >= 2 && found.cues > 0 && found.ranges > 0;
  const ok = played && found.axe.length === 0;
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
}

// The browser editor (Decap CMS at /admin/, docs/editor.md) driven in Chromium as a
// communications officer would use it, against a running readers' Worker and decap-server
// writing into REPO (a copy of a content folder):
//
//   node tests/browser/editor.mjs BASE_URL PROXY_PORT REPO STATE SHOT_DIR
//
// 1. axe (WCAG 2.1 A/AA) on the editor's main views: any violation not listed in
//    docs/editor.md as Decap's own fails.
// 2. A lead over check's limit, or an image without alt text, cannot be saved: the form says
//    why and no file is written.
// 3. A release with quotation marks in its title, a date-time, two keywords, a contact and an
//    uploaded image with alt text is saved; the file passes `newsroom check`, is published to
//    the local KV in STATE, and its page shows it.
// 4. The same release corrected in the editor: the page shows the correction.
// 5. A hand-written release's local time shows unchanged in the form.
// 6. A publisher edited in its form keeps the fields the form does not show.
//
// Exits 1 with the reason; prints one line per step otherwise.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const [base, proxyPort, repo, state, shotDir] = process.argv.slice(2);
if (!base || !proxyPort || !repo || !state || !shotDir) {
  console.error("usage: editor.mjs BASE_URL PROXY_PORT REPO STATE SHOT_DIR");
  process.exit(2);
}
const editor = `${base}/admin/?proxy=${proxyPort}`;
const releases = join(repo, "content", "releases");
const newsroom = process.env.NEWSROOM || "target/release/newsroom";
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
mkdirSync(shotDir, { recursive: true });

/** Violations that come from Decap CMS itself, listed in docs/editor.md ("Accessibility"). */
const DECAP_OWN = new Set(readFileSync("docs/editor.md", "utf8").match(/`axe:[a-z-]+`/g)?.map((r) => r.slice(5, -1)) ?? []);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (why) => {
  console.error(`[editor] FAIL: ${why}`);
  process.exit(1);
};

/** Now in Helsinki, minus `minutes`, as the datetime-local input takes it (YYYY-MM-DDTHH:MM). */
function helsinki(minutes) {
  const at = new Date(Date.now() - minutes * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Helsinki",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  protocolTimeout: 60_000,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--lang=fi-FI"],
});
const page = await browser.newPage();
const problems = [];
// A script error fails the test. Decap rejects a promise with no value at all while a form
// unloads (nothing to report, nothing lost): that one is only counted.
let emptyRejections = 0;
page.on("pageerror", (e) => {
  if (e === undefined || e === null) emptyRejections += 1;
  else problems.push(`page error at ${page.url()}: ${e.stack ?? e.message ?? JSON.stringify(e)}`);
});
page.on("console", (m) => {
  if (m.type() === "error" && /Content Security Policy/.test(m.text())) problems.push(`CSP: ${m.text()}`);
});
// Decap asks before leaving unsaved changes and before replacing a file of the same name:
// yes; whether to restore a backup of an unsaved form: no (a fresh form each time).
page.on("dialog", async (d) => {
  const restore = d.message().includes("keskeneräinen versio");
  console.log(`[editor] the editor asked: ${d.message()} (${restore ? "no" : "yes"})`);
  await (restore ? d.dismiss() : d.accept()).catch(() => {});
});
await page.setViewport({ width: 1280, height: 900 });

/** The id of the input that the label starting with `text` names (the n-th such label). */
async function field(text, n = 0) {
  const t = JSON.stringify(text);
  const labels = await page.$$(`xpath/.//label[normalize-space(.)=${t} or starts-with(normalize-space(.), concat(${t}, ' ('))]`);
  if (!labels[n]) fail(`no field labelled "${text}" (#${n + 1})`);
  return "#" + (await labels[n].evaluate((l) => l.htmlFor));
}
/** Sets an input's value as React sees a person's typing (datetime-local, long texts). */
async function setValue(selector, value) {
  await page.$eval(
    selector,
    (el, value) => {
      const proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    value,
  );
}
async function click(text) {
  const [button] = await page.$$(`xpath/.//*[self::button or @role='button' or @role='menuitem'][contains(normalize-space(.), ${JSON.stringify(text)})]`);
  if (!button) {
    await page.screenshot({ path: join(shotDir, "editor-failed.png") });
    const buttons = await page.$$eval("button, [role=button], [role=menuitem]", (bs) => bs.map((b) => b.textContent.trim()).filter(Boolean));
    fail(`no button "${text}" among ${JSON.stringify(buttons)}; ${problems.join("\n")}`);
  }
  await button.click();
  await sleep(400);
}
async function axe(name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const ours = result.violations.filter((v) => !DECAP_OWN.has(v.id));
  const theirs = result.violations.filter((v) => DECAP_OWN.has(v.id)).map((v) => v.id);
  for (const v of ours) {
    problems.push(`axe on ${name}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  console.log(`[editor] axe on ${name}: ${ours.length} violations of ours; Decap's own (docs/editor.md): ${theirs.join(", ") || "none"}`);
}
const files = () => (existsSync(releases) ? readdirSync(releases).filter((f) => f.endsWith(".md")).sort() : []);
/** Publish now (the simple workflow of the local proxy; on GitHub: a pull request). */
async function publishNow() {
  await click("Julkaise");
  await click("Julkaise nyt");
  await sleep(1500);
}

async function signIn() {
  await page.goto(editor, { waitUntil: "networkidle0" });
  await click("Kirjaudu");
  await page.waitForNetworkIdle();
}

/** The common part of a new release's form: everything but the lead and the image's alt. */
async function fillNew(title, lead, published) {
  await openForm(`${editor}#/collections/releases/new`);
  await page.type(await field("Otsikko"), title);
  const publisher = await field("Julkaisija");
  await page.click(publisher);
  await page.type(publisher, "Kymenlaakson hyvinvointialue");
  await sleep(800);
  await page.keyboard.press("Enter");
  await setValue(await field("Julkaisuaika"), published);
  // An optional field typed in and cleared again: it must not reach the file as `language = ""`.
  await page.type(await field("Kieli"), "fi");
  await setValue(await field("Kieli"), "");
  await setValue(await field("Ingressi"), lead);
  // The body in the rich-text editor, as a person types it.
  await page.click("[data-slate-editor=true], [contenteditable=true]");
  await page.keyboard.type("Päivystys muuttaa joulukuussa. Testiaineisto.");
  for (const [i, word] of ["sote", "Kotka"].entries()) {
    await click("Lisää asiasana");
    await page.type(await field("Asiasana", i), word);
  }
  await click("Lisää yhteyshenkilö");
  await page.type(await field("Nimi"), "Maija Meikäläinen");
  await page.type(await field("Puhelin"), "040 123 4567");
  await click("Lisää kuva");
  await click("Valitse kuva");
  const upload = await page.waitForSelector("input[type=file]");
  await upload.uploadFile(join(repo, "kuva.jpg"));
  await sleep(1500);
  await click("Käytä valittua");
}

/** A form, loaded afresh (a hash change alone would keep the previous form for a moment). */
async function openForm(url, first = "Otsikko") {
  await page.goto("about:blank");
  await page.goto(url, { waitUntil: "networkidle0" });
  await page.waitForSelector(`xpath/.//label[normalize-space(.)='${first}']`);
  await sleep(300);
}

await signIn();
await page.goto(`${editor}#/collections/releases`, { waitUntil: "networkidle0" });
await sleep(500);
await axe("the list of releases");
await page.screenshot({ path: join(shotDir, "editor-list.png") });

// 2. Refused: a lead one character over the limit and an image without alt text.
const before = files();
const limit = Number(process.env.LEAD_LIMIT || 2000);
await fillNew("Testi: liian pitkä ingressi", "a".repeat(limit + 1), helsinki(10));
await axe("a new release");
await publishNow();
const said = await page.evaluate(() => document.body.textContent);
await page.screenshot({ path: join(shotDir, "editor-refused.png"), fullPage: true });
if (process.env.EDITOR_DEBUG) console.log(said);
if (!said.includes("Ingressi: enintään 2 000 merkkiä.")) fail("the form did not say the lead is too long");
if (!said.includes("Kuvaus (alt-teksti) puuttuu: kenttä on pakollinen.")) fail("the form did not say the alt text is missing");
await page.screenshot({ path: join(shotDir, "editor-refused.png"), fullPage: true });
if (files().join() !== before.join()) fail(`a refused release was written: ${files().filter((f) => !before.includes(f))}`);
console.log("[editor] a lead over the limit and an image without alt text: not saved, the form says why");

// 3. Saved, checked, published, shown.
const title = 'Päivystys "muuttaa" Kotkassa';
await fillNew(title, "Kotkan päivystys siirtyy uusiin tiloihin. Testiaineisto.", helsinki(10));
await page.type(await field("Kuvaus (alt-teksti)"), "Värikäs testikuva");
await publishNow();
const added = files().filter((f) => !before.includes(f));
if (added.length !== 1) fail(`expected one new release file, found ${JSON.stringify(added)}; the page says: ${await page.evaluate(() => [...document.querySelectorAll("[class*=ControlErrorsList] li, [class*=error]")].map((e) => e.textContent).join(" / "))}`);
const slug = added[0].replace(/\.md$/, "");
const text = readFileSync(join(releases, added[0]), "utf8");
console.log(`[editor] saved content/releases/${added[0]}:\n${text.split("\n").map((l) => "  | " + l).join("\n")}`);
if (!existsSync(join(repo, "content", "media", "kuva.jpg"))) fail("the uploaded image is not in content/media/");
if (/^language\s*=/m.test(text)) fail("a cleared optional field was written to the file");
if (!/^published_at = "\d{4}-\d\d-\d\dT\d\d:\d\d:00"$/m.test(text)) fail("published_at is not the local time as typed");

const run = (cmd, args, env = {}) => {
  try {
    return execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    fail(`${cmd} ${args.join(" ")}: ${e.stderr || e.message}`);
  }
};
const publish = () => {
  run(newsroom, ["check", join(repo, "content")]);
  run("scripts/publish.sh", [state], { CONTENT: join(repo, "content") });
};
publish();
/** The release's public page, read in a tab of its own (closed after, so the editor's tab is
 * in front again: a background tab's timers and frames wait). */
const open = async () => {
  const reader = await browser.newPage();
  // As a new reader: the browser's copy of the first visit would hide the correction until
  // its max-age (RELEASE_TTL), which is the cache working, not the editor.
  await reader.setCacheEnabled(false);
  const response = await reader.goto(`${base}/releases/${slug}`, { waitUntil: "load" });
  if (response.status() !== 200) fail(`/releases/${slug} answered ${response.status()}`);
  const seen = await reader.evaluate(() => ({
    h1: document.querySelector("h1")?.textContent,
    keywords: [...document.querySelectorAll("a[href^='/keywords/']")].map((a) => a.textContent.trim()),
    alt: [...document.querySelectorAll("article img")].map((i) => i.alt),
    text: document.body.innerText,
  }));
  await reader.close();
  await page.bringToFront();
  return seen;
};
let shown = await open();
if (shown.h1 !== title) fail(`the page's h1 is ${JSON.stringify(shown.h1)}`);
for (const k of ["sote", "Kotka"]) if (!shown.keywords.some((w) => w.toLowerCase() === k.toLowerCase())) fail(`keyword ${k} not on the page: ${shown.keywords}`);
if (!shown.alt.includes("Värikäs testikuva")) fail(`the image's alt text is not on the page: ${shown.alt}`);
if (!shown.text.includes("Maija Meikäläinen")) fail("the contact is not on the page");
console.log(`[editor] newsroom check passed, published, /releases/${slug} shows it`);

// 4. Corrected in the editor.
await openForm(`${editor}#/collections/releases/entries/${slug}`);
console.log("[editor] the saved release is open in the editor");
await setValue(await field("Päivitetty"), helsinki(1));
await setValue(await field("Korjaus"), "Päivystyksen puhelinnumero korjattu.");
await publishNow();
publish();
const corrected = Date.now();
for (;;) {
  shown = await open();
  if (shown.text.includes("Päivystyksen puhelinnumero korjattu.")) break;
  if (Date.now() - corrected > 90_000) fail(`the page does not show the correction: ${shown.text.slice(0, 400)}`);
  await sleep(2000);
}
console.log(`[editor] corrected in the editor: the page shows the correction (after ${Math.round((Date.now() - corrected) / 1000)} s)`);

// 5. A release written by hand (the seed's, `published_at = 2025-06-10T13:41:29`, a TOML
// date-time without a zone: the publisher's local time) shows that same time in the form,
// whatever the browser's own zone.
const seed = "2025-06-10-yhteistoimintaneuvottelut";
const written = readFileSync(join(releases, `${seed}.md`), "utf8").match(/^published_at = (\S+)$/m)?.[1];
await openForm(`${editor}#/collections/releases/entries/${seed}`);
const shownTime = await page.$eval(await field("Julkaisuaika"), (el) => el.value);
if (!written || !shownTime.startsWith(written.slice(0, 16))) fail(`the form shows ${shownTime} for published_at = ${written}`);
console.log(`[editor] a hand-written release's time shows as written: ${shownTime}`);

// 6. A publisher's file in its form: what the form does not show (here `hostnames`, which
// scripts/e2e.sh put in the file) is kept, and the file still passes check.
const publisherFile = join(repo, "content", "publishers", "kymenlaakson-hyvinvointialue.toml");
await openForm(`${editor}#/collections/publishers/entries/kymenlaakson-hyvinvointialue`, "Nimi");
await setValue(await field("Kuvaus"), "Testiaineisto: kuvaus editorista");
await publishNow();
const publisher = readFileSync(publisherFile, "utf8");
if (!publisher.includes('description = "Testiaineisto: kuvaus editorista"')) fail(`the publisher was not saved:\n${publisher}`);
if (!publisher.includes("uutiset.kymenhva.test")) fail(`a field the form does not show was lost:\n${publisher}`);
run(newsroom, ["check", join(repo, "content")]);
console.log("[editor] a publisher edited in its form: saved, its other fields kept, check passes");

if (problems.length) fail(problems.join("\n"));
await browser.close();
console.log(`[editor] ok (Decap's empty promise rejections: ${emptyRejections})`);

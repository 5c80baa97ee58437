// A local stand-in for the social media platforms, for `make dev` (scripts/dev.sh) and the
// end-to-end tests: the mail Worker sends every social call here when `SOCIAL_VIA` is set,
// the original host as the first part of the path (`https://some.social/api/v1/statuses`
// comes as `/some.social/api/v1/statuses`). It answers as the platforms document it:
//
//   - Mastodon: `POST /api/v1/statuses` (a Bearer token, `Idempotency-Key` honoured: the same
//     key answers the same post again), `GET /api/v1/accounts/verify_credentials`,
//     `GET /api/v1/apps/verify_credentials` (scopes);
//   - Bluesky: `com.atproto.server.createSession` (handle and app password),
//     `com.atproto.repo.createRecord` (an existing record key is refused as the PDS does),
//     `com.atproto.repo.getRecord`;
//   - feeds: any other GET is a feed; a Mastodon `….rss`, a Bluesky `…/rss` and a YouTube
//     `feeds/videos.xml` get a small sample feed of test posts (ETag, `304` to a matching
//     `If-None-Match`) unless a test set another answer.
//
// What would have been posted is shown at http://127.0.0.1:8789/__social and kept under
// target/social/. The tests steer it: `POST /__social/next` `{"platform":"mastodon",
// "answers":[401,"timeout","drop",500]}` queues the next answers of that platform's posting
// calls to one account (`"account"`: a Mastodon server's host or a Bluesky handle; `"late"`
// posts and then never answers, as a platform whose answer is lost); `POST /__social/feed`
// `{"path":"/host/@a.rss","status":200,"body":"…","size":N,"mode":"timeout"}` sets a feed's
// answer (`size`: that many bytes of filler, sent in chunks without a length);
// `GET /__social/posts` and `GET /__social/requests` answer what came. Nothing leaves this
// machine.
//
//   [SOCIAL_STUB_DIR=target/social] node scripts/social-stub.mjs [PORT]
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const port = Number(process.argv[2] ?? 8789);
const dir = process.env.SOCIAL_STUB_DIR ?? "target/social";
mkdirSync(dir, { recursive: true });

const posts = [];
const requests = [];
const next = new Map();
const handles = new Map();
const feeds = new Map();
const idempotent = new Map();
const records = new Map();

const escape = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const json = (res, status, value) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};
const read = (req) =>
  new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });

/** The next steered answer of `account`'s posting calls: "late" (post, then never answer),
 * or true when it was given here, or false: answer normally. */
function steered(account, res) {
  const answer = (next.get(account) ?? []).shift();
  if (answer === undefined) return false;
  if (answer === "late") return "late";
  if (answer === "timeout") return true; // never answered: the Worker's time limit ends it
  if (answer === "drop") {
    res.socket.destroy();
    return true;
  }
  const words = { 401: "The access token is invalid", 422: "Validation failed: Text is too long", 429: "Too many requests", 500: "Internal server error" };
  json(res, answer, { error: words[answer] ?? `HTTP ${answer}` });
  return true;
}

function keep(post) {
  post.n = posts.length + 1;
  posts.push(post);
  writeFileSync(`${dir}/${String(post.n).padStart(5, "0")}-${post.platform}.json`, JSON.stringify(post, null, 2));
}

/** A sample feed of three test posts for a profile's feed path. */
const started = Date.now();
function sample(path) {
  const host = path.split("/")[1];
  // Fixed times: the same feed each time, so a conditional request gets its 304.
  const now = started;
  const items = [0, 1, 2].map((i) => ({
    link: `https://${host}/test-post/${i}`,
    date: new Date(now - (i + 1) * 3600_000),
    text: `Testiaineisto: paikallisen kokeilupalvelimen esimerkkijulkaisu ${i + 1}, ei kenenkään julkaisema.`,
  }));
  if (path.includes("feeds/videos.xml")) {
    const entries = items.map((it) => `<entry><title>${escape(it.text)}</title><link rel="alternate" href="${it.link}"/><published>${it.date.toISOString()}</published></entry>`);
    return `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Test</title>${entries.join("")}</feed>`;
  }
  const rss = items.map((it) => `<item><link>${it.link}</link><pubDate>${it.date.toUTCString()}</pubDate><description>${escape(`<p>${escape(it.text)}</p>`)}</description></item>`);
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test</title>${rss.join("")}</channel></rss>`;
}

createServer(async (req, res) => {
  const url = new URL(req.url, "http://stub");
  const path = url.pathname;
  if (!path.startsWith("/__social")) requests.push({ method: req.method, path, inm: req.headers["if-none-match"] ?? null, at: Date.now() });
  if (path === "/__social" && req.method === "GET") {
    const list = posts.slice().reverse().map((p) => `<article><h2>${escape(p.platform)} · ${escape(p.account)}</h2><p>${escape(p.at)} · ${escape(p.language)}</p><pre>${escape(p.text)}</pre></article>`);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Local social posts (${posts.length})</title><main><h1>What would have been posted: ${posts.length}</h1>${list.join("<hr>")}</main></html>`);
    return;
  }
  if (path === "/__social/posts") return json(res, 200, posts);
  if (path === "/__social/requests") return json(res, 200, requests);
  if (path === "/__social/next" && req.method === "POST") {
    const { account, answers } = JSON.parse(await read(req));
    next.set(account, [...(next.get(account) ?? []), ...answers]);
    return json(res, 200, Object.fromEntries(next));
  }
  if (path === "/__social/feed" && req.method === "POST") {
    const feed = JSON.parse(await read(req));
    feeds.set(feed.path, feed);
    return json(res, 200, { path: feed.path });
  }
  const rest = "/" + path.split("/").slice(2).join("/");
  const host = path.split("/")[1];
  const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  if (rest === "/api/v1/statuses" && req.method === "POST") {
    const body = await read(req);
    const steer = steered(host, res);
    if (steer === true) return;
    if (!bearer) return json(res, 401, { error: "The access token is invalid" });
    const key = req.headers["idempotency-key"];
    if (key && idempotent.has(key)) return json(res, 200, idempotent.get(key));
    const status = JSON.parse(body);
    const id = String(posts.length + 1);
    const answer = { id, url: `https://${host}/@stub/${id}`, content: status.status, language: status.language };
    if (key) idempotent.set(key, answer);
    keep({ platform: "mastodon", account: host, text: status.status, language: status.language, visibility: status.visibility, idempotency_key: key ?? null, at: new Date().toISOString() });
    if (steer === "late") return;
    return json(res, 200, answer);
  }
  if (rest === "/api/v1/accounts/verify_credentials") {
    if (!bearer || bearer === "wrong") return json(res, 401, { error: "The access token is invalid" });
    // A token `name:…` is that account's (so a test can hand out someone else's).
    const acct = bearer.includes(":") ? bearer.split(":")[0] : "stub";
    return json(res, 200, { id: "1", username: acct, acct, url: `https://${host}/@${acct}` });
  }
  if (rest === "/api/v1/apps/verify_credentials") {
    if (!bearer || bearer === "wrong") return json(res, 401, { error: "The access token is invalid" });
    return json(res, 200, { name: "newsroom", scopes: bearer === "read-only" ? ["read"] : ["write:statuses"] });
  }
  if (rest === "/xrpc/com.atproto.server.createSession" && req.method === "POST") {
    const { identifier, password } = JSON.parse(await read(req));
    if (!password || password === "wrong") return json(res, 401, { error: "AuthenticationRequired", message: "Invalid identifier or password" });
    const did = "did:plc:" + createHash("sha256").update(identifier).digest("hex").slice(0, 24);
    handles.set(did, identifier);
    return json(res, 200, { accessJwt: `jwt-${did}`, refreshJwt: "r", did, handle: identifier });
  }
  if (rest === "/xrpc/com.atproto.repo.createRecord" && req.method === "POST") {
    const body = JSON.parse(await read(req));
    const steer = steered(handles.get(body.repo), res);
    if (steer === true) return;
    if (!bearer.startsWith("jwt-")) return json(res, 401, { error: "InvalidToken", message: "Bad token" });
    const key = `${body.repo}/${body.rkey}`;
    if (records.has(key)) return json(res, 400, { error: "InvalidRequest", message: "Record already exists" });
    const uri = `at://${body.repo}/app.bsky.feed.post/${body.rkey}`;
    records.set(key, { uri, value: body.record });
    keep({ platform: "bluesky", account: handles.get(body.repo), text: body.record.text, language: body.record.langs?.[0], facets: body.record.facets, embed: body.record.embed, rkey: body.rkey, at: new Date().toISOString() });
    if (steer === "late") return;
    return json(res, 200, { uri, cid: "bafy" + body.rkey });
  }
  if (rest === "/xrpc/com.atproto.repo.getRecord") {
    const key = `${url.searchParams.get("repo")}/${url.searchParams.get("rkey")}`;
    if (records.has(key)) return json(res, 200, { ...records.get(key), cid: "x" });
    return json(res, 400, { error: "RecordNotFound", message: "Could not locate record" });
  }
  if (req.method === "GET" && host) {
    const set = feeds.get(path);
    if (set?.mode === "timeout") return;
    if (set?.size) {
      // Filler in chunks, with no length: only counting what it reads stops the reader.
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<rss><channel>");
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < set.size) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", more);
        }
        res.end("</channel></rss>");
      };
      res.on("error", () => {});
      return more();
    }
    const body = set?.body ?? sample(path);
    const status = set?.status ?? 200;
    const etag = '"' + createHash("sha256").update(body).digest("hex").slice(0, 16) + '"';
    if (status === 200 && req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    res.writeHead(status, { "content-type": "application/rss+xml; charset=utf-8", etag });
    return res.end(body);
  }
  json(res, 404, { error: "not a call this stand-in knows" });
}).listen(port, "127.0.0.1", () => console.log(`social stand-in on http://127.0.0.1:${port}/__social`));

// A local stand-in for Postmark's batch API, for `make dev` (scripts/dev.sh starts it): it
// accepts `POST /email/batch` as Postmark documents it (a JSON array of messages, the
// `X-Postmark-Server-Token` header), keeps every message under target/mail/ as JSON, and
// shows them at http://127.0.0.1:8788/__mail (newest first, text parts, links clickable);
// `GET /__mail/stats` answers how many messages came and when the first and last did (ms
// since the epoch), for scripts/bench-mail.sh; `GET /server` answers as Postmark does to a
// token it takes (the mail Worker's /healthz check). Nothing leaves this machine.
//
//   [MAIL_STUB_DIR=target/mail] node scripts/mail-stub.mjs [PORT]
import { createServer } from "node:http";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const port = Number(process.argv[2] ?? 8788);
const dir = process.env.MAIL_STUB_DIR ?? "target/mail";
const stats = { count: 0, first_ms: null, last_ms: null };
mkdirSync(dir, { recursive: true });

const escape = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const json = (res, status, value) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};

createServer((req, res) => {
  if (req.method === "GET" && req.url === "/__mail") {
    const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().reverse();
    const items = files.map((f) => JSON.parse(readFileSync(`${dir}/${f}`, "utf8")));
    const linked = (text) => escape(text).replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`);
    const body = items
      .map((m) => `<article><h2>${escape(m.Subject)}</h2><p>To: ${escape(m.To)} · From: ${escape(m.From)}</p><pre>${linked(m.TextBody)}</pre></article>`)
      .join("<hr>");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Local mail (${items.length})</title><main><h1>Local mail: ${items.length} messages</h1>${body}</main></html>`);
    return;
  }
  if (req.method === "GET" && req.url === "/__mail/stats") {
    return json(res, 200, stats);
  }
  const known = (req.method === "POST" && req.url === "/email/batch") || (req.method === "GET" && req.url === "/server");
  if (!known) {
    return json(res, 404, { ErrorCode: 404, Message: "Only POST /email/batch, GET /server and GET /__mail here" });
  }
  if (!req.headers["x-postmark-server-token"]) {
    return json(res, 401, { ErrorCode: 10, Message: "No Account or Server API tokens were supplied in the HTTP headers." });
  }
  if (req.method === "GET") {
    return json(res, 200, { ID: 1, Name: "Local mail stub", DeliveryType: "Sandbox" });
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let messages;
    try {
      messages = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return json(res, 422, { ErrorCode: 402, Message: "Received invalid JSON input." });
    }
    if (!Array.isArray(messages) || messages.length > 500) {
      return json(res, 422, { ErrorCode: 300, Message: "Invalid email request: an array of at most 500 messages." });
    }
    const now = new Date().toISOString();
    stats.count += messages.length;
    stats.first_ms ??= Date.now();
    stats.last_ms = Date.now();
    const results = messages.map((m, i) => {
      const id = randomUUID();
      writeFileSync(`${dir}/${Date.now()}-${String(i).padStart(3, "0")}-${id}.json`, JSON.stringify(m, null, 2));
      if (!process.env.MAIL_STUB_QUIET) console.log(`[mail-stub] ${m.To}: ${m.Subject}`);
      return { ErrorCode: 0, Message: "OK", MessageID: id, SubmittedAt: now, To: m.To };
    });
    json(res, 200, results);
  });
}).listen(port, "127.0.0.1", () => console.log(`[mail-stub] http://127.0.0.1:${port}/__mail`));

// The worker's entry module, bundled by worker-build in place of its own shim
// (scripts/esbuild-lean-shim.sh). It keeps that shim's recovery — a wasm trap or a Rust panic
// marks the instance broken, and the next request starts from a fresh one — but exports a
// plain handler object: worker-build's `WorkerEntrypoint` subclass behind two `Proxy` layers
// cost every request ~10 % of the constant-response baseline's throughput (BENCHMARKS.md).
import * as exports from "./index.js";
import { editorAuth, isEditorAuth } from "./editor_auth.js";
import { serveVideo, videoName } from "./video.js";

Error.stackTraceLimit = 100;
const initState = exports.__worker_init_state();

function checkReinitialize() {
  if (initState.criticalError) {
    console.log("Reinitializing Wasm application");
    exports.__wbg_reset_state();
    initState.criticalError = false;
    initState.instanceId++;
  }
}

function handleMaybeCritical(e) {
  if (e instanceof WebAssembly.RuntimeError) {
    console.error("Critical", e);
    initState.criticalError = true;
  }
}

addEventListener("error", (e) => handleMaybeCritical(e.error));

// Runs one of the module's handlers with the recovery above.
async function guarded(handler, event, env, ctx) {
  checkReinitialize();
  try {
    return await handler(event, env, ctx);
  } catch (e) {
    handleMaybeCritical(e);
    throw e;
  }
}

// The newsroom is two Workers (ARCHITECTURE.md, "Two Workers"). The readers' Worker has a
// `MAIL` service binding to the mail Worker and hands it, unchanged, the requests that
// worker/src/mail/subscribe.rs `handles()`: posting the form, every method on the links' paths
// (crates/serve/src/subscribe.rs), a subscriber's own page and the mail provider's bounce
// webhook (crates/mailing/src/subscriber_settings.rs, bounces.rs). `GET /subscribe`, the form, stays the readers'.
// tests/e2e.rs checks both sides of this line. The mail Worker has no `MAIL` binding.
function forMail(path, method) {
  return (
    path === "/subscribe/confirm" ||
    path === "/unsubscribe" ||
    path === "/subscribe/settings" ||
    path === "/mail/webhook" ||
    (path === "/subscribe" && method === "POST")
  );
}

// The request's path, without its query (cheaper than `new URL` on every request).
function pathOf(u) {
  const s = u.indexOf("/", u.indexOf("://") + 3);
  const q = u.indexOf("?", s);
  return s < 0 ? "/" : q < 0 ? u.slice(s) : u.slice(s, q);
}

// `GET /healthz` in the readers' Worker: its own answer (configuration, KV, the build, D1),
// with the mail Worker's checks (the queue, the sender) merged in. A mail Worker that does not
// answer within 3 s is reported as a failing `mail` service, never as a readers' failure. The
// merged answer has no validators: the readers' `ETag` does not cover the mail Worker's part.
async function health(request, env, ctx) {
  const asked = env.MAIL.fetch(new Request(request.url, { headers: { accept: "application/json" } }))
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 3 s")), 3000));
  const mail = Promise.race([asked, late]).catch((e) => ({
    services: [{ name: "mail", status: "failing", detail: `the mail Worker did not answer: ${e.message}` }],
  }));
  const plain = new Request(request);
  plain.headers.delete("if-none-match");
  plain.headers.delete("if-modified-since");
  const own = await guarded(exports.fetch, plain, env, ctx);
  if (own.status !== 200 || request.method !== "GET") return own;
  const text = await own.text();
  const headers = new Headers(own.headers);
  for (const name of ["content-length", "etag", "last-modified"]) headers.delete(name);
  let view;
  try {
    view = JSON.parse(text);
  } catch {
    return new Response(text, { status: own.status, headers });
  }
  for (const check of (await mail).services || []) {
    // A check the readers' Worker made itself stays as it made it.
    if (view.services.some((s) => s.name === check.name)) continue;
    view.services.push(check);
    if (check.status === "failing") view.warnings.push(`${check.name}: ${check.detail}`);
  }
  return new Response(JSON.stringify(view), { status: own.status, headers });
}

// The answer when the mail Worker threw instead of answering (its own errors are pages): a
// `503` to retry, and a log line, as worker/src/lib.rs `last_resort` does.
function mailDown(e) {
  console.log(JSON.stringify({ level: "error", error: `the mail Worker did not answer: ${e}` }));
  return new Response("Subscriptions cannot be answered right now. Please try again in a minute.\n", {
    status: 503,
    headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "30", "cache-control": "no-store" },
  });
}

function route(request, env, ctx) {
  // Videos and captions in R2, streamed with byte ranges (worker/js/video.js): no wasm.
  const video = videoName(pathOf(request.url));
  if (video) return serveVideo(request, env, video);
  if (env.MAIL) {
    const path = pathOf(request.url);
    // The browser editor's GitHub sign-in (its files at /admin/ are static assets).
    if (isEditorAuth(path)) return editorAuth(request, env, path);
    if (forMail(path, request.method)) return env.MAIL.fetch(request).catch(mailDown);
    if (path === "/healthz") return health(request, env, ctx);
  }
  return guarded(exports.fetch, request, env, ctx);
}

// The mail Worker's build exports the queue consumer (worker/src/mail/deliver.rs: a release's
// mails, a batch at a time) and the every-minute Cron Trigger (worker/src/mail/cron.rs: go-live
// announcements and mails); the readers' build has neither, so its Worker declares neither.
const handlers = { fetch: route };
if (exports.queue) handlers.queue = (batch, env, ctx) => guarded(exports.queue, batch, env, ctx);
if (exports.scheduled) handlers.scheduled = (event, env, ctx) => guarded(exports.scheduled, event, env, ctx);
export default handlers;

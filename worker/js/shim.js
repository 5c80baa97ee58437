// The worker's entry module, bundled by worker-build in place of its own shim
// (scripts/esbuild-lean-shim.sh). It keeps that shim's recovery — a wasm trap or a Rust panic
// marks the instance broken, and the next request starts from a fresh one — but exports a
// plain handler object: worker-build's `WorkerEntrypoint` subclass behind two `Proxy` layers
// cost every request ~10 % of the constant-response baseline's throughput (BENCHMARKS.md).
import * as exports from "./index.js";

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

export default {
  fetch: (request, env, ctx) => guarded(exports.fetch, request, env, ctx),
  // The mail queue's consumer (worker/src/deliver.rs): a release's mails, a batch at a time.
  queue: (batch, env, ctx) => guarded(exports.queue, batch, env, ctx),
  // The every-minute Cron Trigger (worker/src/cron.rs): go-live announcements and mails.
  scheduled: (event, env, ctx) => guarded(exports.scheduled, event, env, ctx),
};

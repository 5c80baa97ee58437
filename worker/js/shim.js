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

export default {
  async fetch(request, env, ctx) {
    checkReinitialize();
    try {
      return await exports.fetch(request, env, ctx);
    } catch (e) {
      handleMaybeCritical(e);
      throw e;
    }
  },
  // The every-minute Cron Trigger (worker/src/cron.rs): go-live announcements.
  async scheduled(event, env, ctx) {
    checkReinitialize();
    try {
      return await exports.scheduled(event, env, ctx);
    } catch (e) {
      handleMaybeCritical(e);
      throw e;
    }
  },
};

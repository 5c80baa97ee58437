#!/bin/sh
# Builds the release wasm worker with worker-build, pointing it at the pinned tools
# installed by scripts/setup.sh. Skips the build when the output is newer than every input.
set -eu
cd "$(dirname "$0")/.."
out=worker/build/index.js
if [ -f "$out" ] && [ -z "$(find crates worker/src worker/js Cargo.toml Cargo.lock worker/Cargo.toml .cargo -newer "$out" -type f 2>/dev/null | head -n 1)" ]; then
  echo "[build-worker] up to date: $out" >&2
  exit 0
fi
root=$(pwd)
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen}"
export ESBUILD_BIN="$root/scripts/esbuild-lean-shim.sh"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
cd worker
# Optimised for size: Cargo.toml's release profile is for the native CLI's speed.
CARGO_PROFILE_RELEASE_OPT_LEVEL=z "${CARGO_HOME:-$HOME/.cargo}/bin/worker-build" --release
# worker-build keeps the wasm names section (--debuginfo); dropping it saves ~13 % gzipped,
# paid for by every cold start. Feature flags: the set worker-build itself enables.
"$WASM_OPT_BIN" --strip-debug --strip-producers build/index_bg.wasm -o build/index_bg.wasm \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
  --enable-multivalue --enable-reference-types --enable-exception-handling
touch "$root/$out"

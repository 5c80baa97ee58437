#!/bin/sh
# Builds the release wasm worker with worker-build, pointing it at the pinned tools
# installed by scripts/setup.sh. Skips the build when the output is newer than every input.
#   sh scripts/build-worker.sh            the worker wrangler.toml deploys (worker/build/)
#   sh scripts/build-worker.sh FEATURE    only one half of it (`readers` or `mail`, the worker
#                                         crate's features), into target/size-split/FEATURE/, to
#                                         measure what a split into two Workers would weigh
#                                         (scripts/size-split.sh); always built, never deployed
set -eu
cd "$(dirname "$0")/.."
feature="${1:-}"
out=worker/build/index.js
dir=build
cargo_args=""
if [ -n "$feature" ]; then
  dir="../target/size-split/$feature"
  out="target/size-split/$feature/index.js"
  cargo_args="--no-default-features --features $feature"
elif [ -f "$out" ] && [ -z "$(find crates worker/src worker/js Cargo.toml Cargo.lock worker/Cargo.toml .cargo -newer "$out" -type f 2>/dev/null | head -n 1)" ]; then
  echo "[build-worker] up to date: $out" >&2
  exit 0
fi
root=$(pwd)
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen}"
export ESBUILD_BIN="$root/scripts/esbuild-lean-shim.sh"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
cd worker
# Optimised for size: Cargo.toml's release profile is for the native CLI's speed.
# shellcheck disable=SC2086 # cargo_args: two options, or none
CARGO_PROFILE_RELEASE_OPT_LEVEL=z "${CARGO_HOME:-$HOME/.cargo}/bin/worker-build" --release --out-dir "$dir" . $cargo_args
# worker-build keeps the wasm names section (--debuginfo); dropping it saves ~13 % gzipped,
# paid for by every cold start. Feature flags: the set worker-build itself enables.
"$WASM_OPT_BIN" --strip-debug --strip-producers "$dir/index_bg.wasm" -o "$dir/index_bg.wasm" \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
  --enable-multivalue --enable-reference-types --enable-exception-handling
touch "$root/$out"

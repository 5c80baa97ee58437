#!/bin/sh
# Builds the two Workers' wasm with worker-build, pointing it at the pinned tools installed by
# scripts/setup.sh. The newsroom is deployed as two Workers from one crate (ARCHITECTURE.md,
# "Two Workers"): each is the worker crate built with one of its features.
#   sh scripts/build-worker.sh           both: worker/build/readers/ and worker/build/mail/
#   sh scripts/build-worker.sh readers   the readers' Worker (wrangler.toml): pages, feeds, search
#   sh scripts/build-worker.sh mail      the mail Worker (wrangler.mail.toml): subscriptions,
#                                        the Cron Trigger, the queue consumer, the senders
#   sh scripts/build-worker.sh all       both features in one wasm, into target/size-split/all/:
#                                        never deployed, only measured (scripts/size.sh --all)
# Skips a build whose output is newer than every input. Builds run one at a time (a lock):
# the features share cargo's wasm output, and the two `wrangler dev`s of `make dev` run their
# [build] commands at once.
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  sh scripts/build-worker.sh readers
  exec sh scripts/build-worker.sh mail
fi
case "$1" in
  readers | mail) dir="build/$1" out="worker/build/$1/index.js" features="$1" ;;
  all) dir=../target/size-split/all out=target/size-split/all/index.js features="readers mail" ;;
  *) echo "build-worker: unknown build '$1' (readers, mail or all)" >&2; exit 2 ;;
esac
# wrangler.toml's [assets] directory (the browser editor, scripts/build-editor.sh) must exist
# for wrangler to start: empty until the editor is built, so /admin/ answers 404 till then.
mkdir -p target/editor
exec 9>target/build-worker.lock
flock 9
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
CARGO_PROFILE_RELEASE_OPT_LEVEL=z "${CARGO_HOME:-$HOME/.cargo}/bin/worker-build" --release --out-dir "$dir" . \
  --no-default-features --features "$features"
# worker-build keeps the wasm names section (--debuginfo); dropping it saves ~13 % gzipped,
# paid for by every cold start. Feature flags: the set worker-build itself enables.
"$WASM_OPT_BIN" --strip-debug --strip-producers "$dir/index_bg.wasm" -o "$dir/index_bg.wasm" \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
  --enable-multivalue --enable-reference-types --enable-exception-handling
touch "$root/$out"

#!/bin/sh
# worker-build's esbuild (ESBUILD_BIN, set by scripts/build-worker.sh): when it bundles the
# entry module `./shim.js`, that file is first replaced by ours, worker/js/shim.js (why: there).
# Every other call goes straight to the npm-installed esbuild.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
for arg in "$@"; do
  if [ "$arg" = ./shim.js ]; then
    [ -f ./shim.js ] && grep -q '__worker_init_state' ./shim.js ||
      { echo "esbuild-lean-shim: worker-build's shim.js is not where expected" >&2; exit 1; }
    # With the modules it imports (worker/js/editor_auth.js).
    cp "$root"/worker/js/*.js ./
  fi
done
exec "$root/node_modules/@esbuild/linux-x64/bin/esbuild" "$@"

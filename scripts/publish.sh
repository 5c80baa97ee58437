#!/usr/bin/env bash
# Publishes a content folder to KV with `newsroom publish` (see `newsroom publish --help`):
# media, releases, indexes, deletions, manifest, uploading only new and changed keys.
#
#   scripts/publish.sh [--dry-run] [--env NAME | PERSIST_DIR] [EXTRA_BULK_FILE...]
#
# With --env NAME it publishes to that wrangler.toml environment's namespace on Cloudflare
# (`newsroom publish --remote --env NAME`); without, to local KV in PERSIST_DIR (default
# .wrangler/state), as `wrangler dev --persist-to` reads it. EXTRA_BULK_FILEs (test fixtures) go up with the
# indexes. CONTENT=dir publishes another content folder (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
args=()
if [ "${1:-}" = --dry-run ]; then args+=(--dry-run); DRY=1; shift; fi
if [ "${1:-}" = --env ]; then
  args+=(--remote --env "${2:?--env needs a name: staging or production}"); shift 2
else
  state="${1:-.wrangler/state}"
  args+=(--persist-to "$state"); shift || true
  # The local D1 database too (migrations/, applied once each): what `wrangler dev
  # --persist-to` reads. Remote databases are migrated at deploy time (docs/operations.md).
  [ -n "${DRY:-}" ] || npx wrangler d1 migrations apply DB --local --persist-to "$state" >/dev/null
fi
for extra in "$@"; do args+=(--extra "$extra"); done
cargo run --quiet --release --bin newsroom -- publish "${CONTENT:-content}" "${args[@]}"

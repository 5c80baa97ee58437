#!/usr/bin/env bash
# Builds KV records from content/ and loads them into local KV, releases before indexes.
# Usage: scripts/load-kv.sh [PERSIST_DIR] [EXTRA_BULK_FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
persist="${1:-.wrangler/state}"
shift || true
cargo run --quiet --release --bin newsroom -- build content --out build/kv
for file in build/kv/kv-1-releases.json build/kv/kv-2-indexes.json "$@"; do
  echo "[load-kv] $file -> $persist" >&2
  npx wrangler kv bulk put "$file" --binding RELEASES --local --persist-to "$persist" >/dev/null
done

#!/usr/bin/env bash
# Builds content/ and publishes it to KV in the safe order: release records, then indexes,
# then deletion of stale keys, then the new manifest, so no index ever points to a missing record and a content
# error changes nothing. The previous build's manifest (KV key `build:manifest`) tells what
# became stale and which removed releases answer 410 Gone.
#
#   scripts/publish.sh [--dry-run] [--remote | PERSIST_DIR] [EXTRA_BULK_FILE...]
#
# Without --remote it writes to local KV in PERSIST_DIR (default .wrangler/state), as
# `wrangler dev --persist-to` reads it. EXTRA_BULK_FILEs (test fixtures) go up with stage 2.
# CONTENT=dir publishes another content folder (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
dry=0
if [ "${1:-}" = --dry-run ]; then dry=1; shift; fi
if [ "${1:-}" = --remote ]; then
  where=(--remote); shift
else
  where=(--local --persist-to "${1:-.wrangler/state}"); shift || true
fi
kv() { npx wrangler kv "$@" --binding RELEASES "${where[@]}"; }
content="${CONTENT:-content}"
out=build/kv
mkdir -p "$out"
previous=()
kv key get build:manifest --text >"$out/previous-manifest.json" 2>/dev/null || true
if [ "$(head -c1 "$out/previous-manifest.json")" = "{" ]; then
  previous=(--previous "$out/previous-manifest.json")
else
  echo "[publish] no build:manifest in KV yet: first publish, nothing to delete" >&2
fi
cargo run --quiet --release --bin newsroom -- build "$content" --out "$out" "${previous[@]}"
if [ "$dry" = 1 ]; then
  echo "[publish] dry run: would upload $out/kv-1-releases.json, $out/kv-2-indexes.json $*, then delete $(grep -c '"' "$out/kv-3-delete.json" || true) keys" >&2
  exit 0
fi
# Stage 0, media. Remote KV decodes base64 values itself; local `kv bulk put` corrupts them
# (cloudflare/workers-sdk#15192, fixed after the wrangler we pin), so locally each file is
# put from its bytes.
if [ "${where[0]}" = --remote ]; then
  kv bulk put "$out/kv-0-media.json" >/dev/null
else
  for file in "$out"/media/*; do
    [ -f "$file" ] || continue
    kv key put "media:$(basename "$file")" --path "$file" >/dev/null
  done
fi
for file in "$out/kv-1-releases.json" "$out/kv-2-indexes.json" "$@"; do
  echo "[publish] put $file (${where[*]})" >&2
  kv bulk put "$file" >/dev/null
done
if [ "$(tr -d ' \n[]' <"$out/kv-3-delete.json")" != "" ]; then
  echo "[publish] delete the stale keys in $out/kv-3-delete.json" >&2
  kv bulk delete "$out/kv-3-delete.json" --force >/dev/null
fi
# Last: until the new manifest is up, running this again repeats every step.
kv bulk put "$out/kv-4-manifest.json" >/dev/null
echo "[publish] done" >&2

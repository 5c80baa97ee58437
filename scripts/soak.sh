#!/usr/bin/env bash
# A bounded load run against a newsroom serving content/: mixed routes (pages, releases, JSON,
# Markdown, feeds, searches, sitemaps) with a third of the requests revalidating their ETag.
# Fails unless every answer is a 2xx or 304: no 4xx, no 5xx, no socket errors.
#
#   scripts/soak.sh URL [SECONDS] [CONNECTIONS]      (default 60 s, 64 connections)
#
# SOAK_REPORT=FILE appends the result line and the command to FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:?URL}; secs=${2:-60}; conns=${3:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1 || true
command -v wrk >/dev/null || { echo "[soak] wrk is not installed and cannot be (needs apt and root)" >&2; exit 3; }
# Each path of bench/soak-paths.txt with the ETag it answers now.
mkdir -p target
etags=target/soak-etags.txt
URL="$url" node -e '
  const fs = require("fs");
  const paths = fs.readFileSync("bench/soak-paths.txt", "utf8").split("\n").filter(Boolean);
  (async () => {
    const lines = [];
    for (const p of paths) {
      const r = await fetch(process.env.URL + p);
      const etag = r.headers.get("etag");
      if (r.status !== 200 || !etag) { console.error(`[soak] ${p}: ${r.status}, ETag ${etag}`); process.exit(1); }
      lines.push(`${p} ${etag}`);
    }
    fs.writeFileSync(process.argv[1], lines.join("\n") + "\n");
  })();
' "$etags"
cmd="wrk -t2 -c$conns -d${secs}s --latency -s bench/soak.lua $url -- $etags"
line=$($cmd | grep '^soak:')
echo "[soak] $line ($cmd)" >&2
if [ -n "${SOAK_REPORT:-}" ]; then printf '%s\n%s\n' "$cmd" "$line" >>"$SOAK_REPORT"; fi
read -r _ requests ok nm c4 c5 socket _ <<<"$line"
bad=0
for field in "$c4" "$c5" "$socket"; do [ "${field#*=}" = 0 ] || bad=1; done
[ "${requests#*=}" -gt 0 ] || bad=1
if [ "$bad" = 1 ]; then echo "[soak] FAILED: every answer must be 2xx or 304, with no socket errors" >&2; exit 1; fi

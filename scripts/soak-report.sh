#!/usr/bin/env bash
# `make soak`: serves content/ from its own local KV state in workerd (wrangler dev
# --log-level warn), runs scripts/soak.sh for 60 s with 64 connections, and writes the result
# into BENCHMARKS.md between the soak markers. Fails on any 4xx, 5xx or socket error.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
port="${SOAK_PORT:-8798}" url="http://127.0.0.1:${SOAK_PORT:-8798}"
state=target/soak-state
rm -rf "$state"
scripts/publish.sh "$state"
# The readers' Worker alone, with its own dev registry (a running `make dev`'s mail Worker
# is never bound to it).
export WRANGLER_REGISTRY_PATH="$PWD/target/soak-registry"
mkdir -p "$WRANGLER_REGISTRY_PATH"
setsid npx wrangler dev --ip 127.0.0.1 --port "$port" --persist-to "$state" \
  --show-interactive-dev-session=false --log-level warn --var LOG_REQUESTS:errors >target/soak-wrangler.log 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  node -e "fetch('$url/').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))" && break
  sleep 1
done
report=target/soak-report.txt
: >"$report"
status=0
SOAK_REPORT="$report" scripts/soak.sh "$url" "${SOAK_SECONDS:-60}" "${SOAK_CONNECTIONS:-64}" || status=$?
{
  echo "<!-- soak:start -->"
  echo "## Soak (\`make soak\`, $(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "Mixed routes from \`bench/soak-paths.txt\` (pages, releases, JSON, Markdown, feeds, searches,"
  echo "sitemap), every third request revalidating its ETag; pass = no 4xx, no 5xx, no socket errors."
  echo "The worker runs with \`LOG_REQUESTS=errors\`: a log line per request costs ~40 % of local"
  echo "throughput, because wrangler dev ships every line to its own process (measured: 660 vs 1,132"
  echo "requests/s in two otherwise identical 60 s runs; docs/operations.md)."
  echo
  echo '```'
  cat "$report"
  echo '```'
  echo "<!-- soak:end -->"
} >target/soak-section.md
python3 - <<'PY'
import re
doc = open("BENCHMARKS.md").read()
section = open("target/soak-section.md").read().strip()
if "<!-- soak:start -->" in doc:
    doc = re.sub(r"<!-- soak:start -->.*?<!-- soak:end -->", lambda m: section, doc, flags=re.S)
else:
    doc = doc.rstrip() + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(doc)
PY
exit $status

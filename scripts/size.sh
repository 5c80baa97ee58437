#!/usr/bin/env bash
# The two Workers' size as wrangler would upload them (its dry run: "Total Upload ... / gzip
# ..."), each checked against the budget of 300 KiB gzipped that every cold start pays for
# (issue 28). Exits 1 above it. With --all, also the one wasm with both features that the
# split replaced (scripts/build-worker.sh all: about 3 more minutes), for comparison.
#   scripts/size.sh [--all]          (make size; make size-split adds --all)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
budget_kib=300
sh scripts/build-worker.sh
measure() { # CONFIG [ENTRY]: wrangler's upload line for that Worker
  npx wrangler deploy --dry-run -c "$1" --outdir "target/size/$(basename "$1" .toml)" ${2:+"$2"} 2>&1 | grep -o 'Total Upload.*'
}
gzip_kib() { sed -n 's/.*gzip: \([0-9.]*\) KiB.*/\1/p'; }
status=0
echo "| Worker | config | upload |"
echo "|---|---|---|"
for config in wrangler.toml wrangler.mail.toml; do
  line=$(measure "$config") || line="(wrangler's dry run failed: run it by hand to see why)"
  echo "| $(sed -n 's/^name = "\(.*\)"/\1/p' "$config" | head -n1) | \`$config\` | $line |"
  kib=$(echo "$line" | gzip_kib)
  if [ -z "$kib" ] || ! awk -v k="$kib" -v b="$budget_kib" 'BEGIN { exit !(k <= b) }'; then
    echo "size: $config: ${kib:-?} KiB gzipped is over the budget of $budget_kib KiB" >&2
    status=1
  fi
done
if [ "${1:-}" = --all ]; then
  sh scripts/build-worker.sh all >&2
  echo "| (not deployed) both features in one | \`wrangler.toml\` | $(measure wrangler.toml target/size-split/all/index.js) |"
fi
exit $status

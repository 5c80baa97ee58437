#!/usr/bin/env bash
# What the worker would weigh split into two Workers (issue 28's size bound): the deployed
# worker (both features), the readers' half (`readers`: pages, feeds, search, journalists'
# keys, /healthz) and the mail half (`mail`: subscription pages and posts, the Cron Trigger,
# the queue consumer, the senders). Each half is built by `scripts/build-worker.sh FEATURE`
# into target/size-split/FEATURE/ and measured as `make size` measures the worker: wrangler's
# dry run ("Total Upload ... / gzip ..."). Nothing here is deployed; takes about 6 minutes.
#   scripts/size-split.sh          (make size-split)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
sh scripts/build-worker.sh
measure() { # ENTRY OUTDIR: wrangler's upload line for the worker whose entry module is ENTRY
  npx wrangler deploy --dry-run --outdir "$2" "$1" 2>&1 | grep -o 'Total Upload.*'
}
echo "| build | what it holds | upload |"
echo "|---|---|---|"
echo "| deployed worker | both halves | $(measure worker/build/index.js target/size-split/dry-run-both) |"
for feature in readers mail; do
  sh scripts/build-worker.sh "$feature" >&2
  echo "| \`$feature\` half | $(grep -m1 "^$feature = " -B1 worker/Cargo.toml | head -n1 | sed 's/^# //') | $(measure "target/size-split/$feature/index.js" "target/size-split/dry-run-$feature") |"
done

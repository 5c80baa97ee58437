#!/usr/bin/env bash
# `make dev`'s server: wrangler dev with every local part (KV and D1 under .wrangler/state,
# the Cron Trigger, the mail queue), a local stand-in for the mail provider, and a ticker
# that runs the trigger every minute as Cloudflare would: local wrangler runs it only on
# `GET /__scheduled` (--test-scheduled).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
url="http://127.0.0.1:8787"
tick() {
  sleep 20
  while :; do
    node -e "fetch('$url/__scheduled?cron=*+*+*+*+*').catch(() => {})" || true
    sleep 60
  done
}
tick &
ticker=$!
# Mails (confirmations, releases) go to a local stand-in for Postmark: see them at
# http://127.0.0.1:8788/__mail.
node scripts/mail-stub.mjs 8788 &
stub=$!
trap 'kill $ticker $stub 2>/dev/null || true' EXIT
# BASE_URL: mails need absolute links (the release mails are sent from the queue).
npx wrangler dev "$@" --test-scheduled --var "BASE_URL:$url"

#!/usr/bin/env bash
# `make dev`'s servers: both Workers in wrangler dev over one local state (.wrangler/state:
# KV and D1), with every local part — the readers' Worker on http://127.0.0.1:8787, the mail
# Worker (subscriptions, the Cron Trigger, the mail queue) on 127.0.0.1:8786, which the
# readers' reaches through its MAIL binding as on Cloudflare — local stand-ins for the mail
# provider and the social media platforms, and a ticker that runs the trigger every minute as Cloudflare would: local
# wrangler runs it only on `GET /__scheduled` (--test-scheduled) of the mail Worker's port;
# and the browser editor at /admin/, writing into content/ through decap-server.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
url="http://127.0.0.1:8787"
mail_url="http://127.0.0.1:8786"
state=.wrangler/state
common=(--ip 127.0.0.1 --persist-to "$state" --show-interactive-dev-session=false)
tick() {
  sleep 20
  while :; do
    node -e "fetch('$mail_url/__scheduled?cron=*+*+*+*+*').catch(() => {})" || true
    sleep 60
  done
}
tick &
ticker=$!
# The browser editor at http://127.0.0.1:8787/admin/ (docs/editor.md): its files, then
# decap-server on 127.0.0.1:8081, through which the editor reads and writes content/ here.
scripts/build-editor.sh
PORT=8081 BIND_HOST=127.0.0.1 GIT_REPO_DIRECTORY="$PWD" LOG_LEVEL=warn npx decap-server &
decap=$!
# Mails (confirmations, releases) go to a local stand-in for Postmark: see them at
# http://127.0.0.1:8788/__mail.
node scripts/mail-stub.mjs 8788 &
stub=$!
# Social media calls (releases posted to Mastodon and Bluesky, publishers' feeds) go to a
# local stand-in for the platforms: see what would have been posted at
# http://127.0.0.1:8789/__social (docs/social.md). The example publisher's credentials are
# local test values; feeds are fetched every minute here (hourly on Cloudflare).
node scripts/social-stub.mjs 8789 &
social=$!
# BASE_URL: mails need absolute links to the readers' Worker (the release mails are sent from
# the queue, with no request to take an origin from).
setsid npx wrangler dev -c wrangler.mail.toml "${common[@]}" --port 8786 --inspector-port 9230 \
  --test-scheduled --var "BASE_URL:$url" --var SOCIAL_VIA:http://127.0.0.1:8789 --var SOCIAL_FEEDS_EVERY:1 \
  --var MASTODON_TOKEN_ESIMERKKI:local-example --var BLUESKY_APP_PASSWORD_ESIMERKKI:local-example &
mail=$!
trap 'kill $ticker $stub $social $decap 2>/dev/null || true; kill -- -$mail 2>/dev/null || true' EXIT
npx wrangler dev -c wrangler.toml "${common[@]}" --port 8787 --var "BASE_URL:$url"

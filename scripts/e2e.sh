#!/usr/bin/env bash
# End-to-end tests: the compiled wasm of both Workers (readers' and mail, ARCHITECTURE.md) in
# workerd (two `wrangler dev`s over one state) with local KV loaded from content/ plus
# fixtures, exercised over real HTTP by tests/e2e.rs. Ten runs over four states: run 1,
# every test but a few, against content/ and the fixtures; run 2, the embargo-lift and mail
# tests, against a state where one release goes public a minute after the server starts;
# then over run 2's state the Workers with a bad setting (run3_*), a new isolate over run 2's
# Cache API copies (run5_*), embargo updates and cancellations after a publish (run7_*), mail
# through Cloudflare's send_email (run6_*), the readers' Worker without the mail Worker
# (run8_*) and mail that fails and a subscriber's own page (run9_*, tests/e2e/run9_mail.rs); and, on its own empty
# state, the readers' Worker without its KV binding (run4_*); and, on a state of its own, the
# browser editor's GitHub sign-in (run10_*) and, with the browser checks, the editor at
# /admin/ writing into a working copy of its own (run 10, tests/browser/editor.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
port="${E2E_PORT:-8799}"
url="http://127.0.0.1:$port"
# The mail Worker's own port, and both Workers' DevTools ports (not 9229, which `make dev` takes).
mail_port="${E2E_MAIL_WORKER_PORT:-8790}"
mail_url="http://127.0.0.1:$mail_port"
inspector="${E2E_INSPECTOR_PORT:-9249}" mail_inspector="${E2E_MAIL_INSPECTOR_PORT:-9239}"
# The Workers find each other through wrangler's dev registry: this run's own, so a running
# `make dev` (whose Workers have the same names) is never the one bound.
export WRANGLER_REGISTRY_PATH="$PWD/target/e2e-registry"
rm -rf "$WRANGLER_REGISTRY_PATH" && mkdir -p "$WRANGLER_REGISTRY_PATH"
# The preview secret the tests sign their tokens with (a test value, not a real secret).
secret=e2e-preview-secret-0123456789abcdef0123456789
# Any HTTP answer counts: runs 3 and 4 answer every request with a 500 or 503.
up() { node -e "fetch('$1/').then(()=>process.exit(0),()=>process.exit(1))"; }
# Stops the process groups $groups and waits (at most 15 s) until none of their processes is
# left: a workerd still exiting holds the state's SQLite files, and the next run's would meet
# `database is locked` (SQLITE_BUSY_RECOVERY) and die at start.
stop_groups() {
  for g in $groups; do kill -- -"$g" 2>/dev/null || true; wait "$g" 2>/dev/null || true; done
  for _ in $(seq 1 75); do
    local alive=0
    for g in $groups; do if kill -0 -- -"$g" 2>/dev/null; then alive=1; fi; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  groups=""
}
# The stand-in for Mastodon, Bluesky and their feeds (scripts/social-stub.mjs), which every
# run's mail Worker calls instead of the platforms (SOCIAL_VIA): started before run 1, up to
# the end.
social_port="${E2E_SOCIAL_PORT:-8793}"
social_url="http://127.0.0.1:$social_port"
# Whatever ends the script (a failed test included) stops what it started: the Workers of
# the run under way ($groups) and the stand-ins, so the next run finds its ports free.
on_exit() {
  stop_groups
  for pid in ${stub_pid:-} ${social_pid:-}; do kill "$pid" 2>/dev/null || true; done
}
for u in "$url" "$mail_url" "$social_url"; do
  if up "$u"; then
    echo "[e2e] something already answers on $u; stop it or set E2E_PORT / E2E_MAIL_WORKER_PORT / E2E_SOCIAL_PORT" >&2
    exit 1
  fi
done
sh scripts/build-worker.sh
# The browser editor's files, which the readers' Worker serves at /admin/ (wrangler.toml [assets]).
scripts/build-editor.sh
cargo test --no-run --quiet --test e2e
# docs/walkthrough.md, its commands as written, in a copy of the repository with local KV of
# its own (about 80 s: each local media upload is a wrangler call), in the background while
# the browser tools install and run 1's content is published (both mostly wait too), its
# test binary run directly so no cargo lock is held; waited for before any server starts:
# its `preview --local` listens on 127.0.0.1:8790.
cargo test --no-run --quiet --test walkthrough
walkthrough_bin=$(ls -t target/debug/deps/walkthrough-* | grep -v '\.d$' | head -n 1)
"$walkthrough_bin" --ignored --quiet >target/e2e-walkthrough.log 2>&1 &
walkthrough_pid=$!
# Browser checks (HTML validity, axe, screenshots) need Chromium and Java: installed when
# possible, else skipped with a warning, unless REQUIRE_BROWSER=1 (CI) makes that an error.
browser=1
scripts/setup-browser.sh || {
  [ "${REQUIRE_BROWSER:-0}" = 1 ] && { echo "[e2e] browser checks required but not installable" >&2; exit 1; }
  echo "[e2e] WARNING: skipping the browser checks (no Chromium/Java)" >&2
  browser=0
}

# content/ plus the fixture releases and media, in a scratch folder.
fixture_content() {
  rm -rf "$1" && cp -r content "$1"
  cp tests/fixtures/e2e-releases/*.md "$1/releases/"
  mkdir -p "$1/media" && cp tests/fixtures/e2e-media/* "$1/media/"
  # A camera photo with GPS, serial number and artist in its EXIF, stored sideways
  # (orientation 6), for the release fixture; and a standing photo of the seed publisher.
  cargo run --quiet --release --bin newsroom -- sample-photo "$1/media/e2e-camera.jpg" --width 2400 --height 1800 --orientation 6
  cargo run --quiet --release --bin newsroom -- sample-photo "$1/media/e2e-standing.jpg" --width 2000 --height 1500
  printf '\n[[photos]]\nfile = "e2e-standing.jpg"\nalt = "Testikuva: julkaisijan vakiokuva"\ncaption = "Testiaineisto: vakiokuva"\ncredit = "Kuva: testiaineisto"\n' \
    >>"$1/publishers/kymenlaakson-hyvinvointialue.toml"
  # Two social media channels (test addresses on the platforms' own sites), so the browser
  # checks and the OpenAPI match see the publisher page's links and JSON view with them.
  printf '\n[social]\nmastodon = "https://mastodon.example/@e2e-testi"\nyoutube = "https://www.youtube.com/@e2e-testi"\n' \
    >>"$1/publishers/kymenlaakson-hyvinvointialue.toml"
  # Kymsote's own newsroom host name (tests send it as the Host header).
  sed -i '1i hostnames = ["uutiset.kymsote.test"]' "$1/publishers/kymsote.toml"
}

# Serves STATE with both Workers while `cargo test --test e2e -- --ignored ARGS...` runs: the
# readers' Worker on $port (its config: $readers_config, default wrangler.toml) and the mail
# Worker on $mail_port (its config: $mail_config, default wrangler.mail.toml; not with without_mail=1), which the readers' reaches through its MAIL
# binding (the dev registry) and the tests reach directly only to run its Cron Trigger. The
# words of $wrangler_args (e.g. `--var NAME:VALUE`, `--test-scheduled`) go to both, with
# SOCIAL_VIA (no run calls a real platform). $before_tests, when set, runs once both answer.
serve_and_test() {
  local state=$1; shift
  local wrangler_args="${wrangler_args:-} --var SOCIAL_VIA:$social_url"
  local log=target/e2e-wrangler.log mail_log=target/e2e-mail-worker.log
  # Each `wrangler dev` in its own session, so its whole tree (npx → wrangler → workerd) can
  # be stopped as one group: $groups lists them.
  groups=""
  trap on_exit EXIT
  if [ "${without_mail:-0}" != 1 ]; then
    # shellcheck disable=SC2086
    setsid npx wrangler dev -c "${mail_config:-wrangler.mail.toml}" --ip 127.0.0.1 --port "$mail_port" --inspector-port "$mail_inspector" \
      --persist-to "$state" --show-interactive-dev-session=false --log-level "${log_level:-warn}" \
      --var "PREVIEW_SECRET:$secret" ${wrangler_args:-} >"$mail_log" 2>&1 &
    groups="$groups $!"
    # One workerd opens the state's SQLite files at a time: the mail Worker first, up before
    # the readers' starts (two opening them at once can die of SQLITE_BUSY_RECOVERY).
    for _ in $(seq 1 120); do
      up "$mail_url" && break
      for g in $groups; do
        kill -0 "$g" 2>/dev/null || { cat "$mail_log" 2>/dev/null; echo "a wrangler dev exited" >&2; exit 1; }
      done
      sleep 1
    done
  fi
  # The readers' has no Cron Trigger: --test-scheduled is the mail Worker's only.
  local readers_args=${wrangler_args:-}
  readers_args=${readers_args//--test-scheduled/}
  # shellcheck disable=SC2086
  setsid npx wrangler dev -c "${readers_config:-wrangler.toml}" --ip 127.0.0.1 --port "$port" --inspector-port "$inspector" \
    --persist-to "$state" --show-interactive-dev-session=false --log-level "${log_level:-warn}" \
    --var "PREVIEW_SECRET:$secret" $readers_args >"$log" 2>&1 &
  groups="$groups $!"
  for _ in $(seq 1 120); do
    if up "$url" && { [ "${without_mail:-0}" = 1 ] || up "$mail_url"; }; then break; fi
    for g in $groups; do
      kill -0 "$g" 2>/dev/null || { cat "$log" "$mail_log" 2>/dev/null; echo "a wrangler dev exited" >&2; exit 1; }
    done
    sleep 1
  done
  if [ -n "${before_tests:-}" ]; then eval "$before_tests"; fi
  NEWSROOM_E2E_URL="$url" NEWSROOM_E2E_PREVIEW_SECRET="$secret" NEWSROOM_E2E_LIFT="${lift:-}" NEWSROOM_E2E_LOG="$log" NEWSROOM_E2E_STATE="$state" \
    NEWSROOM_E2E_MAIL_WORKER="$mail_url" NEWSROOM_E2E_MAIL_LOG="$mail_log" NEWSROOM_E2E_SOCIAL="$social_url" \
    NEWSROOM_E2E_HUB="${hub:-}" NEWSROOM_E2E_MAIL="${mail:-}" \
    cargo test --test e2e -- --ignored "$@"
  if [ "${with_browser:-0}" = 1 ]; then
    preview=$(PREVIEW_SECRET=$secret cargo run --quiet -- preview e2e-media-fixture --content "$content" --base-url "" --unchecked)
    scripts/browser-test.sh "$url" "$preview"
  fi
  if [ -n "${editor_repo:-}" ]; then
    node tests/browser/editor.mjs "$url" "$editor_port" "$PWD/$editor_repo" "$state" target/screenshots
  fi
  if [ "${with_soak:-0}" = 1 ]; then
    # A short load run (make soak runs 60 s): mixed routes and 304s, no 4xx/5xx/socket errors.
    scripts/soak.sh "$url" "${E2E_SOAK_SECONDS:-5}" 16 || {
      rc=$?
      if [ $rc = 3 ] && [ "${REQUIRE_BROWSER:-0}" != 1 ]; then
        echo "[e2e] WARNING: skipping the soak run (no wrk)" >&2
      else
        exit $rc
      fi
    }
  fi
  stop_groups
}

# Run 1. Publish twice, as a publisher would: first with every fixture release, then without
# the "removed" one, so the real publish path deletes its record and leaves a 410 tombstone.
state=target/e2e-state content=target/e2e-content
rm -rf "$state"
fixture_content "$content"
CONTENT="$content" scripts/publish.sh "$state" tests/fixtures/kv-damaged.json
rm "$content/releases/e2e-removed-fixture.md"
CONTENT="$content" scripts/publish.sh "$state"
if ! wait "$walkthrough_pid"; then
  cat target/e2e-walkthrough.log >&2
  echo "[e2e] the walkthrough (docs/walkthrough.md) failed" >&2
  exit 1
fi
tail -n 3 target/e2e-walkthrough.log
# Feeds advertise a WebSub hub (nothing listens there: only the links are checked). Mail goes
# to `make dev`'s stand-in for Postmark, on a port of its own (/healthz asks it the token).
stub_port="${E2E_STUB_PORT:-8796}"
MAIL_STUB_DIR=target/e2e-mail-stub MAIL_STUB_QUIET=1 node scripts/mail-stub.mjs "$stub_port" >/dev/null &
stub_pid=$!
SOCIAL_STUB_DIR=target/e2e-social node scripts/social-stub.mjs "$social_port" >/dev/null &
social_pid=$!
for _ in $(seq 1 50); do up "$social_url" && break; sleep 0.2; done
# Kymenlaakson hyvinvointialue's Mastodon feed is a hostile one (tests/e2e/social.rs), fetched
# by one run of the Cron Trigger before the tests, so every test and the browser checks see
# the publisher page with its latest posts.
node -e "fetch('$social_url/__social/feed', { method: 'POST', body: JSON.stringify({ path: '/mastodon.example/@e2e-testi.rss', body: require('fs').readFileSync('tests/fixtures/social/hostile.rss', 'utf8') }) }).then((r) => process.exit(r.ok ? 0 : 1))"
run_cron_once="node -e \"fetch('$mail_url/__scheduled?cron=*+*+*+*+*').then((r) => process.exit(r.ok ? 0 : 1))\""
before_tests=$run_cron_once with_browser=$browser with_soak=1 \
  wrangler_args="--var WEBSUB_HUB:https://hub.example.test/ --var MAIL_API_URL:http://127.0.0.1:$stub_port --test-scheduled --var SOCIAL_FEEDS_EVERY:1 --var SOCIAL_API_TIMEOUT:2" \
  serve_and_test "$state" --test-threads 4 --skip run2_ --skip run3_ --skip run4_ --skip run5_ --skip run6_ --skip run7_ --skip run8_ --skip run9_ --skip run10_
kill "$stub_pid" 2>/dev/null || true
stub_pid=""

# Run 2 (tests named `run2_*`). A release that goes public while the test runs, with no upload
# in between; the lift leaves time to publish and start the server (E2E_LIFT_SECONDS on a slow
# machine). Also a public translation, which would change the first run's list counts.
state=target/e2e-state-lift content=target/e2e-content-lift
rm -rf "$state"
fixture_content "$content"
cp tests/fixtures/e2e-run2-releases/*.md "$content/releases/"
# Kymsote announces its releases on Mastodon and Bluesky (the stand-in's test accounts; the
# credentials are run 2's `--var`s): the lift release is posted at its moment.
printf '\n[social]\nmastodon = "https://mastodon.e2e.test/@kymsote"\nbluesky = "https://bsky.app/profile/kymsote.e2e.test"\nannounce = ["mastodon", "bluesky"]\n' \
  >>"$content/publishers/kymsote.toml"
# A 60 MB test video with captions (made here, never committed), named first by a release
# far ahead, so this publish uploads it to local R2; the lift release below names it too,
# and it opens at the lift (tests/e2e/video.rs). Without ffmpeg (npm installs it on Linux
# x64 only) the video tests say why they cannot run.
if scripts/test-video.sh "$content/media/e2e-video.mp4" 36 14000; then
  cat >"$content/releases/e2e-video-ahead-fixture.md" <<EOF
+++
# Test fixture written by scripts/e2e.sh: far ahead, so its video is uploaded before the lift.
title = "Testiaineisto: video ennen julkaisua"
publisher = "kymsote"
published_at = 2099-06-01T09:00:00
lead = "Testiaineisto. Tämän tiedotteen video on testikuva."

[[videos]]
file = "e2e-video.mp4"
title = "Testiaineisto: testikuva ja merkkiääni"
captions = "e2e-video.vtt"
+++

Testiaineisto.
EOF
  lift_video='
[[videos]]
file = "e2e-video.mp4"
title = "Testiaineisto: testikuva ja merkkiääni"
captions = "e2e-video.vtt"
credit = "Video: testiaineisto"
poster = "e2e-pixel.png"'
fi
# The fixtures' photos first (locally each media file is a wrangler call of its own, about a
# second each): the lift's publish below then uploads records only, and keeps its minute.
CONTENT="$content" scripts/publish.sh "$state"
lift=$(date -u -d "+${E2E_LIFT_SECONDS:-90} seconds" +%Y-%m-%dT%H:%M:%SZ)
cat >"$content/releases/e2e-lift-fixture.md" <<EOF
+++
# Test fixture written by scripts/e2e.sh: public at $lift, a little after the server starts.
title = "Testiaineisto: testin aikana julkaistava tiedote"
publisher = "kymsote"
published_at = "$lift"
lead = "Testiaineisto. Tämä tiedote tulee näkyviin testin aikana ilman uutta latausta."
keywords = ["e2e-testiaineisto"]
${lift_video:-}
+++

Testiaineisto.
EOF
# A release two days ahead whose embargo notice goes to the media list at the lift.
cat >"$content/releases/e2e-notice-fixture.md" <<EOF
+++
# Test fixture written by scripts/e2e.sh: scheduled two days ahead, noticed to journalists at $lift.
title = "Testiaineisto: embargoilmoitus"
publisher = "kymsote"
published_at = "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
embargo_notice = "$lift"
lead = "Testiaineisto. Tämä tiedote lähtee medialistalle embargon alaisena."
keywords = ["e2e-testiaineisto"]
+++

Testiaineisto.
EOF
CONTENT="$content" scripts/publish.sh "$state"
# `CACHE=shared`: no copies in the isolate's memory, so repeated requests reach the Cache API.
# The Cron Trigger runs on `GET /__scheduled` (--test-scheduled) and pings the test's hub stub.
# Every run2_ test waits for the lift at once (--test-threads 8): they mostly sleep.
hub="127.0.0.1:${E2E_HUB_PORT:-8798}"
# Mails go to the test's stand-in for Postmark.
mail="127.0.0.1:${E2E_MAIL_PORT:-8797}"
hub=$hub mail=$mail wrangler_args="--var CACHE:shared --test-scheduled --var WEBSUB_HUB:http://$hub/ --var BASE_URL:$url --var MAIL_API_URL:http://$mail \
  --var SOCIAL_API_TIMEOUT:2 --var SOCIAL_RETRY_SPEEDUP:240 \
  --var MASTODON_TOKEN_KYMSOTE:e2e-token --var BLUESKY_APP_PASSWORD_KYMSOTE:e2e-app-password" \
  serve_and_test "$state" run2_ --test-threads 8

# Run 3: a setting the worker cannot use; every request answers 500 naming it.
wrangler_args="--var PAGE_SIZE:zero" serve_and_test "$state" run3_
# Run 5: a new isolate with `CACHE=on` over run 2's state: what run 2 left in the Cache API is
# read into the isolate's memory on first use.
serve_and_test "$state" run5_
# Run 7: run 2's noticed release moved, then withdrawn, by publishing run 2's content again
# from the test: one update, then one cancellation, to the journalists told of it. Before
# run 6, whose trigger runs days ahead forget the notices as past.
mail=$mail wrangler_args="--test-scheduled --var BASE_URL:$url --var MAIL_API_URL:http://$mail" \
  serve_and_test "$state" run7_
# Run 6: mail through Cloudflare's send_email binding (MAIL_VIA=send_email; locally each
# message is written to a .eml file whose path the worker's log shows at level info), over
# run 2's state with its mailings forgotten, so the trigger claims them again.
npx wrangler d1 execute DB --local --persist-to "$state" --command "DELETE FROM mailings" >/dev/null
log_level=info wrangler_args="--test-scheduled --var MAIL_VIA:send_email --var BASE_URL:$url" \
  serve_and_test "$state" run6_
# Run 8: the readers' Worker alone, the mail Worker down: pages still answer, `/healthz` says
# the mail part is failing, and the subscription posts answer 503.
without_mail=1 serve_and_test "$state" run8_
# Run 9: mail that fails and a subscriber's own page (tests/e2e/run9_mail.rs), over run 2's state, with a copy of the
# mail Worker's config whose queue gives up after eight retries, on a retry schedule run sixty
# times faster (MAIL_RETRY_SPEEDUP: about a minute, not five hours), whose provider gets 2 s
# to answer (MAIL_API_TIMEOUT) and whose form limit the timing test does not meet. The copy
# lives in target/, so its paths go one folder up; the Worker is built already.
sed -e 's/^max_retries = 20$/max_retries = 8/' -e 's#^main = "#main = "../#' \
  -e 's#^migrations_dir = "#migrations_dir = "../#' -e 's/simple = { limit = 30, period = 60 }/simple = { limit = 1000, period = 60 }/' \
  -e '/^\[build\]$/,/^command = /d' wrangler.mail.toml >target/e2e-wrangler.mail.toml
grep -q '^max_retries = 8$' target/e2e-wrangler.mail.toml && ! grep -q '^\[build\]' target/e2e-wrangler.mail.toml
mail=$mail mail_config=target/e2e-wrangler.mail.toml \
  wrangler_args="--test-scheduled --var BASE_URL:$url --var MAIL_API_URL:http://$mail --var MAIL_RETRY_SPEEDUP:60 --var MAIL_API_TIMEOUT:2" \
  serve_and_test "$state" run9_ --test-threads 1
# Run 4: no KV binding (tests/fixtures/wrangler-no-kv.toml): every request answers 503. Its
# own empty state, so no Cache API copy from an earlier run answers instead.
rm -rf target/e2e-state-no-kv
# `log` level: the test reads the worker's JSON log lines.
log_level=log readers_config=tests/fixtures/wrangler-no-kv.toml serve_and_test target/e2e-state-no-kv run4_

# Run 10: the browser editor (docs/editor.md). Its GitHub sign-in against the tests' stand-in
# for GitHub (the `run10_` test), always; with the browser checks, the editor in Chromium
# too: decap-server writes into a working copy of its own (the seed's publishers, pages and
# one hand-written release) as `make dev` lets it write into content/, and
# tests/browser/editor.mjs saves releases in the editor, checks and publishes them to this
# run's state and reads their pages from the readers' Worker (CACHE=off: a correction shows
# at the next request).
editor_repo=target/e2e-editor state=target/e2e-state-editor
rm -rf "$editor_repo" "$state" && mkdir -p "$editor_repo/content/releases" "$editor_repo/content/media"
cp -r content/publishers content/pages "$editor_repo/content/"
cp content/releases/2025-06-10-yhteistoimintaneuvottelut.md "$editor_repo/content/releases/"
# A field the publisher form does not show: editing the publisher must keep it.
sed -i '1i hostnames = ["uutiset.kymenhva.test"]' "$editor_repo/content/publishers/kymenlaakson-hyvinvointialue.toml"
cargo run --quiet --release --bin newsroom -- sample-photo "$editor_repo/kuva.jpg" --width 1600 --height 1200
CONTENT="$editor_repo/content" scripts/publish.sh "$state"
editor_port="${E2E_EDITOR_PORT:-8795}"
decap_pid=""
if [ "$browser" = 1 ]; then
  PORT=$editor_port BIND_HOST=127.0.0.1 GIT_REPO_DIRECTORY="$PWD/$editor_repo" LOG_LEVEL=warn \
    setsid npx decap-server >target/e2e-decap-server.log 2>&1 &
  decap_pid=$!
else
  editor_repo=""
fi
# The OAuth settings of the editor's sign-in, against the tests' stand-in for GitHub.
editor_repo=$editor_repo editor_port=$editor_port without_mail=1 \
  wrangler_args="--var CACHE:off --var GITHUB_OAUTH_URL:http://127.0.0.1:8794 --var GITHUB_OAUTH_CLIENT_ID:e2e-client --var GITHUB_OAUTH_CLIENT_SECRET:e2e-client-secret" \
  serve_and_test "$state" run10_
if [ -n "$decap_pid" ]; then kill -- -"$decap_pid" 2>/dev/null || true; fi
kill "$social_pid" 2>/dev/null || true
social_pid=""

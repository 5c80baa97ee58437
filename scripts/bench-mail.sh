#!/usr/bin/env bash
# Delivery benchmark: one release mailed to N confirmed local subscribers (default 10,000)
# by the real path — the Cron Trigger claims the mailing and queues one job per 100 ids, the
# queue consumer claims and sends each batch — in workerd (wrangler dev, local D1 and Queues)
# with scripts/mail-stub.mjs standing in for Postmark. Prints a Markdown section: time from
# the trigger run at the release's moment to the last mail at the stub, messages per second,
# and D1 rows read and written per mail (summed from the consumer's log lines). With
# BENCH_MAIL_WRITE=1 (make bench-mail) the section replaces the one between the mail markers
# of BENCHMARKS.md, above the notes kept there by hand.
#
#   scripts/bench-mail.sh [N]        (make bench-mail)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
n="${1:-10000}"
port="${BENCH_MAIL_PORT:-8796}" stub_port="${BENCH_MAIL_STUB_PORT:-8795}"
url="http://127.0.0.1:$port"
dir=target/bench-mail state=target/bench-mail/state content=target/bench-mail/content
rm -rf "$dir" && mkdir -p "$dir"
sh scripts/build-worker.sh mail >&2

# content/ plus one release public a little after the server is up.
cp -r content "$content"
lead=${BENCH_MAIL_LEAD_SECONDS:-45}
moment=$(date -u -d "+$lead seconds" +%Y-%m-%dT%H:%M:%SZ)
cat >"$content/releases/bench-mail-fixture.md" <<EOF
+++
# Benchmark fixture written by scripts/bench-mail.sh; never published anywhere else.
title = "Testiaineisto: postituksen mittaus"
publisher = "kymsote"
published_at = "$moment"
lead = "Testiaineisto. Tämä tiedote postitetaan mittauksessa jokaiselle tilaajalle."
keywords = ["mittaus"]
+++

Testiaineisto.
EOF
CONTENT="$content" scripts/publish.sh "$state" >&2

# N confirmed subscribers to everything, ids 1..N, 500 rows per statement.
python3 - "$n" >"$dir/subscribers.sql" <<'EOF'
import sys
n = int(sys.argv[1])
for start in range(1, n + 1, 500):
    rows = ",".join(
        f"({i}, 'tilaaja{i}@example.invalid', 'all', 'fi', '2026-01-01T00:00:00Z')"
        for i in range(start, min(start + 500, n + 1))
    )
    print(f"INSERT INTO subscribers (id, address, scopes, lang, confirmed_at) VALUES {rows};")
EOF
npx wrangler d1 execute DB --local --persist-to "$state" --file "$dir/subscribers.sql" >/dev/null

MAIL_STUB_DIR="$dir/mail" MAIL_STUB_QUIET=1 node scripts/mail-stub.mjs "$stub_port" >"$dir/stub.log" 2>&1 &
stub=$!
# The mail Worker alone: the trigger, the queue and the senders are all its own. Its own dev
# registry, so a running `make dev` (whose mail Worker has the same name) is left alone.
export WRANGLER_REGISTRY_PATH="$PWD/target/bench-mail-registry"
mkdir -p "$WRANGLER_REGISTRY_PATH"
setsid npx wrangler dev -c wrangler.mail.toml --ip 127.0.0.1 --port "$port" --inspector-port 9238 \
  --persist-to "$state" --test-scheduled \
  --show-interactive-dev-session=false --log-level log \
  --var PREVIEW_SECRET:bench-mail-secret-0123456789abcdef0123456789 --var BASE_URL:"$url" \
  --var MAIL_API_URL:"http://127.0.0.1:$stub_port" --var LOG_REQUESTS:errors >"$dir/wrangler.log" 2>&1 &
server=$!
trap 'kill -- -$server 2>/dev/null || true; kill $stub 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs -o /dev/null "$url/healthz" && break
  sleep 1
done
now_ms() { date +%s%3N; }
moment_ms=$(date -u -d "$moment" +%s%3N)
while [ "$(now_ms)" -lt "$moment_ms" ]; do sleep 0.2; done
trigger_ms=$(now_ms)
curl -fs -o /dev/null "$url/__scheduled?cron=*+*+*+*+*"
stats() { curl -fs "http://127.0.0.1:$stub_port/__mail/stats"; }
deadline=$(( $(date +%s) + ${BENCH_MAIL_TIMEOUT:-900} ))
while :; do
  count=$(stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
  [ "$count" -ge "$n" ] && break
  if [ "$(date +%s)" -gt "$deadline" ]; then
    echo "[bench-mail] timed out: $count of $n mails after ${BENCH_MAIL_TIMEOUT:-900} s" >&2
    exit 1
  fi
  sleep 1
done
sleep 3 # any late duplicate would arrive now
stats >"$dir/stats.json"
python3 - "$n" "$trigger_ms" "$dir/stats.json" "$dir/wrangler.log" >"$dir/section.md" <<'EOF'
import json, re, sys
n, trigger_ms = int(sys.argv[1]), int(sys.argv[2])
stats = json.load(open(sys.argv[3]))
log = open(sys.argv[4], encoding="utf-8", errors="replace").read()
jobs = [json.loads(m) for m in re.findall(r'(\{"queue":"mail".*?\})\s*$', log, re.M)]
sent = sum(j.get("sent", 0) for j in jobs)
read = sum(j.get("d1_rows_read", 0) for j in jobs)
written = sum(j.get("d1_rows_written", 0) for j in jobs)
total_s = (stats["last_ms"] - trigger_ms) / 1000
sending_s = max((stats["last_ms"] - stats["first_ms"]) / 1000, 0.001)
import datetime, os
print(f"## Mail delivery: one release to {n:,} subscribers\n")
print(f"Made by `scripts/bench-mail.sh {n}` (`make bench-mail`) on {datetime.date.today()}, {os.cpu_count()} cores:")
print("the mail Worker in workerd via `wrangler dev` with local D1 and Queues (the consumer settings of")
print("`wrangler.mail.toml`:")
print("batches of 10 jobs, one second), and the Postmark stand-in `scripts/mail-stub.mjs` on the")
print("same machine. The trigger runs at the moment; on Cloudflare it runs within the minute after.\n")
print("| figure | value |")
print("|---|---|")
print(f"| mails at the stub (duplicates would exceed {n:,}) | {stats['count']:,} |")
print(f"| jobs consumed (100 subscribers each) | {len(jobs):,} |")
print(f"| from the trigger run at the moment to the first mail | {(stats['first_ms'] - trigger_ms) / 1000:.1f} s |")
print(f"| from the trigger run at the moment to the last mail | {total_s:.1f} s |")
print(f"| messages per second (first to last mail) | {stats['count'] / sending_s:,.0f} |")
print(f"| D1 rows read per mail (consumer) | {read / max(sent, 1):.2f} |")
print(f"| D1 rows written per mail (consumer) | {written / max(sent, 1):.2f} |")
if stats["count"] != n or sent != n:
    sys.exit(f"[bench-mail] expected {n} mails, the stub has {stats['count']} and the consumer logged {sent}")
EOF
cat "$dir/section.md"
if [ "${BENCH_MAIL_WRITE:-0}" = 1 ]; then
  python3 - "$dir/section.md" <<'EOF'
import re, sys
doc = open("BENCHMARKS.md").read()
section = open(sys.argv[1]).read().strip()
block = f"<!-- mail:start -->\n{section}\n<!-- mail:measured-end -->"
if "<!-- mail:start -->" in doc:
    doc = re.sub(r"<!-- mail:start -->.*?<!-- mail:measured-end -->", lambda m: block, doc, flags=re.S)
else:
    doc = doc.rstrip() + "\n\n" + block + "\n\n<!-- mail:end -->\n"
open("BENCHMARKS.md", "w").write(doc)
EOF
fi

#!/usr/bin/env bash
# The measuring half of `make bench` (scripts/bench.sh runs this, then scripts/bench-report.sh):
# synthetic content at several sizes, loaded into local KV, served by the release worker in
# workerd, measured with wrk next to a constant-response baseline worker; then the native
# micro-benchmarks (scripts/bench-native.sh), the per-crate size breakdown and the worker's
# upload size. Writes CSV files only, into target/bench/results/ (BENCH_RESULTS=DIR to change,
# relative to the repository); it never touches BENCHMARKS.md. Not part of `make test` (it
# takes minutes and needs a quiet machine).
#
#   BENCH_SIZES="10 1000 10000 100000" BENCH_SECONDS=5 BENCH_LATENCY_SECONDS=3 BENCH_TURNS=5 \
#     scripts/bench-measure.sh
#   scripts/bench-measure.sh --check    only checks that wrk is installed (`make bench` runs
#                                       this before it builds anything)
#
# wrk is never installed from here: without it this stops at once, naming `make bench-setup`.
#
# The results are written to DIR.partial, which becomes DIR only when the whole run is done, so
# DIR always holds one complete run and scripts/bench-report.sh can render it again at any time.
# Every file is CSV: a header row, then one row per figure, in the order measured; a field with a
# comma or a double quote is quoted as in RFC 4180; "nan" is a figure wrk did not print.
# Units: every *_rps is wrk's "Requests/sec" as wrk printed it; every *_p50_ms is in ms, read
# from wrk's own latency distribution (its "50%" line) by wrk_summary below, the one place that
# reads a p50. "baseline" is the constant-response JS worker (bench/baseline); each *_baseline_*
# was measured just before the figure it sits next to, so a ratio compares runs seconds apart.
#
#   meta.csv            key,value: date (UTC, of the end of the run), cores, cpu, rustc,
#                       wrangler, wrk_args (the load runs), latency_args (the one-connection
#                       runs), sizes, turns, worker_size (wrangler's "Total Upload" line)
#   builds.csv          size,build_seconds,index_bytes
#                       `newsroom build` wall time at that size; bytes (keys + values) of its
#                       search:* KV pairs
#   throughput.csv      size,route,path,kv_reads,miss_rps,miss_p50_ms,miss_baseline_rps,
#                       floor_rps,floor_baseline_rps,hit_rps,hit_p50_ms,hit_baseline_rps,
#                       hit_floor_rps,hit_floor_baseline_rps
#                       load runs (wrk_args: 16 connections, so a p50 here is mostly time spent
#                       queued). kv_reads: KV values one miss read (TRACE_KV). miss: CACHE:off;
#                       hit: CACHE:on, the URL warm; floor: the baseline worker over the same KV
#                       reading the keys the miss read, in the same rounds, answering as many
#                       bytes; hit floor: the baseline worker answering the hit's headers and as
#                       many bytes from memory. The last row of each size, route
#                       "304 revalidation" (a release page with If-None-Match), has only the hit
#                       columns (and kv_reads 0).
#   sized.csv           size,bytes,rps,baseline_rps
#                       the baseline worker answering as many bytes as the release page (load run)
#   latency.csv         size,route,p50_ms,baseline_p50_ms,floor_p50_ms,floor_baseline_p50_ms
#                       cache miss, one connection (latency_args): a request's own time, each
#                       next to the baseline's p50 measured just before it
#   turns.csv           route,turn,small_size,large_size,small_p50_ms,large_p50_ms,
#                       floor_small_p50_ms,floor_large_p50_ms
#                       the smallest and largest size served at once and measured alternately,
#                       one connection (latency_args), cache miss; BENCH_TURNS turns per route
#   wasm-breakdown.csv  crate,kib,share_percent  (scripts/wasm-breakdown.sh's table)
#   native.csv, native-meta.csv   written by scripts/bench-native.sh (columns described there)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  echo "[bench] wrk is not installed, and the benchmarks measure with it. Install it with" >&2
  echo "[bench]   make bench-setup       (that is: sudo apt-get install -y wrk)" >&2
  echo "[bench] then run the benchmarks again. Nothing was measured." >&2
  exit 1
fi
if [ "${1:-}" = --check ]; then exit 0; fi
. scripts/env.sh
sizes="${BENCH_SIZES:-10 1000 10000 100000}"
secs="${BENCH_SECONDS:-5}"
turns=${BENCH_TURNS:-5}
wrk_args=(-t2 -c16 "-d${secs}s")
# Latency is measured apart, with one connection: each request's own time. Under the 16
# connections above, p50 is mostly time spent queued, so it only mirrors requests/s.
one_args=(-t1 -c1 "-d${BENCH_LATENCY_SECONDS:-3}s")
work=target/bench
results=${BENCH_RESULTS:-$work/results}
out=$results.partial
# DIR and DIR.partial are removed and made anew: refuse a DIR that holds anything but results.
for d in "$results" "$out"; do
  if [ -d "$d" ] && [ -n "$(ls -A "$d")" ] && [ ! -f "$d/throughput.csv" ] && [ ! -f "$d/builds.csv" ]; then
    echo "[bench] $d is not empty and holds no bench results: set BENCH_RESULTS to a new folder" >&2
    exit 1
  fi
done
mkdir -p "$work"
rm -rf "$out"
mkdir -p "$out"
rm -f "$work"/wrangler-*.log
sh scripts/build-worker.sh
cargo build --quiet --release --bin newsroom
newsroom=target/release/newsroom

# Appends one CSV row to $out/$1 (a field with a comma, a quote or a line break is quoted).
row() {
  local file=$1 f q='"' fields=()
  shift
  for f in "$@"; do
    if [[ $f == *[,\"$'\n']* ]]; then f="$q${f//$q/$q$q}$q"; fi
    fields+=("$f")
  done
  local IFS=,
  echo "${fields[*]}" >>"$out/$file"
}
row builds.csv size build_seconds index_bytes
row throughput.csv size route path kv_reads miss_rps miss_p50_ms miss_baseline_rps floor_rps \
  floor_baseline_rps hit_rps hit_p50_ms hit_baseline_rps hit_floor_rps hit_floor_baseline_rps
row sized.csv size bytes rps baseline_rps
row latency.csv size route p50_ms baseline_p50_ms floor_p50_ms floor_baseline_p50_ms
row turns.csv route turn small_size large_size small_p50_ms large_p50_ms floor_small_p50_ms \
  floor_large_p50_ms

# The readers' Worker alone: its own dev registry, so a running `make dev`'s mail Worker is
# never bound to it (only subscription posts would reach that).
export WRANGLER_REGISTRY_PATH="$PWD/target/bench-registry"
mkdir -p "$WRANGLER_REGISTRY_PATH"
declare -A pid_of  # port -> the session leader of the wrangler dev serving it
cleanup() { for p in "${pid_of[@]}"; do kill -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT
serve() { # dir port persist [extra args...]
  local dir=$1 port=$2 persist=$3; shift 3
  # `exec setsid` keeps the job's pid as the session leader, so `kill -- -pid` stops workerd too.
  (cd "$dir" && exec setsid npx wrangler dev --ip 127.0.0.1 --port "$port" --persist-to "$persist" \
      --show-interactive-dev-session=false --log-level warn "$@" >>"$OLDPWD/$work/wrangler-$port.log" 2>&1) &
  pid_of[$port]=$!
  for _ in $(seq 1 120); do curl -fso /dev/null "http://127.0.0.1:$port/" && return 0; sleep 1; done
  echo "server on $port did not start" >&2; cat "$work/wrangler-$port.log" >&2; exit 1
}
stop() { kill -- "-${pid_of[$1]}" 2>/dev/null || true; unset "pid_of[$1]"; sleep 1; }

# The one reading of wrk's output, for every figure: "requests/s p50-ms" from `wrk --latency`
# on stdin. requests/s is wrk's "Requests/sec" as printed; p50 is the "50%" line of wrk's
# latency distribution (wrk prints it as 987.00us, 1.23ms, 1.01s, or in m or h), in ms with
# three decimals. A figure wrk did not print is "nan", never 0 or an empty field.
wrk_summary() {
  awk '
    /Requests\/sec/ {r = $2}
    /^ +50%/ {v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
              s = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : 0
              if (s) p = sprintf("%.3f", v * s)}
    END {print (r == "" ? "nan" : r), (p == "" ? "nan" : p)}'
}
# "requests/s p50-ms" of one wrk run with the arguments of the array named $1 (then extra
# wrk arguments before the URL).
wrk_run() {
  local -n wrk_run_args=$1
  shift
  wrk --latency "${wrk_run_args[@]}" "$@" | wrk_summary
}
load() { wrk_run wrk_args "$@"; }                   # 16 connections: requests/s (and its p50)
rps() { load "$1" | cut -d' ' -f1; }
p50_of() { wrk_run one_args "$1" | cut -d' ' -f2; }  # one connection: a request's own time
# "p50-ms baseline-p50-ms" with one connection, the baseline measured just before.
latency() {
  baseline_up
  local b
  b=$(p50_of "$baseline_url")
  echo "$(p50_of "$1") $b"
}
# "requests/s p50-ms baseline-requests/s": the baseline is measured right before the figure,
# so each ratio compares two runs seconds apart, not minutes (these machines are noisy).
paired() { baseline_up; local b; b=$(rps "$baseline_url"); echo "$(load "$@") $b"; }
# wrangler dev has been seen to stop after an hour of load (an empty "[ERROR]" from its proxy):
# the baseline is started again rather than leaving every later ratio empty.
baseline_up() {
  curl -fso /dev/null "$baseline_url" && return 0
  echo "[bench] the baseline worker stopped answering; starting it again" >&2
  stop 8790
  serve bench/baseline 8790 "$PWD/$work/baseline-state"
}
declare -A path_of floor_of  # "$n|$route" -> its path, and its floor's query, at that size
# "reads|floor-query" of one GET with TRACE_KV on: how many KV values it read, and the
# baseline worker's query that reads the same keys in the same rounds and answers as many bytes.
probe() {
  curl -fs -D - -o /dev/null -w 'x-body-bytes: %{size_download}\n' "$1" | tr -d '\r' | python3 -c '
import sys, urllib.parse
h = {k.lower(): v for k, _, v in (line.rstrip("\n").partition(": ") for line in sys.stdin) if v}
q = urllib.parse.urlencode({"rounds": h.get("x-kv-keys", ""), "bytes": h["x-body-bytes"]})
print(h["x-kv-reads"] + "|" + q)'
}

# The baseline worker's query that answers like a hit on this URL: as many bytes, the same
# headers (but those of the connection and `x-kv-keys`).
probe_hit() {
  curl -fs -D - -o /dev/null -w 'x-body-bytes: %{size_download}\n' "$1" | tr -d '\r' | python3 -c '
import sys, json, urllib.parse
skip = {"transfer-encoding", "connection", "keep-alive", "date", "content-length", "x-kv-keys"}
headers, size = [], "0"
for line in sys.stdin:
    name, _, value = line.rstrip("\n").partition(": ")
    if not value or name.startswith("HTTP/") or name.lower() in skip:
        continue
    if name.lower() == "x-body-bytes":
        size = value
    else:
        headers.append([name.lower(), value])
print(urllib.parse.urlencode({"bytes": size, "headers": json.dumps(headers)}))'
}

serve bench/baseline 8790 "$PWD/$work/baseline-state"
baseline_url=http://127.0.0.1:8790/

for n in $sizes; do
  content="$work/content-$n" kv="$work/kv-$n" state="$PWD/$work/state-$n"
  body_args=()
  [ "$n" -ge 100000 ] && body_args=(--min-body 512 --max-body 1024)
  $newsroom gen --releases "$n" --publishers 20 --seed 1 "${body_args[@]}" --out "$content" 2>/dev/null
  start=$(date +%s.%N)
  $newsroom build "$content" --out "$kv" 2>/dev/null
  build_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.6f", b - a}')
  # Loading local KV is the slow part at 100,000 releases: a state loaded from the very same
  # files by an earlier run is kept, without the Cache API copies that run left in it.
  sums=$(cat "$kv/kv-1-releases.json" "$kv/kv-2-indexes.json" | md5sum | cut -d' ' -f1)
  if [ -f "$state/.loaded" ] && [ "$(cat "$state/.loaded")" = "$sums" ]; then
    rm -rf "$state/v3/cache"
  else
    rm -rf "$state"
    for f in "$kv/kv-1-releases.json" "$kv/kv-2-indexes.json"; do
      python3 - "$f" <<'PY'
import json, sys
pairs = json.load(open(sys.argv[1]))
for i in range(0, len(pairs), 5000):
    json.dump(pairs[i:i + 5000], open(f"{sys.argv[1]}.part{i // 5000:04d}", "w"))
PY
      for part in "$f".part*; do
        npx wrangler kv bulk put "$part" --binding RELEASES --local --persist-to "$state" >/dev/null 2>&1
        rm -f "$part"
      done
    done
    echo "$sums" >"$state/.loaded"
  fi
  file=$(find "$content/releases" -name '*.md' | sort | sed -n 1p)
  slug=$(basename "$file" .md)
  # shellcheck disable=SC2012  # the year folders' names are digits only
  year=$(ls "$content/releases" | tail -n1)
  keyword=$(sed -n 's/^keywords = \["\([^"]*\)".*/\1/p' "$file" |
    python3 -c "import sys; print(sys.stdin.read().strip().lower().translate(str.maketrans('äöå', 'aoa')).replace(' ', '-'))")
  routes=(
    "release page|/releases/$slug"
    "release JSON|/releases/$slug?format=json"
    "front page|/"
    "publisher page|/publishers/gen-0"
    "keyword page|/keywords/$keyword"
    "archive year|/archive/$year"
    "search|/search?q=sairaala+talous"
    "RSS|/feed.xml"
    "Atom|/atom.xml"
    "JSON Feed|/feed.json"
  )
  index_bytes=$(python3 -c "import json,sys; print(sum(len(p['key'])+len(p['value']) for p in json.load(open(sys.argv[1])) if p['key'].startswith('search:')))" "$kv/kv-2-indexes.json")
  row builds.csv "$n" "$build_s" "$index_bytes"
  # route -> figure at this size; *b is the baseline run made just before it.
  declare -A miss hit kvr pmiss phit floor missb hitb floorb hitfloor hitfloorb lat latb
  for mode in off on; do
    trace=()
    [ "$mode" = off ] && trace=(--var TRACE_KV:on)
    serve . 8791 "$state" --var "CACHE:$mode" --var LOG_REQUESTS:errors "${trace[@]}"
    page_bytes=$(curl -fs "http://127.0.0.1:8791/releases/$slug" -o /dev/null -w '%{size_download}')
    for r in "${routes[@]}"; do
      name=${r%%|*} path=${r#*|} url="http://127.0.0.1:8791${r#*|}"
      # Warmed first, so that the probe sees the steady state (a reused profile, kv::reuse_seconds).
      curl -fso /dev/null "$url"
      if [ "$mode" = off ]; then
        probed=$(probe "$url")
        kvr[$name]=${probed%%|*} path_of["$n|$name"]=$path floor_of["$n|$name"]=${probed#*|}
      fi
      read -r v p b <<<"$(paired "$url")"
      if [ "$mode" = off ]; then
        miss[$name]=$v pmiss[$name]=$p missb[$name]=$b
        read -r p b <<<"$(latency "$url")"
        lat[$name]=$p latb[$name]=$b
      else
        hit[$name]=$v phit[$name]=$p hitb[$name]=$b
        read -r v _ b <<<"$(paired "${baseline_url}?$(probe_hit "$url")")"
        hitfloor[$name]=$v hitfloorb[$name]=$b
      fi
    done
    if [ "$mode" = on ]; then
      etag=$(curl -fsSI "http://127.0.0.1:8791/releases/$slug" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}')
      read -r v p b <<<"$(paired -H "If-None-Match: $etag" "http://127.0.0.1:8791/releases/$slug")"
      hit["304 revalidation"]=$v phit["304 revalidation"]=$p hitb["304 revalidation"]=$b
    fi
    stop 8791
  done
  # The floor: the baseline worker over this size's KV, reading what each route read and
  # answering as many bytes, with no work in between.
  serve bench/baseline 8792 "$state"
  for r in "${routes[@]}"; do
    name=${r%%|*}
    url="http://127.0.0.1:8792/?${floor_of["$n|$name"]}"
    curl -fso /dev/null "$url"
    read -r v _ b <<<"$(paired "$url")"
    floor[$name]=$v floorb[$name]=$b
    read -r p pb <<<"$(latency "$url")"
    row latency.csv "$n" "$name" "${lat[$name]}" "${latb[$name]}" "$p" "$pb"
  done
  stop 8792
  # The same constant worker answering as many bytes as the release page has.
  read -r sized _ sizedb <<<"$(paired "${baseline_url}?bytes=$page_bytes")"
  for r in "${routes[@]}"; do
    name=${r%%|*}
    row throughput.csv "$n" "$name" "${path_of["$n|$name"]}" "${kvr[$name]}" "${miss[$name]}" \
      "${pmiss[$name]}" "${missb[$name]}" "${floor[$name]}" "${floorb[$name]}" "${hit[$name]}" \
      "${phit[$name]}" "${hitb[$name]}" "${hitfloor[$name]}" "${hitfloorb[$name]}"
  done
  row throughput.csv "$n" "304 revalidation" "/releases/$slug" 0 "" "" "" "" "" "${hit["304 revalidation"]}" \
    "${phit["304 revalidation"]}" "${hitb["304 revalidation"]}" "" ""
  row sized.csv "$n" "$page_bytes" "$sized" "$sizedb"
  unset miss hit kvr pmiss phit floor missb hitb floorb hitfloor hitfloorb lat latb
done

# Latency as the archive grows, in turns: the smallest and largest sizes served at once and
# measured alternately, so that the machine's drift falls on both alike (the sizes' own runs
# above are many minutes apart). The report takes the median over the turns.
read -r -a all <<<"$sizes"
small=${all[0]} large=${all[-1]}
serve . 8793 "$PWD/$work/state-$small" --inspector-port 9293 --var CACHE:off --var LOG_REQUESTS:errors
serve . 8794 "$PWD/$work/state-$large" --inspector-port 9294 --var CACHE:off --var LOG_REQUESTS:errors
serve bench/baseline 8795 "$PWD/$work/state-$small" --inspector-port 9295
serve bench/baseline 8796 "$PWD/$work/state-$large" --inspector-port 9296
for r in "${routes[@]}"; do
  name=${r%%|*}
  urls=("http://127.0.0.1:8793${path_of["$small|$name"]}" "http://127.0.0.1:8794${path_of["$large|$name"]}"
    "http://127.0.0.1:8795/?${floor_of["$small|$name"]}" "http://127.0.0.1:8796/?${floor_of["$large|$name"]}")
  # A second of load each first: the four isolates are new, and their code not yet optimised.
  for u in "${urls[@]}"; do wrk -t1 -c1 -d1s "$u" >/dev/null; done
  for t in $(seq 1 "$turns"); do
    x=$(p50_of "${urls[0]}") y=$(p50_of "${urls[1]}") fx=$(p50_of "${urls[2]}") fy=$(p50_of "${urls[3]}")
    row turns.csv "$name" "$t" "$small" "$large" "$x" "$y" "$fx" "$fy"
  done
done
for port in 8793 8794 8795 8796; do stop "$port"; done

BENCH_RESULTS="$out" scripts/bench-native.sh --results-only
# wasm-breakdown.sh prints a Markdown table: its rows, as CSV.
scripts/wasm-breakdown.sh | python3 -c '
import csv, sys
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["crate", "kib", "share_percent"])
for line in sys.stdin:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 3 or cells[0] == "crate" or set(cells[0]) <= set("-"):
        continue
    out.writerow([cells[0], cells[1], cells[2].rstrip("%")])
' >"$out/wasm-breakdown.csv"
# The readers' Worker: the one readers' requests load (the mail Worker: `make size`).
size=$(npx wrangler deploy --dry-run --outdir "$work/dry-run" 2>&1 | grep -o 'Total Upload.*')
row meta.csv key value
row meta.csv date "$(date -u +%Y-%m-%d)"
row meta.csv cores "$(nproc)"
row meta.csv cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
row meta.csv rustc "$(rustc --version)"
row meta.csv wrangler "$(npx wrangler --version 2>/dev/null | tail -n1)"
row meta.csv wrk_args "${wrk_args[*]}"
row meta.csv latency_args "${one_args[*]}"
row meta.csv sizes "$sizes"
row meta.csv turns "$turns"
row meta.csv worker_size "$size"
rm -rf "$results"
mv "$out" "$results"
echo "[bench] results in $results/ (scripts/bench-report.sh renders BENCHMARKS.md from them)" >&2

#!/usr/bin/env bash
# `make bench`: synthetic content at several sizes, loaded into local KV, served by the
# release worker in workerd, measured with wrk next to a constant-response baseline worker.
# Writes BENCHMARKS.md. Not part of `make test` (it takes minutes and needs a quiet machine).
#
#   BENCH_SIZES="10 1000 10000 100000" BENCH_SECONDS=5 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
sizes="${BENCH_SIZES:-10 1000 10000 100000}"
secs="${BENCH_SECONDS:-5}"
wrk_args=(-t2 -c16 "-d${secs}s")
# Latency is measured apart, with one connection: each request's own time. Under the 16
# connections above, p50 is mostly time spent queued, so it only mirrors requests/s.
one_args=(-t1 -c1 "-d${BENCH_LATENCY_SECONDS:-3}s")
work=target/bench
mkdir -p "$work"
rm -f "$work"/wrangler-*.log
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
sh scripts/build-worker.sh
cargo build --quiet --release --bin newsroom
newsroom=target/release/newsroom

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
# "requests/s p50-ms" of one wrk run with the arguments of the array named $1 (then extra
# wrk arguments before the URL).
measure_with() {
  local -n args=$1
  shift
  wrk --latency "${args[@]}" "$@" | awk '
    /Requests\/sec/ {r = $2}
    /^ +50%/ {v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v)
              p = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v}
    END {printf "%s %.2f\n", r, p}'
}
measure() { measure_with wrk_args "$@"; }
rps() { measure "$1" | cut -d' ' -f1; }
# p50 in ms of `$1` with one connection.
p50_of() { measure_with one_args "$1" | cut -d' ' -f2; }
# "p50-ms baseline-p50-ms" with one connection, the baseline measured just before.
latency() {
  baseline_up
  local b
  b=$(p50_of "$baseline_url")
  echo "$(p50_of "$1") $b"
}
# "requests/s p50-ms baseline-requests/s": the baseline is measured right before the figure,
# so each ratio compares two runs seconds apart, not minutes (these machines are noisy).
paired() { baseline_up; local b; b=$(rps "$baseline_url"); echo "$(measure "$@") $b"; }
# wrangler dev has been seen to stop after an hour of load (an empty "[ERROR]" from its proxy):
# the baseline is started again rather than leaving every later ratio empty.
baseline_up() {
  curl -fso /dev/null "$baseline_url" && return 0
  echo "[bench] the baseline worker stopped answering; starting it again" >&2
  stop 8790
  serve bench/baseline 8790 "$PWD/$work/baseline-state"
}
ratio() { echo "($1) / ($2)" | bc -l; }
declare -A p50_one p50_oneb  # "$n|$route" -> miss p50 in ms with one connection, and the baseline's
declare -A p50_floor p50_floorb  # the same for the route's floor (its KV reads and bytes alone)
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

results="$work/results.md"
: >"$results"
for n in $sizes; do
  content="$work/content-$n" kv="$work/kv-$n" state="$PWD/$work/state-$n"
  body_args=()
  [ "$n" -ge 100000 ] && body_args=(--min-body 512 --max-body 1024)
  $newsroom gen --releases "$n" --publishers 20 --seed 1 "${body_args[@]}" --out "$content" 2>/dev/null
  start=$(date +%s.%N)
  $newsroom build "$content" --out "$kv" 2>/dev/null
  build_s=$(echo "$(date +%s.%N) - $start" | bc)
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
  {
    echo "### $n releases"
    echo
    echo "\`newsroom build\`: $(printf '%.2f' "$build_s") s ($(echo "$n / $build_s" | bc) releases/s); search index $((index_bytes / 1024)) KiB."
    echo
    echo "| route | KV reads (miss) | miss req/s | miss / baseline | miss p50 ms | floor req/s | miss / floor | hit req/s | hit / baseline | hit p50 ms | hit floor req/s | hit / hit floor |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  } >>"$results"
  declare -A miss hit kvr pmiss phit floor missb hitb floorb hitfloor hitfloorb
  bases=()
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
      bases+=("$b")
      if [ "$mode" = off ]; then
        miss[$name]=$v pmiss[$name]=$p missb[$name]=$b
        read -r p b <<<"$(latency "$url")"
        p50_one["$n|$name"]=$p p50_oneb["$n|$name"]=$b
      else
        hit[$name]=$v phit[$name]=$p hitb[$name]=$b
        read -r v _ b <<<"$(paired "${baseline_url}?$(probe_hit "$url")")"
        hitfloor[$name]=$v hitfloorb[$name]=$b
        bases+=("$b")
      fi
    done
    if [ "$mode" = on ]; then
      etag=$(curl -fsSI "http://127.0.0.1:8791/releases/$slug" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}')
      read -r v p b <<<"$(paired -H "If-None-Match: $etag" "http://127.0.0.1:8791/releases/$slug")"
      hit["304 revalidation"]=$v phit["304 revalidation"]=$p hitb["304 revalidation"]=$b
      bases+=("$b")
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
    read -r p pb <<<"$(latency "$url")"
    p50_floor["$n|$name"]=$p p50_floorb["$n|$name"]=$pb
    floor[$name]=$v floorb[$name]=$b
    bases+=("$b")
  done
  stop 8792
  # The same constant worker answering as many bytes as the release page has.
  read -r sized _ sizedb <<<"$(paired "${baseline_url}?bytes=$page_bytes")"
  bases+=("$sizedb")
  for r in "${routes[@]}"; do
    name=${r%%|*}
    # miss / floor: each measured next to its own baseline run, so compared as ratios to those.
    printf '| %s | %s | %s | %.2f | %s | %s | %.2f | %s | %.2f | %s | %s | %.2f |\n' "$name" "${kvr[$name]}" "${miss[$name]}" \
      "$(ratio "${miss[$name]}" "${missb[$name]}")" "${pmiss[$name]}" "${floor[$name]}" \
      "$(ratio "${miss[$name]} * ${floorb[$name]}" "${floor[$name]} * ${missb[$name]}")" "${hit[$name]}" \
      "$(ratio "${hit[$name]}" "${hitb[$name]}")" "${phit[$name]}" "${hitfloor[$name]}" \
      "$(ratio "${hit[$name]} * ${hitfloorb[$name]}" "${hitfloor[$name]} * ${hitb[$name]}")" >>"$results"
  done
  printf '| 304 revalidation (If-None-Match) | 0 | – | – | – | – | – | %s | %.2f | %s | | |\n' "${hit["304 revalidation"]}" \
    "$(ratio "${hit["304 revalidation"]}" "${hitb["304 revalidation"]}")" "${phit["304 revalidation"]}" >>"$results"
  read -r lo med hi <<<"$(printf '%s\n' "${bases[@]}" | sort -g | awk '{v[NR] = $1} END {print v[1], v[int((NR + 1) / 2)], v[NR]}')"
  printf '| baseline (constant JS worker): median of its %s runs, each just before a figure above (range %s–%s) | 0 | %s | 1.00 | | | | | | | | |\n' \
    "${#bases[@]}" "$lo" "$hi" "$med" >>"$results"
  printf '| constant JS worker, %s bytes (the release page'"'"'s size) | 0 | %s | %.2f | | | | | | | | |\n\n' "$page_bytes" "$sized" \
    "$(ratio "$sized" "$sizedb")" >>"$results"
  unset miss hit kvr pmiss phit floor missb hitb floorb hitfloor hitfloorb
done

# Latency as the archive grows: p50 on a cache miss at the largest size over the smallest,
# one connection at a time, each paired with the baseline's p50 measured just before it.
read -r -a all <<<"$sizes"
small=${all[0]} large=${all[-1]}
{
  echo "### p50 latency as the archive grows (cache miss)"
  echo
  echo "Budget: p50 at the largest size ≤ 1.2× the p50 at the smallest, for every route. Measured"
  echo "with one connection (\`wrk ${one_args[*]}\`), so a p50 is a request's own time, not its wait in a"
  echo "queue; each next to the baseline's p50 measured just before it. \"Over baseline\" divides each p50"
  echo "by its baseline's before comparing, taking out the machine's drift between the two sizes."
  echo "\"Floor\" is the same for the route's floor (the JS worker reading the same KV values and"
  echo "answering as many bytes): how much of the growth the reads themselves bring at that size."
  echo
  echo "| route | p50 ms at $small | its baseline | p50 ms at $large | its baseline | ratio | ratio over baseline | floor p50 ms at $small | at $large | floor ratio over baseline |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in "${routes[@]}"; do
    name=${r%%|*}
    a=${p50_one["$small|$name"]} ab=${p50_oneb["$small|$name"]}
    b=${p50_one["$large|$name"]} bb=${p50_oneb["$large|$name"]}
    fa=${p50_floor["$small|$name"]} fab=${p50_floorb["$small|$name"]}
    fb=${p50_floor["$large|$name"]} fbb=${p50_floorb["$large|$name"]}
    printf '| %s | %s | %s | %s | %s | %.2f | %.2f | %s | %s | %.2f |\n' "$name" "$a" "$ab" "$b" "$bb" \
      "$(ratio "$b" "$a")" "$(ratio "$b * $ab" "$a * $bb")" "$fa" "$fb" "$(ratio "$fb * $fab" "$fa * $fbb")"
  done
  echo
} >>"$results"
# The same comparison in turns: the smallest and largest sizes served at once and measured
# alternately, so that the machine's drift falls on both alike (the sizes' own runs above are
# many minutes apart). Each ratio is the median over the turns of largest / smallest.
turns=${BENCH_TURNS:-5}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
serve . 8793 "$PWD/$work/state-$small" --inspector-port 9293 --var CACHE:off --var LOG_REQUESTS:errors
serve . 8794 "$PWD/$work/state-$large" --inspector-port 9294 --var CACHE:off --var LOG_REQUESTS:errors
serve bench/baseline 8795 "$PWD/$work/state-$small" --inspector-port 9295
serve bench/baseline 8796 "$PWD/$work/state-$large" --inspector-port 9296
{
  echo "In turns (both sizes served at once, measured alternately, $turns turns; median of each turn's"
  echo "ratio, so drift between the sizes' own runs above drops out):"
  echo
  echo "| route | p50 ms at $small | p50 ms at $large | ratio | floor p50 ms at $small | at $large | floor ratio |"
  echo "|---|---|---|---|---|---|---|"
  for r in "${routes[@]}"; do
    name=${r%%|*}
    urls=("http://127.0.0.1:8793${path_of["$small|$name"]}" "http://127.0.0.1:8794${path_of["$large|$name"]}"
      "http://127.0.0.1:8795/?${floor_of["$small|$name"]}" "http://127.0.0.1:8796/?${floor_of["$large|$name"]}")
    # A second of load each first: the four isolates are new, and their code not yet optimised.
    for u in "${urls[@]}"; do wrk -t1 -c1 -d1s "$u" >/dev/null; done
    a=() b=() q=() fa=() fb=() fq=()
    for _ in $(seq 1 "$turns"); do
      x=$(p50_of "${urls[0]}") y=$(p50_of "${urls[1]}") fx=$(p50_of "${urls[2]}") fy=$(p50_of "${urls[3]}")
      a+=("$x") b+=("$y") q+=("$(ratio "$y" "$x")") fa+=("$fx") fb+=("$fy") fq+=("$(ratio "$fy" "$fx")")
    done
    printf '| %s | %s | %s | %.2f | %s | %s | %.2f |\n' "$name" \
      "$(printf '%s\n' "${a[@]}" | median)" "$(printf '%s\n' "${b[@]}" | median)" "$(printf '%s\n' "${q[@]}" | median)" \
      "$(printf '%s\n' "${fa[@]}" | median)" "$(printf '%s\n' "${fb[@]}" | median)" "$(printf '%s\n' "${fq[@]}" | median)"
  done
  echo
} >>"$results"
for port in 8793 8794 8795 8796; do stop "$port"; done
native=$(scripts/bench-native.sh --print)
breakdown=$(scripts/wasm-breakdown.sh)
# The soak section (`make soak`) is kept as it is.
soak=$(sed -n '/<!-- soak:start -->/,/<!-- soak:end -->/p' BENCHMARKS.md 2>/dev/null || true)
size=$(npx wrangler deploy --dry-run --outdir "$work/dry-run" 2>&1 | grep -o 'Total Upload.*')
{
  echo "# Benchmarks"
  echo
  echo "Made by \`make bench\` (\`scripts/bench.sh\`) on $(date -u +%Y-%m-%d): $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo),"
  echo "$(rustc --version), wrangler $(npx wrangler --version 2>/dev/null | tail -n1), wrk \`${wrk_args[*]}\` per figure, wrangler dev \`--log-level warn\`."
  echo "Synthetic content: \`newsroom gen --releases N --publishers 20 --seed 1\` (bodies 2–8 KB; 512 B–1 KB at 100,000)."
  echo "These machines are shared and noisy: read the ratios to the baseline (a constant-response JS"
  echo "worker), not the absolute figures. Every figure is paired with a baseline run made just before it,"
  echo "and its ratio is to that run. \"Miss\" runs with \`--var CACHE:off\`"
  echo "(every request reads KV and renders; a publisher's profile read in the last 60 s is reused, as in"
  echo "production: \`kv::reuse_seconds\`); \"hit\" with caching on (a warm URL is answered from the"
  echo "isolate's memory, \`src/memory_cache.rs\`, reading nothing). Each size also measures the same constant"
  echo "JS worker answering a body as large as the release page: what moving those bytes costs this runtime."
  echo "\"Floor\" is that JS worker again, over the same KV: for each route it reads the keys the newsroom"
  echo "worker read on a miss (named by its \`x-kv-keys\` with \`TRACE_KV=on\`), in the same rounds, and answers"
  echo "as many bytes, doing nothing else. \"miss / floor\" is the share of that limit the worker reaches: local"
  echo "KV runs on the same two cores, so its reads cost this machine what they do not cost a worker on the edge."
  echo "\"Hit floor\" is the JS worker answering the hit's exact headers and as many bytes from memory: the"
  echo "runtime's limit for that response; \"hit / hit floor\" is the share of it the worker reaches."
  echo
  echo "Worker size: $size (budget: 250 KB gzip)."
  echo
  echo "What each crate costs (\`scripts/wasm-breakdown.sh\`: twiggy on the wasm as rustc emitted it, before"
  echo "wasm-bindgen and wasm-opt shrink it; inlined code counts for its caller, so serde's code for our"
  echo "records is under \`newsroom\`):"
  echo
  echo "$breakdown"
  echo
  cat "$results"
  echo
  echo "$native"
  if [ -n "$soak" ]; then echo; echo "$soak"; fi
} >BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2

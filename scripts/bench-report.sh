#!/usr/bin/env bash
# The reporting half of `make bench`: renders BENCHMARKS.md from the CSV files that
# scripts/bench-measure.sh (and scripts/bench-native.sh) wrote, and from nothing else: no
# server, no wrk, no cargo. So a report can be made again from saved results at any time:
#
#   scripts/bench-report.sh [DIR] [-o FILE]    (or `make bench-report`)
#   scripts/bench-report.sh --native [DIR]     prints only the native section (bench-native.sh)
#
# DIR defaults to $BENCH_RESULTS, else target/bench/results (both relative to the repository,
# as scripts/bench-measure.sh takes them; a DIR given here is relative to where this runs);
# FILE defaults to BENCHMARKS.md at the root of the repository ("-": standard output). The
# columns of each file are described at the top of scripts/bench-measure.sh. Ratios, medians
# and the baseline's median and range are computed here, from the raw figures. A notes.md
# written by hand into DIR (what was special about that run) goes after the introduction, so
# it survives a re-render. The soak section (`make soak`) is not a bench result: it is copied
# as it is from the repository's BENCHMARKS.md; the rest of that file is replaced.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=full dir='' outfile=$root/BENCHMARKS.md
while [ $# -gt 0 ]; do
  case $1 in
    --native) mode=native ;;
    -o) outfile=${2:?-o needs a file}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-report: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) dir=$1 ;;
  esac
  shift
done
if [ -z "$dir" ]; then
  dir=${BENCH_RESULTS:-target/bench/results}
  case $dir in /*) ;; *) dir=$root/$dir ;; esac
fi
[ -d "$dir" ] || { echo "bench-report: no results in $dir (make bench measures them)" >&2; exit 1; }
python3 - "$mode" "$dir" "$outfile" "$root/BENCHMARKS.md" <<'PY'
import csv, math, os, sys
from decimal import Decimal

mode, results, outfile, current = sys.argv[1:]


def load(name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        sys.exit(f"bench-report: {path} is missing (scripts/bench-measure.sh writes it)")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def meta(name):
    return {r["key"]: r["value"] for r in load(name)}


def num(s):
    """A figure of the CSV files; "nan" or an empty field is NaN (rendered "nan")."""
    try:
        return float(s)
    except (TypeError, ValueError):
        return math.nan


def ratio(a, b):
    a, b = num(a) if isinstance(a, str) else a, num(b) if isinstance(b, str) else b
    return a / b if b else math.nan


def ms(s):
    return f"{num(s):.2f}"


def f2(x):
    return f"{x:.2f}"


def median(values):
    """The median of the figures (the lower one of an even count), as written."""
    ordered = sorted(values, key=lambda v: (not math.isnan(num(v)), num(v) if not math.isnan(num(v)) else 0))
    return ordered[(len(ordered) + 1) // 2 - 1]


def native_section():
    m = meta("native-meta.csv")
    # Budgets from issue 8, in nanoseconds, by benchmark id prefix.
    budgets = {"page/release (HTML)": 50_000, "feed, 50 items": 1_000_000}
    rows = []
    for r in load("native.csv"):
        ns = float(r["median_ns"])
        elements = int(r["elements"]) if r["elements"] else None
        shown = f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs"
        rate = f"{elements / (ns / 1e9):,.0f} releases/s" if elements else ""
        budget = next((b for prefix, b in budgets.items() if r["id"].startswith(prefix)), None)
        if elements:
            verdict = "≥ 5,000/s: " + ("met" if elements / (ns / 1e9) >= 5000 else "missed")
        elif budget:
            verdict = f"≤ {budget / 1e3:,.0f} µs: " + ("met" if ns <= budget else "missed")
        else:
            verdict = ""
        rows.append(f"| {r['id']} | {shown} | {rate} | {verdict} |")
    return "\n".join([
        "<!-- native:start -->",
        "## Native core (criterion)",
        "",
        f"Made by `scripts/bench-native.sh` (`cargo bench --bench core`, opt-level 3) on {m['date']},",
        f"{m['cores']} cores, {m['rustc']}. Each figure is one request answered by the pure core as on a",
        "cache miss: KV values decoded, page rendered, headers and ETag computed. Content from",
        "`newsroom gen --seed 1` (200 releases for pages and feeds, 10,000 for search; 2–8 KB bodies).",
        "A release page \"its publisher's profile reused\" is the worker's steady state: the isolate read that",
        "profile in the last 60 s (`kv::reuse_seconds`) and hands it over decoded; \"release (HTML)\" also",
        "decodes the profile, as the first request of an isolate does.",
        "",
        "| benchmark (median) | time | throughput | budget |",
        "|---|---|---|---|",
        *rows,
        "<!-- native:end -->",
    ])


if mode == "native":
    print(native_section())
    sys.exit(0)

m = meta("meta.csv")
builds = load("builds.csv")
throughput = load("throughput.csv")
sized = {r["size"]: r for r in load("sized.csv")}
latency = load("latency.csv")
turns = load("turns.csv")
breakdown = load("wasm-breakdown.csv")
sizes = [b["size"] for b in builds]
lines = []
out = lines.append

for b in builds:
    n = b["size"]
    build_s = Decimal(b["build_seconds"])
    out(f"### {n} releases")
    out("")
    out(f"`newsroom build`: {float(build_s):.2f} s ({int(Decimal(n) / build_s)} releases/s); "
        f"search index {int(b['index_bytes']) // 1024} KiB.")
    out("")
    out("| route | KV reads (miss) | miss req/s | miss / baseline | miss p50 ms | floor req/s | miss / floor "
        "| hit req/s | hit / baseline | hit p50 ms | hit floor req/s | hit / hit floor |")
    out("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = [r for r in throughput if r["size"] == n]
    bases = []  # every baseline run of this size, each made just before a figure
    for r in rows:
        bases += [r[k] for k in ("miss_baseline_rps", "floor_baseline_rps", "hit_baseline_rps",
                                 "hit_floor_baseline_rps") if r[k] != ""]
        if r["route"] == "304 revalidation":
            continue
        # miss / floor: each measured next to its own baseline run, so compared as ratios to those.
        out(f"| {r['route']} | {r['kv_reads']} | {r['miss_rps']} | {f2(ratio(r['miss_rps'], r['miss_baseline_rps']))} "
            f"| {ms(r['miss_p50_ms'])} | {r['floor_rps']} "
            f"| {f2(ratio(num(r['miss_rps']) * num(r['floor_baseline_rps']), num(r['floor_rps']) * num(r['miss_baseline_rps'])))} "
            f"| {r['hit_rps']} | {f2(ratio(r['hit_rps'], r['hit_baseline_rps']))} | {ms(r['hit_p50_ms'])} "
            f"| {r['hit_floor_rps']} "
            f"| {f2(ratio(num(r['hit_rps']) * num(r['hit_floor_baseline_rps']), num(r['hit_floor_rps']) * num(r['hit_baseline_rps'])))} |")
    for r in rows:
        if r["route"] == "304 revalidation":
            out(f"| 304 revalidation (If-None-Match) | {r['kv_reads']} | – | – | – | – | – | {r['hit_rps']} "
                f"| {f2(ratio(r['hit_rps'], r['hit_baseline_rps']))} | {ms(r['hit_p50_ms'])} | | |")
    s = sized[n]
    bases.append(s["baseline_rps"])
    ordered = sorted(bases, key=lambda v: (not math.isnan(num(v)), num(v) if not math.isnan(num(v)) else 0))
    out(f"| baseline (constant JS worker): median of its {len(bases)} runs, each just before a figure above "
        f"(range {ordered[0]}–{ordered[-1]}) | 0 | {median(bases)} | 1.00 | | | | | | | | |")
    out(f"| constant JS worker, {s['bytes']} bytes (the release page's size) | 0 | {s['rps']} "
        f"| {f2(ratio(s['rps'], s['baseline_rps']))} | | | | | | | | |")
    out("")

# Latency as the archive grows: p50 on a cache miss at the largest size over the smallest, one
# connection at a time, each paired with the baseline's p50 measured just before it.
small, large = sizes[0], sizes[-1]
at = {(r["size"], r["route"]): r for r in latency}
routes = [r["route"] for r in latency if r["size"] == small]
one = m["latency_args"]
out("### p50 latency as the archive grows (cache miss)")
out("")
out("Budget: p50 at the largest size ≤ 1.2× the p50 at the smallest, for every route. Measured")
out(f"with one connection (`wrk {one}`), so a p50 is a request's own time, not its wait in a")
out("queue; each next to the baseline's p50 measured just before it. \"Over baseline\" divides each p50")
out("by its baseline's before comparing, taking out the machine's drift between the two sizes.")
out("\"Floor\" is the same for the route's floor (the JS worker reading the same KV values and")
out("answering as many bytes): how much of the growth the reads themselves bring at that size.")
out("")
out(f"| route | p50 ms at {small} | its baseline | p50 ms at {large} | its baseline | ratio | ratio over baseline "
    f"| floor p50 ms at {small} | at {large} | floor ratio over baseline |")
out("|---|---|---|---|---|---|---|---|---|---|")
for name in routes:
    a, b = at[(small, name)], at[(large, name)]
    pa, pab, pb, pbb = (num(a["p50_ms"]), num(a["baseline_p50_ms"]), num(b["p50_ms"]), num(b["baseline_p50_ms"]))
    fa, fab, fb, fbb = (num(a["floor_p50_ms"]), num(a["floor_baseline_p50_ms"]), num(b["floor_p50_ms"]),
                        num(b["floor_baseline_p50_ms"]))
    out(f"| {name} | {f2(pa)} | {f2(pab)} | {f2(pb)} | {f2(pbb)} | {f2(ratio(pb, pa))} "
        f"| {f2(ratio(pb * pab, pa * pbb))} | {f2(fa)} | {f2(fb)} | {f2(ratio(fb * fab, fa * fbb))} |")
out("")

# The same comparison in turns: each ratio is the median over the turns of largest / smallest.
turn_small, turn_large = (turns[0]["small_size"], turns[0]["large_size"]) if turns else (small, large)
turn_count = m.get("turns") or str(len({r["turn"] for r in turns}))
out(f"In turns (both sizes served at once, measured alternately, {turn_count} turns; the same one-connection")
out("p50 as above, each figure the median of its turns and each ratio the median of each turn's ratio,")
out("so drift between the sizes' own runs above drops out):")
out("")
out(f"| route | p50 ms at {turn_small} | p50 ms at {turn_large} | ratio | floor p50 ms at {turn_small} "
    f"| at {turn_large} | floor ratio |")
out("|---|---|---|---|---|---|---|")
for name in dict.fromkeys(r["route"] for r in turns):
    t = [r for r in turns if r["route"] == name]
    col = lambda k: [r[k] for r in t]
    q = [str(ratio(r["large_p50_ms"], r["small_p50_ms"])) for r in t]
    fq = [str(ratio(r["floor_large_p50_ms"], r["floor_small_p50_ms"])) for r in t]
    out(f"| {name} | {ms(median(col('small_p50_ms')))} | {ms(median(col('large_p50_ms')))} | {ms(median(q))} "
        f"| {ms(median(col('floor_small_p50_ms')))} | {ms(median(col('floor_large_p50_ms')))} | {ms(median(fq))} |")
out("")

# A note on the run, written by hand into the results folder (notes.md), goes after the intro.
notes_path = os.path.join(results, "notes.md")
notes = open(notes_path).read().strip() + "\n\n" if os.path.exists(notes_path) else ""
head = f"""# Benchmarks

Made by `make bench` (`scripts/bench-measure.sh` measures into CSV files, `scripts/bench-report.sh`
renders this file from them) on {m['date']}: {m['cores']} cores, {m['cpu']},
{m['rustc']}, wrangler {m['wrangler']}, wrk `{m['wrk_args']}` per figure, wrangler dev `--log-level warn`.
Synthetic content: `newsroom gen --releases N --publishers 20 --seed 1` (bodies 2–8 KB; 512 B–1 KB at 100,000).
These machines are shared and noisy: read the ratios to the baseline (a constant-response JS
worker), not the absolute figures. Every figure is paired with a baseline run made just before it,
and its ratio is to that run. "Miss" runs with `--var CACHE:off`
(every request reads KV and renders; a publisher's profile read in the last 60 s is reused, as in
production: `kv::reuse_seconds`); "hit" with caching on (a warm URL is answered from the
isolate's memory, `crates/serve/src/memory_cache.rs`, reading nothing). Each size also measures the same constant
JS worker answering a body as large as the release page: what moving those bytes costs this runtime.
"Floor" is that JS worker again, over the same KV: for each route it reads the keys the newsroom
worker read on a miss (named by its `x-kv-keys` with `TRACE_KV=on`), in the same rounds, and answers
as many bytes, doing nothing else. "miss / floor" is the share of that limit the worker reaches: local
KV runs on the same two cores, so its reads cost this machine what they do not cost a worker on the edge.
"Hit floor" is the JS worker answering the hit's exact headers and as many bytes from memory: the
runtime's limit for that response; "hit / hit floor" is the share of it the worker reaches.
Every p50 is read one way, from wrk's own latency distribution (its 50% line); what differs is the
load it was measured under. The "miss p50 ms" and "hit p50 ms" of the tables per size come from the
same runs as their requests/s (`{m['wrk_args']}`), so they are mostly time spent queued and follow
requests/s; both tables of p50 as the archive grows use runs with one connection (`wrk {one}`):
a request's own time.

{notes}The readers' Worker's size: {m['worker_size']} (budget: 260 KiB gzip; both Workers: `make size`).

What each crate costs (`scripts/wasm-breakdown.sh`: twiggy on the wasm as rustc emitted it, before
wasm-bindgen and wasm-opt shrink it; inlined code counts for its caller, so serde's code for our
records is under `newsroom`):

| crate | KiB | share |
|---|---|---|
""" + "\n".join(f"| {r['crate']} | {r['kib']} | {r['share_percent']}% |" for r in breakdown) + "\n\n"

# Sections of the current document that other scripts write, whole lines between their
# markers, as `sed -n '/start/,/end/p'` prints them: the soak (`make soak`), the list pages
# after stable chunks (written by hand, issue 31), the publish
# cost (`scripts/publish-cost.sh`), the mail delivery (`make bench-mail`) and the photos at
# publish time (`make bench-photos`).
def kept(name):
    section = []
    if os.path.exists(current):
        inside = False
        for line in open(current).read().splitlines():
            if not inside and f"<!-- {name}:start -->" in line:
                inside = True
                section.append(line)
            elif inside:
                section.append(line)
                inside = f"<!-- {name}:end -->" not in line
    return section

soak = kept("soak")
for other in ("lists", "publish-cost", "mail", "photos"):
    soak += ([""] if soak and kept(other) else []) + kept(other)
doc = head + "\n".join(lines) + "\n\n" + native_section() + "\n" + ("\n" + "\n".join(soak) + "\n" if soak else "")
if outfile == "-":
    sys.stdout.write(doc)
else:
    tmp = outfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(doc)
    os.replace(tmp, outfile)
    print(f"wrote {outfile} from {results}", file=sys.stderr)
PY

#!/usr/bin/env bash
# Native micro-benchmarks of the pure core (benches/core.rs, criterion) against the issue's
# budgets. Writes its figures as CSV into target/bench/results/ (BENCH_RESULTS=DIR to change),
# then the section between the `native` markers of BENCHMARKS.md, rendered from them by
# `scripts/bench-report.sh --native`. scripts/bench-measure.sh runs it with --results-only
# (the CSV files only; `make bench` renders the whole document after). Criterion's own
# reports stay in target/criterion.
#
#   scripts/bench-native.sh                  (or `make bench-native`)
#   scripts/bench-native.sh --results-only   CSV files only, BENCHMARKS.md untouched
#
#   native.csv       id,median_ns,elements
#                    criterion's benchmark id; the median of its estimates, in ns (as criterion
#                    wrote it); the elements (releases) per iteration of a throughput
#                    benchmark, empty for the others. Budgets are applied by the report.
#   native-meta.csv  key,value: date (UTC), cores, rustc
set -euo pipefail
cd "$(dirname "$0")/.."
results=${BENCH_RESULTS:-target/bench/results}
mkdir -p "$results"
rm -rf target/criterion
cargo bench --bench core -- --warm-up-time 1 --measurement-time "${BENCH_NATIVE_SECONDS:-5}" >&2
python3 - "$results" "$(date -u +%Y-%m-%d)" "$(nproc)" "$(rustc --version)" <<'PY'
import csv, glob, json, os, sys
results, date, cores, rustc = sys.argv[1:]
with open(os.path.join(results, "native.csv"), "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["id", "median_ns", "elements"])
    for path in sorted(glob.glob("target/criterion/**/new/benchmark.json", recursive=True)):
        bench = json.load(open(path))
        median = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))["median"]
        elements = (bench.get("throughput") or {}).get("Elements")
        out.writerow([bench["full_id"], repr(median["point_estimate"]), "" if elements is None else elements])
with open(os.path.join(results, "native-meta.csv"), "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([["key", "value"], ["date", date], ["cores", cores], ["rustc", rustc]])
PY
if [ "${1:-}" = --results-only ]; then
  echo "wrote $results/native.csv" >&2
  exit 0
fi
section=$(scripts/bench-report.sh --native "$results")
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- native:start -->.*?<!-- native:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
echo "updated the native section of BENCHMARKS.md" >&2

#!/usr/bin/env bash
# Native micro-benchmarks of the pure core (benches/core.rs, criterion) against the issue's
# budgets. Writes the table between the `native` markers of BENCHMARKS.md (scripts/bench.sh
# calls this too). Criterion's own reports stay in target/criterion.
#
#   scripts/bench-native.sh            (or `make bench-native`)
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/criterion
cargo bench --bench core -- --warm-up-time 1 --measurement-time "${BENCH_NATIVE_SECONDS:-5}" >&2
table=$(python3 - <<'PY'
import glob, json, os
# Budgets from issue 8, in nanoseconds, by benchmark id prefix.
budgets = {"page/release (HTML)": 50_000, "feed, 50 items": 1_000_000}
rows = []
for path in sorted(glob.glob("target/criterion/**/new/benchmark.json", recursive=True)):
    bench = json.load(open(path))
    median = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))["median"]
    ns = median["point_estimate"]
    elements = (bench.get("throughput") or {}).get("Elements")
    shown = f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs"
    rate = f"{elements / (ns / 1e9):,.0f} releases/s" if elements else ""
    budget = next((b for prefix, b in budgets.items() if bench["full_id"].startswith(prefix)), None)
    if elements:
        verdict = "≥ 5,000/s: " + ("met" if elements / (ns / 1e9) >= 5000 else "missed")
    elif budget:
        verdict = f"≤ {budget / 1e3:,.0f} µs: " + ("met" if ns <= budget else "missed")
    else:
        verdict = ""
    rows.append(f"| {bench['full_id']} | {shown} | {rate} | {verdict} |")
print("| benchmark (median) | time | throughput | budget |")
print("|---|---|---|---|")
print("\n".join(rows))
PY
)
section=$(cat <<EOF2
<!-- native:start -->
## Native core (criterion)

Made by \`scripts/bench-native.sh\` (\`cargo bench --bench core\`, opt-level 3) on $(date -u +%Y-%m-%d),
$(nproc) cores, $(rustc --version). Each figure is one request answered by the pure core as on a
cache miss: KV values decoded, page rendered, headers and ETag computed. Content from
\`newsroom gen --seed 1\` (200 releases for pages and feeds, 10,000 for search; 2–8 KB bodies).
A release page "its publisher's profile reused" is the worker's steady state: the isolate read that
profile in the last 60 s (\`kv::reuse_seconds\`) and hands it over decoded; "release (HTML)" also
decodes the profile, as the first request of an isolate does.

$table
<!-- native:end -->
EOF2
)
if [ "${1:-}" = --print ]; then
  echo "$section"
  exit 0
fi
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- native:start -->.*?<!-- native:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
echo "updated the native section of BENCHMARKS.md" >&2

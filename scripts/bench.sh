#!/usr/bin/env bash
# `make bench`: measures, then reports. scripts/bench-measure.sh runs every benchmark and writes
# CSV files to target/bench/results/ (their columns are described at its top); then
# scripts/bench-report.sh renders BENCHMARKS.md from those files alone. Not part of `make test`
# (it takes minutes and needs a quiet machine); it needs wrk (`make bench-setup` installs it).
#
#   BENCH_SIZES="10 1000 10000 100000" BENCH_SECONDS=5 BENCH_TURNS=5 scripts/bench.sh
#   scripts/bench-report.sh        BENCHMARKS.md again from the saved results, measuring nothing
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bench-measure.sh
scripts/bench-report.sh

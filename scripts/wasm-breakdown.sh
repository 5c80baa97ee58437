#!/usr/bin/env bash
# What each crate costs in one Worker (FEATURE: readers, the default, or mail; ARCHITECTURE.md
# "Two Workers"): twiggy's per-function sizes of the wasm as rustc
# emitted it (names intact, before wasm-bindgen and wasm-opt), summed by crate. Inlined code
# counts for the function it was inlined into (serde's code for our records shows up under
# `newsroom`). Prints a Markdown table; scripts/bench.sh puts it in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
TWIGGY_VERSION=0.8.0
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! "$CARGO_BIN/twiggy" --version 2>/dev/null | grep -q "$TWIGGY_VERSION"; then
  cargo install --locked twiggy --version "$TWIGGY_VERSION" >&2
fi
# Both features build to the same file: build the one asked for (as worker-build does), so
# the file is that Worker's and not whichever was built last.
feature="${1:-readers}"
(cd worker && CARGO_PROFILE_RELEASE_OPT_LEVEL=z cargo build --quiet --release --lib --target wasm32-unknown-unknown \
  --no-default-features --features "$feature" >&2)
wasm=target/wasm32-unknown-unknown/release/newsroom_worker.wasm
"$CARGO_BIN/twiggy" top -n 1000000 --format csv "$wasm" | python3 -c '
import csv, re, sys
sizes = {}
for row in csv.DictReader(sys.stdin):
    name, size = row["Name"], int(row["ShallowSize"])
    if name.startswith("custom section") or "subsection" in name or "__wbindgen_describe" in name:
        continue  # names and bindgen metadata: not in the uploaded worker
    if name.startswith("data segment"):
        crate = "(constant data: strings, tables)"
    elif "__wbg_" in name or "__wbindgen" in name:
        crate = "wasm_bindgen (glue)"
    else:
        m = re.match(r"[<&\s]*(?:dyn |impl |mut )*([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::", name)
        # `<T as crate::Trait>::f` and `<char>::f`: the crate of the trait, or core for primitives.
        m = m or re.match(r"<[^<>]* as ([A-Za-z_][A-Za-z0-9_]*)", name) or re.match(r"<(?:&|mut |\[)*(char|str|u\d+|i\d+|f\d+|usize|isize|bool)\b", name)
        crate = m.group(1) if m else "(other)"
        crate = "core" if crate in ("char", "str", "bool", "usize", "isize") or re.fullmatch(r"[uif]\d+", crate) else crate
    sizes[crate] = sizes.get(crate, 0) + size
total = sum(sizes.values())
print(f"| crate | KiB | share |")
print("|---|---|---|")
rest = 0
for crate, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
    if size / total < 0.01:
        rest += size
        continue
    print(f"| {crate} | {size / 1024:.1f} | {100 * size / total:.1f}% |")
print(f"| (crates under 1% each) | {rest / 1024:.1f} | {100 * rest / total:.1f}% |")
print(f"| total code and data | {total / 1024:.1f} | 100% |")
'

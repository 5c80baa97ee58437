#!/usr/bin/env bash
# Photos at publish time: N camera-sized photos (default 20; 4,000 × 3,000 JPEGs of about
# 4.5 MB with GPS, serial number and artist in their EXIF, every other one stored sideways,
# from `newsroom gen --photos N`) checked from cold by `newsroom check` (decode, turn, strip,
# 8 renditions and the share image each, on every core), three times with an empty cache;
# then three times again with nothing changed (every photo from the cache). Wall, CPU and
# peak memory of each run from /usr/bin/time. Prints a Markdown table and writes it into
# BENCHMARKS.md between <!-- photos:start --> and <!-- photos:end -->.
#
#   scripts/bench-photos.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
work=target/bench-photos
cargo build --quiet --release --bin newsroom
bin=$PWD/target/release/newsroom
rm -rf "$work" && mkdir -p "$work"
"$bin" gen --releases "$n" --publishers 2 --photos "$n" --out "$work/content" 2>/dev/null
bytes=$(du -sb "$work/content/media" | cut -f1)
export NEWSROOM_CACHE="$work/cache"

# run: one `newsroom check`; prints "wall user sys peak_kib" and checks what it said of photos.
run() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" check "$work/content" >"$work/out" 2>&1 || {
    cat "$work/out" >&2
    exit 1
  }
  grep -q "photos: $1 processed" "$work/out" || { echo "expected $1 processed:" >&2; cat "$work/out" >&2; exit 1; }
  cat "$work/time"
}
median() { sort -n | sed -n 2p; }
cold=() warm=()
for _ in 1 2 3; do
  rm -rf "$NEWSROOM_CACHE"
  cold+=("$(run "$n")")
done
for _ in 1 2 3; do warm+=("$(run 0)"); done
col() { printf '%s\n' "$@" | awk -v c="$COL" '{print $c}' | median; }
row() {
  local label=$1; shift
  local wall user sys peak
  wall=$(COL=1 col "$@") user=$(COL=2 col "$@") sys=$(COL=3 col "$@") peak=$(COL=4 col "$@")
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v p="$peak" -v n="$n" \
    'BEGIN { printf "| %s | %.2f s | %.2f s | %.2f s | %.0f MiB |\n", l, w, u + s, w / n, p / 1024 }'
}
table=$(
  echo "| run (median of 3) | wall | CPU (user + sys) | wall per photo | peak memory |"
  echo "|---|---|---|---|---|"
  row "cold: $n photos processed" "${cold[@]}"
  row "again, none changed: 0 processed" "${warm[@]}"
)
echo "$table"
{
  echo "<!-- photos:start -->"
  echo "## Photos at publish time"
  echo
  echo "Made by \`scripts/bench-photos.sh $n\` on $(date -u +%F) ($(git rev-parse --short HEAD)), $(nproc) cores:"
  echo "\`newsroom check\` of $n releases each with a camera-sized photo (4,000 × 3,000, $((bytes / n / 1000)) kB"
  echo "each on average, GPS, serial and artist in EXIF, every other one stored sideways). Cold: an"
  echo "empty cache, so every photo is decoded, turned, stripped and written as 8 renditions and"
  echo "a share image. Again: nothing changed, so every photo comes from \`.newsroom-cache/\` and"
  echo "no image is decoded or encoded (the run checks that it says \`photos: 0 processed\`)."
  echo
  echo "$table"
  echo
  echo "Targets (issue 46): at most 1.5 s of processing per 12-megapixel photo with all its"
  echo "renditions, 20 photos from cold within 30 s on both cores, peak memory under 1 GiB, no"
  echo "image work on a publish with no photo changed."
  echo "<!-- photos:end -->"
} >"$work/section.md"
python3 - "$work/section.md" <<'PY'
import re, sys
section = open(sys.argv[1]).read().rstrip("\n")
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- photos:start -->.*?<!-- photos:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY

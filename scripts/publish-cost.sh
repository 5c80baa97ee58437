#!/usr/bin/env bash
# What one new release costs to publish, at several archive sizes: generates N releases
# (`newsroom gen --releases N --publishers 20 --seed 3`), builds them, adds one release newer
# than all of them (a full-length seed release, three keywords), builds again with the first build's manifest as
# `--previous`, and counts the KV keys whose value is new or changed (what `newsroom publish`
# uploads) and their bytes, next to the whole site's keys and bytes. Then three more new
# releases, one publish each (the most any of the four changed: the search records rewritten
# depend on which group's cut moves, crates/search/src/delta.rs). Also: one release dated
# among the oldest (an archive import) and one removal.
#
#   scripts/publish-cost.sh [N ...]        (default: 100 1000 10000 100000)
# Prints a Markdown table and writes it, with how it was made, into BENCHMARKS.md between
# <!-- publish-cost:start --> and <!-- publish-cost:end --> (scripts/bench-report.sh keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100 1000 10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
work=target/publish-cost
mkdir -p "$work"
cargo build --quiet --release --bin newsroom
bin=target/release/newsroom

# added_release DIR SLUG DATE: a full-length release (the seed's 2024-11-27 release, 380
# words, three keywords) as gen-0's, at DATE. Its words decide how many search shards it
# changes, as a real release's would.
added_release() {
  mkdir -p "$1/releases/added"
  sed -e 's/^publisher = .*/publisher = "gen-0"/' -e "s/^published_at = .*/published_at = $3/" \
    content/releases/2024-11-27-ohjausneuvottelut.md >"$1/releases/added/$2.md"
}

# changed A B: keys, bytes of B's pairs that are new or differ from A's; and deletions.
# Streams each file (at 100,000 releases a build is ~6 GB of JSON) and keeps only a digest
# and the length of each value.
changed() {
  python3 - "$1" "$2" <<'PY'
import hashlib, json, sys
def pairs(d):
    """key -> (digest, bytes) of every pair in build directory d, read one pair at a time."""
    out, decoder = {}, json.JSONDecoder()
    for f in ("kv-0-media.json", "kv-1-releases.json", "kv-2-indexes.json"):
        try:
            handle = open(f"{d}/{f}", encoding="utf-8")
        except FileNotFoundError:
            continue
        buf, pos, eof = "", 0, False
        while True:
            while pos < len(buf) and buf[pos] in " \n\r\t,[]":
                pos += 1
            if pos >= len(buf) and eof:
                break
            try:
                pair, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:
                if eof:
                    raise
                chunk = handle.read(1 << 24)
                eof = not chunk
                buf, pos = buf[pos:] + chunk, 0
                continue
            value = pair["value"].encode()
            out[pair["key"]] = (hashlib.blake2b(value, digest_size=16).digest(), len(value))
            pos = end
    return out
a, b = pairs(sys.argv[1]), pairs(sys.argv[2])
keys = [k for k, v in b.items() if a.get(k, (None,))[0] != v[0]]
size = sum(b[k][1] for k in keys)
deleted = len(json.load(open(f"{sys.argv[2]}/kv-3-delete.json")))
total = sum(v[1] for v in b.values())
kinds = {}
for k in keys:
    kind = k.split(":")[0] + ":" + k.split(":")[1] if k.count(":") >= 2 else k.split(":")[0]
    kinds[kind] = kinds.get(kind, 0) + 1
top = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda x: -x[1])[:6])
delta = b.get("search:delta", (None, 0))[1]
print(f"{len(keys)}\t{size}\t{deleted}\t{len(b)}\t{total}\t{delta}\t{top}")
PY
}

manifest_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["value"])' "$1/kv-4-manifest.json"; }

mb() { python3 -c "print(f'{$1/1e6:.2f} MB')"; }

table="| releases | keys changed by one new release | bytes uploaded | most of four successive new releases (keys / bytes) | archive import (keys / bytes) | one removal (keys / bytes, deletions) | whole site (keys / bytes) | \`search:delta\` | changed keys by kind (new release) |
|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  dir="$work/$n"
  rm -rf "$dir" && mkdir -p "$dir"
  "$bin" gen --releases "$n" --publishers 20 --seed 3 --out "$dir/content" >/dev/null
  "$bin" build "$dir/content" --out "$dir/before" >/dev/null
  manifest_of "$dir/before" >"$dir/manifest.json"
  # One new release, newer than every generated one.
  cp -r "$dir/content" "$dir/new"
  added_release "$dir/new" lisatty-uusin 2027-01-01T09:00:00+02:00
  "$bin" build "$dir/new" --out "$dir/after-new" --previous "$dir/manifest.json" >/dev/null
  IFS=$'\t' read -r keys bytes _ total_keys total_bytes delta kinds < <(changed "$dir/before" "$dir/after-new")
  # Three more, one publish each, every build against the one before.
  most_keys=$keys most_bytes=$bytes previous="$dir/after-new"
  for i in 2 3 4; do
    added_release "$dir/new" "lisatty-uusin-$i" "2027-01-0${i}T09:00:00+02:00"
    manifest_of "$previous" >"$dir/manifest-$i.json"
    "$bin" build "$dir/new" --out "$dir/after-new-$i" --previous "$dir/manifest-$i.json" >/dev/null
    IFS=$'\t' read -r k b _ _ _ _ _ < <(changed "$previous" "$dir/after-new-$i")
    [ "$k" -gt "$most_keys" ] && most_keys=$k
    [ "$b" -gt "$most_bytes" ] && most_bytes=$b
    previous="$dir/after-new-$i"
  done
  # One release dated among the oldest (an archive import).
  cp -r "$dir/content" "$dir/old"
  added_release "$dir/old" lisatty-arkistoon 2001-01-01T09:00:00+02:00
  "$bin" build "$dir/old" --out "$dir/after-old" --previous "$dir/manifest.json" >/dev/null
  IFS=$'\t' read -r okeys obytes _ _ _ _ _ < <(changed "$dir/before" "$dir/after-old")
  # One removal: the first generated release file.
  cp -r "$dir/content" "$dir/removed"
  rm "$(find "$dir/removed/releases" -name '*.md' | sort | head -n 1)"
  "$bin" build "$dir/removed" --out "$dir/after-removed" --previous "$dir/manifest.json" >/dev/null
  IFS=$'\t' read -r rkeys rbytes rdel _ _ _ _ < <(changed "$dir/before" "$dir/after-removed")
  row="| $(printf "%'d" "$n") | $keys | $(mb "$bytes") | $most_keys / $(mb "$most_bytes") | $okeys / $(mb "$obytes") | $rkeys / $(mb "$rbytes"), $rdel | $total_keys / $(mb "$total_bytes") | $(python3 -c "print(f'{$delta/1e3:.0f} KB')") | $kinds |"
  echo "$row" >&2
  table+=$'\n'"$row"
  rm -rf "$dir/new" "$dir/old" "$dir/removed" "$dir"/after-new-*
done
echo "$table"
section="<!-- publish-cost:start -->
## Publish cost: what one new release uploads

Made by \`scripts/publish-cost.sh $(printf '%s ' "${sizes[@]}")\` on $(date -u +%Y-%m-%d) ($(git rev-parse --short HEAD)).
For each size: \`newsroom gen --releases N --publishers 20 --seed 3\`, built; then one release
added (the seed's 2024-11-27 release as gen-0's, 380 words, three keywords) and built again
with the first build's manifest as \`--previous\`. A key counts when its value is new or
changed: what \`newsroom publish\` uploads. The archive import adds the same release dated
2001 (older than every generated one); the removal deletes the first generated file.

$table

Reading it: lists, sitemaps and counts cost the same at every size (before stable chunks one
release changed 128 / 193 / 853 keys at 100 / 1,000 / 10,000 releases, mostly list pages).
The search index costs the same too since the delta (\`docs/kv-layout.md\`, \`search:delta\`):
a new release's words go into that one key, which holds the newest 160 releases' part of every
shard and filter, and each publish rewrites the base records of one group of shards and
filters (1/128 of them, those that gained documents in the last 128 releases) instead of the
133 shards this release's words touch. Before the delta, one release changed 174 keys at
every size, 133 of them shards, and 5.41 / 7.10 MB at 1,000 / 100,000. The bytes of a new
release are mostly its five feeds (the site's, its publisher's, its three keywords'), each a
record of the newest 50 items and its RSS, Atom and JSON Feed renderings. The delta is read by every search. An archive import or a removal renumbers what
follows it: every later chunk of its lists and every search record. The new release, dated
ahead, has its \`mail:{slug}\` (~26 KB, the subscriber and embargo mail rendered ahead); the
generated releases, all older than the trigger's 24-hour window, have none (before
2026-12-03 every release kept one: at 100,000 releases the whole site was then 227,818 keys
and 5,902 MB, 100,000 keys and 4,049 MB more than now).
<!-- publish-cost:end -->"
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
doc = open("BENCHMARKS.md").read()
if "<!-- publish-cost:start -->" in doc:
    doc = re.sub(r"<!-- publish-cost:start -->.*?<!-- publish-cost:end -->", lambda m: section, doc, flags=re.S)
else:
    doc = doc.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(doc)
PY

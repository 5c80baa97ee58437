#!/usr/bin/env bash
# The browser editor (Decap CMS, docs/editor.md) -> target/editor/admin/, which the readers'
# Worker serves as static assets at /admin/ (wrangler.toml [assets]; no wasm, no Worker code):
# Decap's own bundle from node_modules (package-lock.json), our page and start script, our
# stylesheet for its preview pane, and config.yml written from the content model by
# `newsroom editor-config` (CONTENT, default content/; NEWSROOM, the CLI to run it with).
#   scripts/build-editor.sh [EDITOR-CONFIG OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."
dist=node_modules/decap-cms/dist
if [ ! -f "$dist/decap-cms.js" ]; then
  echo "build-editor: $dist/decap-cms.js is missing: run npm ci" >&2
  exit 1
fi
out=target/editor/admin
rm -rf target/editor.new && mkdir -p target/editor.new/admin
cp "$dist"/decap-cms.js "$dist"/[0-9]*.decap-cms.js target/editor.new/admin/
cp editor/index.html editor/boot.js editor/locale-fi.js editor/editor.js target/editor.new/admin/
cp editor/_headers target/editor.new/_headers
cp crates/render/src/html/style.css target/editor.new/admin/preview.css
newsroom=${NEWSROOM:-}
if [ -z "$newsroom" ]; then
  cargo build --quiet --release --bin newsroom
  newsroom=target/release/newsroom
fi
"$newsroom" editor-config --content "${CONTENT:-content}" --out target/editor.new/admin/config.yml "$@"
# Swapped in whole, so a running wrangler dev never serves half a build.
rm -rf target/editor.old
[ -d target/editor ] && mv target/editor target/editor.old
mv target/editor.new target/editor
rm -rf target/editor.old
echo "build-editor: $(du -sh "$out" | cut -f1) in $out ($(ls "$out" | wc -l) files)"

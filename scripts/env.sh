# Sourced by the other scripts: keeps wrangler offline and its config inside the project.
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_HIDE_BANNER=true
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME:-$(pwd)/.config}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

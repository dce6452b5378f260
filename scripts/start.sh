#!/usr/bin/env bash
# npm start: local D1/DO/Queue state under .wrangler/, migrations applied, dev tenant, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
# Pinned Node 22 and wrangler, also when run as `bash scripts/start.sh` outside npm.
export PATH="$PWD/node_modules/.bin:$PATH"

# Nothing may call out: no telemetry, no Request.cf fetch.
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
PORT="${PORT:-8787}"
# Local state lives here (the bench uses its own, so it never touches yours).
PERSIST_TO="${PERSIST_TO:-.wrangler/state}"

# Local-only secrets. DEV_API_KEY provisions org 1 and exists only here, never on deploy.
if [ ! -f .dev.vars ]; then
  cat > .dev.vars <<VARS
DEV_API_KEY=ap_dev_key
ADMIN_TOKEN=dev-admin-token
ALLOW_PRIVATE_TARGETS=true
ENCRYPTION_KEY=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')
VARS
  echo "wrote .dev.vars (local secrets)"
fi

node scripts/build-console.mjs
wrangler d1 migrations apply DB --local --persist-to "$PERSIST_TO"

cat <<BANNER

  agentplane on http://127.0.0.1:${PORT}
  dev API key:  ap_dev_key   (org 1, "dev")
  admin token:  see ADMIN_TOKEN in .dev.vars
  console:      http://127.0.0.1:${PORT}/console/   docs: http://127.0.0.1:${PORT}/docs
  try:          curl -H "Authorization: Bearer ap_dev_key" http://127.0.0.1:${PORT}/v1/organizations/1/agents

BANNER
# `npm start` serves through Miniflare straight on workerd (scripts/serve.mjs: ~3x the throughput of
# wrangler dev's proxy layers); `npm run dev` keeps wrangler dev (live reload, inspector). Same state.
if [ "${1:-}" = "--wrangler" ]; then
  shift
  exec wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$PERSIST_TO" --show-interactive-dev-session=false "$@"
fi
export PORT PERSIST_TO
exec node scripts/serve.mjs "$@"

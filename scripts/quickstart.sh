#!/usr/bin/env bash
# The quickstart: start the embedded Keyplane service on SQLite, then with the CLI create a service account
# and a key, verify the key, revoke it and show it rejected. Safe to run again: it starts from a fresh data
# dir each time. Expects `npm ci` to have run (it builds dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
DATA=.keyplane/quickstart
KEYPLANE="node dist/cli/main.js"
[ -f dist/cli/main.js ] || npm run build >/dev/null

bash scripts/quickstart-clean.sh >/dev/null 2>&1 || true
mkdir -p "$DATA"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

PORT=7420
if ! node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($PORT,'127.0.0.1',()=>s.close())"; then
  PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
fi

step "Initialising a store in $DATA (SQLite, master key, first admin)"
$KEYPLANE server init --data "$DATA" --admin-email admin@example.com --key-file "$DATA/admin.key"

step "Starting the service on 127.0.0.1:$PORT (log: $DATA/server.log)"
$KEYPLANE server start --data "$DATA" --listen "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
echo $! >"$DATA/server.pid"
stop_server() {
  if [ -f "$DATA/server.pid" ]; then
    kill -TERM "$(cat "$DATA/server.pid")" 2>/dev/null || true
    wait "$(cat "$DATA/server.pid")" 2>/dev/null || true
    rm -f "$DATA/server.pid"
  fi
}
trap stop_server EXIT
for _ in $(seq 1 100); do
  node -e "require('http').get('http://127.0.0.1:$PORT/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" && break
  sleep 0.1
done

export KEYPLANE_ENDPOINT="http://127.0.0.1:$PORT"
export KEYPLANE_API_KEY="$(cat "$DATA/admin.key")"

step "keyplane whoami (as the bootstrap admin)"
$KEYPLANE whoami

step "Creating service account 'ci-deployer'"
SA_ID=$($KEYPLANE service-account create --name ci-deployer --role developer --description "Deploys from CI" -o json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).id))")
echo "service account: $SA_ID"

step "Creating a key for it (the secret goes to $DATA/ci.key, mode 0600, and is never shown again)"
KEY_ID=$($KEYPLANE api-key create --name ci-deploy --service-account "$SA_ID" --label team=platform --secret-file "$DATA/ci.key" -o json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).id))")
echo "key: $KEY_ID"

step "Verifying the key (as another service would)"
$KEYPLANE verify "$(cat "$DATA/ci.key")"

step "Using the key itself: keyplane whoami"
KEYPLANE_API_KEY="$(cat "$DATA/ci.key")" $KEYPLANE whoami

step "Revoking the key"
$KEYPLANE api-key revoke "$KEY_ID" --reason "quickstart demo" -o json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const k=JSON.parse(s);console.log('status:',k.status,'revoked_at:',k.revoked_at,'reason:',k.revoke_reason)})"

step "Verifying it again"
$KEYPLANE verify "$(cat "$DATA/ci.key")"

step "Using the revoked key: the service refuses it"
if KEYPLANE_API_KEY="$(cat "$DATA/ci.key")" $KEYPLANE whoami; then
  echo "the revoked key was accepted" >&2
  exit 1
fi

step "Done"
cat <<MSG
The service stored only a hash of each key. Its data is in $DATA; the service has been stopped.
Run it yourself:  node dist/cli/main.js server start --data $DATA --listen 127.0.0.1:$PORT
Clean up:         npm run quickstart:clean
MSG

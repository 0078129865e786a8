#!/usr/bin/env bash
# The quickstart: run the embedded Keyplane service on SQLite and, with the keyplane CLI, create a service
# account and a key for it, verify the key, revoke it, and watch the service refuse it. Every run starts from
# a fresh data dir (.keyplane/quickstart), so it can be run again; the service is stopped on exit, whatever
# happens. Exits 0 only when every step showed what it should. Expects `npm ci` to have run (it builds dist/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CHECKPOINT_DISABLE=1
# The quickstart talks only to the service it starts, never to one the caller's environment points at.
unset KEYPLANE_ENDPOINT KEYPLANE_API_KEY
DATA=.keyplane/quickstart
CLI="$ROOT/dist/cli/main.js"

step() { printf '\n==> %s\n' "$*"; }
show() {
  printf '$ keyplane'
  printf ' %q' "$@"
  printf '\n'
}
fail() {
  printf 'quickstart failed: %s\n' "$*" >&2
  exit 1
}
keyplane() { node "$CLI" "$@"; }
# The value of one field in keyplane's table output ("field  value" lines).
field() { awk -v f="$1" '$1 == f { print $2; exit }'; }

[ -f "$CLI" ] || { echo "dist/ is missing; building it (npm run build)"; npm run build >/dev/null; }

step "Starting from a fresh data dir: $DATA"
bash scripts/quickstart-clean.sh
mkdir -p "$DATA"
chmod 700 "$DATA"

# 127.0.0.1:7420 unless something already listens there; then any free port.
port_free() { node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($1,'127.0.0.1',()=>s.close())" 2>/dev/null; }
PORT=7420
if ! port_free "$PORT"; then
  PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  echo "port 7420 is taken; using $PORT"
fi
export KEYPLANE_ENDPOINT="http://127.0.0.1:$PORT"

step "Initialising the store: SQLite database, master key (mode 0600), first admin and its API key"
show server init --data "$DATA" --admin-email admin@example.com --key-file "$DATA/admin.key"
keyplane server init --data "$DATA" --admin-email admin@example.com --admin-name "Quickstart Admin" --key-file "$DATA/admin.key"

step "Starting the service in the background on $KEYPLANE_ENDPOINT (log: $DATA/server.log)"
show server start --data "$DATA" --listen "127.0.0.1:$PORT"
node "$CLI" server start --data "$DATA" --listen "127.0.0.1:$PORT" --log-level warn >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
echo "$SERVER_PID" >"$DATA/server.pid"
stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "stopping the service (pid $SERVER_PID)"
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -f "$DATA/server.pid"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

healthy() { node -e "require('http').get('$KEYPLANE_ENDPOINT/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"; }
for attempt in $(seq 1 150); do
  healthy && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/server.log" >&2; fail "the service exited during start-up (log above)"; }
  [ "$attempt" -lt 150 ] || { cat "$DATA/server.log" >&2; fail "the service did not answer /healthz within 15 s"; }
  sleep 0.1
done
echo "the service answers $KEYPLANE_ENDPOINT/healthz"

# From here on the CLI acts as the bootstrap admin.
KEYPLANE_API_KEY="$(cat "$DATA/admin.key")"
export KEYPLANE_API_KEY

step "Creating a service account for a CI pipeline"
show service-account create --name quickstart-ci --role developer
out=$(keyplane service-account create --name quickstart-ci --role developer --description "Deploys from CI (quickstart)")
echo "$out"
SA_ID=$(field id <<<"$out")
[ -n "$SA_ID" ] || fail "no service account id in the output above"

step "Creating an API key for it; the secret goes to $DATA/ci.key (mode 0600) and is never shown again"
show api-key create --name quickstart-ci-key --service-account "$SA_ID" --label env=quickstart --secret-file "$DATA/ci.key"
out=$(keyplane api-key create --name quickstart-ci-key --service-account "$SA_ID" --label env=quickstart --secret-file "$DATA/ci.key")
echo "$out"
KEY_ID=$(field id <<<"$out")
[ -n "$KEY_ID" ] || fail "no key id in the output above"
[ -s "$DATA/ci.key" ] || fail "$DATA/ci.key was not written"

step "Verifying the key, as a service that was handed it would (POST /v1/keys/verify)"
show verify --key-file "$DATA/ci.key"
out=$(keyplane verify --key-file "$DATA/ci.key")
echo "$out"
[ "$(field valid <<<"$out")" = true ] || fail "the new key did not verify as valid"

step "Calling the API with the key itself"
printf '$ KEYPLANE_API_KEY="$(cat %s)" keyplane whoami\n' "$DATA/ci.key"
KEYPLANE_API_KEY="$(cat "$DATA/ci.key")" keyplane whoami

step "Revoking the key"
show api-key revoke "$KEY_ID" --reason "quickstart demo"
out=$(keyplane api-key revoke "$KEY_ID" --reason "quickstart demo")
echo "$out"
[ "$(field status <<<"$out")" = revoked ] || fail "the key is not revoked"

step "Verifying the key again"
show verify --key-file "$DATA/ci.key"
out=$(keyplane verify --key-file "$DATA/ci.key")
echo "$out"
[ "$(field valid <<<"$out")" = false ] && [ "$(field reason <<<"$out")" = revoked ] || fail "the revoked key did not verify as revoked"

step "Calling the API with the revoked key: the service refuses it"
printf '$ KEYPLANE_API_KEY="$(cat %s)" keyplane whoami\n' "$DATA/ci.key"
if refused=$(KEYPLANE_API_KEY="$(cat "$DATA/ci.key")" keyplane whoami 2>&1); then
  echo "$refused"
  fail "the service accepted a revoked key"
fi
echo "$refused"
grep -q '401 unauthenticated' <<<"$refused" || fail "expected a 401 for the revoked key"

step "Summary"
cat <<EOF
  service account  $SA_ID (quickstart-ci)
  API key          $KEY_ID: verified valid, revoked, then verified as revoked and refused with 401
  secrets          the service stored only hashes; the key's secret exists only in $DATA/ci.key
  data             $DATA (admin key in $DATA/admin.key)

Run the service yourself:  node dist/cli/main.js server start --data $DATA --listen 127.0.0.1:$PORT
Clean up:                  npm run quickstart:clean
EOF

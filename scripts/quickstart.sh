#!/usr/bin/env bash
# The quickstart: Keyplane keys managed by Terraform, from a fresh clone, offline. It starts the embedded
# Keyplane service on SQLite (data in .keyplane/quickstart), installs the provider into a local filesystem
# mirror that `terraform init` uses, and runs `terraform init` and `terraform apply` on examples/quickstart:
# a service account, an IP allow list, a secret, a key whose secret goes to the secret store, a key encrypted
# to a PGP key generated here, and a data source. Then it reads both secrets back (store, PGP), checks that
# neither is anywhere in the state and that both keys authenticate, and prints a summary.
#
# The service keeps running afterwards, for you to use; run this again and it reuses it (the second apply
# changes nothing). `npm run quickstart:clean` stops it and removes everything. Expects `npm ci` to have run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# The quickstart talks only to the service it starts, never to one the caller's environment points at, and
# uses only the CLI configuration it writes.
unset KEYPLANE_ENDPOINT KEYPLANE_API_KEY TF_CLI_CONFIG_FILE TF_DATA_DIR TF_WORKSPACE
# shellcheck source=scripts/quickstart-lib.sh
source scripts/quickstart-lib.sh
CLI="$ROOT/dist/cli/main.js"
WORK="$DATA/terraform"
TFRC="$DATA/terraformrc"
# Colour only for a person at a terminal.
NO_COLOR_FLAG=()
[ -t 1 ] || NO_COLOR_FLAG=(-no-color)

step() { printf '\n==> %s\n' "$*"; }
show() {
  printf '$ %s' "$1"
  shift
  printf ' %q' "$@"
  printf '\n'
}
fail() {
  printf 'quickstart failed: %s\n' "$*" >&2
  exit 1
}
# Whatever failed, say how to start over.
trap 'rc=$?; [ "$rc" = 0 ] || [ "$rc" -ge 128 ] || printf "(to start over from nothing: npm run quickstart:clean, then npm run quickstart)\n" >&2' EXIT
keyplane() { node "$CLI" "$@"; }
tf() { terraform -chdir="$WORK" "$@"; }

command -v terraform >/dev/null 2>&1 || fail "terraform is not on PATH: install Terraform 1.11 or later (https://developer.hashicorp.com/terraform/install)"
TF_VERSION=$(terraform version -json | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>console.log(JSON.parse(t).terraform_version))')
node -e 'const [a,b]=process.argv[1].split(".").map(Number);process.exit(a>1||(a===1&&b>=11)?0:1)' "$TF_VERSION" || fail "terraform $TF_VERSION is too old: the provider needs Terraform 1.11 or later (write-only attributes, ephemeral resources)"
# dist/ as `npm ci` builds it; a dist/ from an older checkout lacks the commands used below.
[ -f "$CLI" ] && [ -f "$ROOT/dist/provider/keyplane/main.js" ] && [ -f "$ROOT/dist/cli/commands/provider.js" ] || { echo "dist/ is missing or old; building it (npm run build)"; npm run build >/dev/null; }

# ---- the service: reuse the one a previous run left, or start it

healthy() { node -e "require('http').get('$1/healthz',{timeout:2000},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"; }
port_free() { node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($1,'127.0.0.1',()=>s.close())" 2>/dev/null; }

PORT=""
pid=$(quickstart_server_pid)
if [ -n "$pid" ] && [ -f "$DATA/port" ] && healthy "http://127.0.0.1:$(cat "$DATA/port")"; then
  PORT=$(cat "$DATA/port")
  step "Reusing the Keyplane service from the last run: http://127.0.0.1:$PORT (pid $pid)"
elif [ -n "$pid" ]; then
  echo "the service from the last run (pid $pid) does not answer; restarting it"
  stop_quickstart_server
fi

if [ -z "$PORT" ]; then
  # The store and the state go together: a store without the state (left by an older quickstart, or a run
  # stopped before its first apply) holds names the apply would collide with, so it is made anew.
  if [ ! -f "$DATA/admin.key" ] || [ ! -f "$WORK/terraform.tfstate" ]; then
    [ -d "$DATA" ] && echo "$REL_DATA holds no Terraform state to go with its store; starting over"
    step "Initialising the store in $REL_DATA: SQLite database, master key (mode 0600), first admin and its API key"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    chmod 700 "$DATA"
    show keyplane server init --data "$REL_DATA" --admin-email admin@example.com --key-file "$REL_DATA/admin.key"
    keyplane server init --data "$REL_DATA" --admin-email admin@example.com --admin-name "Quickstart Admin" --key-file "$REL_DATA/admin.key"
  fi
  # The port of the last run (the state's keys live in this store, whatever the port), else 7420, else any.
  for candidate in "$(cat "$DATA/port" 2>/dev/null || true)" 7420; do
    if [[ "$candidate" =~ ^[0-9]+$ ]] && port_free "$candidate"; then PORT=$candidate; break; fi
  done
  if [ -z "$PORT" ]; then
    PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    echo "port 7420 is taken; using $PORT"
  fi
  step "Starting the service in the background on http://127.0.0.1:$PORT (log: $REL_DATA/server.log)"
  show keyplane server start --data "$REL_DATA" --listen "127.0.0.1:$PORT"
  # Its own session where setsid exists (Linux), so a Ctrl-C here does not stop it (elsewhere it does, and
  # the next run starts it again); no inherited stdout either, so callers waiting for EOF are not held.
  launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  ${launcher[@]+"${launcher[@]}"} node "$CLI" server start --data "$REL_DATA" --listen "127.0.0.1:$PORT" --log-level warn </dev/null >"$DATA/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$DATA/server.pid"
  echo "$PORT" >"$DATA/port"
  for attempt in $(seq 1 150); do
    healthy "http://127.0.0.1:$PORT" && break
    kill -0 "$pid" 2>/dev/null || { cat "$DATA/server.log" >&2; fail "the service exited during start-up (log above)"; }
    [ "$attempt" -lt 150 ] || { cat "$DATA/server.log" >&2; fail "the service did not answer /healthz within 15 s"; }
    sleep 0.1
  done
  echo "the service answers http://127.0.0.1:$PORT/healthz (pid $pid)"
fi

ENDPOINT="http://127.0.0.1:$PORT"
KEYPLANE_ENDPOINT=$ENDPOINT
KEYPLANE_API_KEY="$(cat "$DATA/admin.key")"
export KEYPLANE_ENDPOINT KEYPLANE_API_KEY

# ---- the provider, where terraform init finds it with no network

step "Installing the provider into a local filesystem mirror, and a CLI configuration that uses it"
show keyplane provider install --dir "$REL_DATA/plugins" --cli-config "$REL_DATA/terraformrc"
install_out=$(keyplane provider install --dir "$DATA/plugins" --cli-config "$TFRC")
echo "$install_out"
LAUNCHER_HASH=$(awk '$1 == "hash" { print $2; exit }' <<<"$install_out")
[[ "$LAUNCHER_HASH" == h1:* ]] || fail "provider install printed no h1: hash"
export TF_CLI_CONFIG_FILE="$TFRC"

step "A PGP key pair for the oncall key (the private half stays in $REL_DATA/pgp, mode 0600)"
if [ -f "$DATA/pgp/public.asc" ] && [ -f "$DATA/pgp/private.asc" ]; then
  echo "kept from the last run: $REL_DATA/pgp/public.asc"
else
  show keyplane pgp generate-key --name "Quickstart Oncall" --email oncall@example.com --out-dir "$REL_DATA/pgp"
  keyplane pgp generate-key --name "Quickstart Oncall" --email oncall@example.com --out-dir "$DATA/pgp" --force
fi

# ---- terraform init and apply

step "terraform init and apply on examples/quickstart (working copy: $REL_DATA/terraform)"
mkdir -p "$WORK"
cp examples/quickstart/*.tf "$WORK/"
# The variable in a tfvars file, so that a plan or apply you run there yourself needs no -var.
node -e 'console.log(JSON.stringify({ pgp_public_key_file: process.argv[1] }, null, 2))' "$DATA/pgp/public.asc" >"$WORK/terraform.tfvars.json"
echo "pgp_public_key_file = $REL_DATA/pgp/public.asc (in terraform.tfvars.json)"
# The lock file here is the quickstart's own: when the launcher changed (Node or the checkout moved, so its
# hash did), its old entry is dropped rather than failing init. A lock file you commit is not touched.
if [ -f "$WORK/.terraform.lock.hcl" ] && ! grep -qF "\"$LAUNCHER_HASH\"" "$WORK/.terraform.lock.hcl"; then
  echo "the provider launcher changed since the last run (its hash is now $LAUNCHER_HASH): recording it anew"
  rm -f "$WORK/.terraform.lock.hcl"
fi
show terraform init -input=false
tf init -input=false ${NO_COLOR_FLAG[@]+"${NO_COLOR_FLAG[@]}"}
show terraform apply -auto-approve
tf apply -auto-approve -input=false ${NO_COLOR_FLAG[@]+"${NO_COLOR_FLAG[@]}"}

# ---- what it proves

step "Checking: the secrets are readable where they belong, absent from the state, and the keys work"
VERSION_ID=$(tf output -raw ci_key_secret_store_version)
SECRET_ID=${VERSION_ID%/*}
VERSION=${VERSION_ID##*/}
[ -n "$SECRET_ID" ] && [[ "$VERSION" =~ ^[0-9]+$ ]] || fail "ci_key_secret_store_version is \"$VERSION_ID\", not SECRET_ID/VERSION"
show keyplane secret read "$SECRET_ID" "$VERSION" --entry KEYPLANE_API_KEY
CI_SECRET=$(keyplane secret read "$SECRET_ID" "$VERSION" --entry KEYPLANE_API_KEY)
echo "(read; not shown)"
printf '$ terraform output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key %q\n' "$REL_DATA/pgp/private.asc"
ONCALL_SECRET=$(tf output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key "$DATA/pgp/private.asc")
echo "(decrypted; not shown)"
[[ "$CI_SECRET" == kp_* ]] && [[ "$ONCALL_SECRET" == kp_* ]] || fail "a secret read back is not a Keyplane key"

# Any 12-character piece of either secret in the state file or in `terraform show -json` counts as a leak.
STATE_JSON=$(tf show -json)
leaks=$(CI_SECRET="$CI_SECRET" ONCALL_SECRET="$ONCALL_SECRET" node -e '
  const fs = require("fs");
  const text = fs.readFileSync(process.argv[1], "utf8") + fs.readFileSync(0, "utf8");
  let n = 0;
  for (const s of [process.env.CI_SECRET, process.env.ONCALL_SECRET])
    for (let i = 0; i + 12 <= s.length; i++) if (text.includes(s.slice(i, i + 12))) n++;
  console.log(n);' "$WORK/terraform.tfstate" <<<"$STATE_JSON")
[ "$leaks" = 0 ] || fail "the state holds $leaks pieces of a key's secret"
STATE_BYTES=$(wc -c <"$WORK/terraform.tfstate" | tr -d ' ')
echo "no 12-character piece of either secret in terraform.tfstate ($STATE_BYTES bytes) or terraform show -json"

KEYPLANE_API_KEY=$CI_SECRET keyplane whoami >/dev/null || fail "the CI key from the secret store does not authenticate"
KEYPLANE_API_KEY=$ONCALL_SECRET keyplane whoami >/dev/null || fail "the decrypted oncall key does not authenticate"
echo "both keys authenticate (keyplane whoami, from 127.0.0.1, which the CI key's allow list permits)"

step "Summary"
Q_ROOT=$(printf '%q' "$ROOT")
Q_CLI=$(printf '%q' "$CLI")
Q_TFRC=$(printf '%q' "$TFRC")
Q_REL_DATA=$(printf '%q' "$REL_DATA")
cat <<EOF
  Terraform manages, in the Keyplane service at $ENDPOINT:
    service account   $(tf output -raw service_account_id) (quickstart-ci)
    CI key            $(tf output -raw ci_key_id): its secret is in the secret store as $VERSION_ID
    oncall key        $(tf output -raw oncall_key_id): its secret is in state only encrypted to PGP key $(tf output -raw oncall_key_fingerprint)
  The state ($REL_DATA/terraform/terraform.tfstate) holds no secret: checked above, piece by piece.

  Use it yourself (the service keeps running), from the repository root:
    cd $Q_ROOT
    alias keyplane="node $Q_CLI"
    export KEYPLANE_ENDPOINT=$ENDPOINT KEYPLANE_API_KEY="\$(cat $Q_REL_DATA/admin.key)" TF_CLI_CONFIG_FILE=$Q_TFRC
    keyplane secret read $SECRET_ID $VERSION --entry KEYPLANE_API_KEY     # the CI key, from the store
    terraform -chdir=$Q_REL_DATA/terraform output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key $Q_REL_DATA/pgp/private.asc
    terraform -chdir=$Q_REL_DATA/terraform plan                              # no changes

  Run again:              npm run quickstart        (reuses the service; the apply changes nothing)
  Stop and clean up:      npm run quickstart:clean
EOF

/** The quickstart's last words: what Terraform manages, and the commands to go on by hand (paths shell-quoted). */
import { ENTRY_KEY, type Proven } from './checks';
import { shellWord, step } from './console';
import type { Paths } from './paths';
import { stringOutput } from './terraform';

export function printSummary(p: Paths, endpoint: string, out: Record<string, unknown>, proven: Proven): void {
  step('Summary');
  const o = (name: string) => stringOutput(out, name);
  const rel = shellWord(p.relData);
  process.stdout.write(`  Terraform manages, in the Keyplane service at ${endpoint}:
    service account   ${o('service_account_id')} (quickstart-ci)
    CI key            ${o('ci_key_id')}: its secret is in the secret store as ${o('ci_key_secret_store_version')}
    oncall key        ${o('oncall_key_id')}: its secret is in state only encrypted to PGP key ${o('oncall_key_fingerprint')}
  The state (${p.relData}/terraform/terraform.tfstate) holds no secret: checked above, piece by piece.

  Use it yourself (the service keeps running), from the repository root:
    cd ${shellWord(p.root)}
    alias keyplane=${shellWord(`node ${shellWord(p.cli)}`)}
    export KEYPLANE_ENDPOINT=${endpoint} KEYPLANE_API_KEY="$(cat ${rel}/admin.key)" TF_CLI_CONFIG_FILE=${shellWord(p.cliConfig)}
    keyplane secret read ${proven.secretId} ${proven.version} --entry ${ENTRY_KEY}     # the CI key, from the store
    terraform -chdir=${rel}/terraform output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key ${rel}/pgp/private.asc
    terraform -chdir=${rel}/terraform plan                              # no changes

  Run again:              npm run quickstart        (reuses the service; the apply changes nothing)
  Stop and clean up:      npm run quickstart:clean
`);
}

/**
 * What a Terraform user waits for: the wall time of `terraform plan` (refresh included) on N applied
 * keyplane_secret resources, against the same plan on N of Terraform's built-in terraform_data, which needs
 * no plugin process at all. The ratio is the whole cost of the provider per command: its 2 to 3 starts
 * (through the mirror launcher `keyplane provider install` writes, as users run it), the gRPC calls, and
 * one GET to the service per resource on refresh. The two workspaces alternate, so machine noise hits both.
 *
 *   node dist/bench/run.js terraform [--resources N] [--runs R]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './common';

const DIST = join(__dirname, '..');

export interface TerraformPlanResult {
  resources: number;
  runs: number;
  terraform_data_plan_ms: number;
  keyplane_plan_ms: number;
  ratio: number;
  terraform_data_apply_ms: number;
  keyplane_apply_ms: number;
}

/** Runs terraform, returns its wall time in ms; throws with its output when it fails. */
function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('terraform', [`-chdir=${dir}`, ...args], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} in ${dir} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return ms;
}

export function benchTerraformPlan(opts: { url: string; admin: string; resources: number; runs: number }): TerraformPlanResult {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-bench-tf-'));
  try {
    const rc = join(root, 'cli.tfrc');
    const install = spawnSync(
      process.execPath,
      [join(DIST, 'cli/main.js'), 'provider', 'install', '--launcher', '--dir', join(root, 'mirror'), '--cli-config', rc],
      {
        encoding: 'utf8',
      },
    );
    if (install.status !== 0) throw new Error(`keyplane provider install failed: ${install.stderr}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_CLI_CONFIG_FILE: rc,
      KEYPLANE_ENDPOINT: opts.url,
      KEYPLANE_API_KEY: opts.admin,
    };
    delete env.TF_LOG;
    const builtin = join(root, 'terraform_data');
    const keyplane = join(root, 'keyplane');
    mkdirSync(builtin);
    mkdirSync(keyplane);
    writeFileSync(join(builtin, 'main.tf'), `resource "terraform_data" "d" {\n  count = ${opts.resources}\n  input = "bench-\${count.index}"\n}\n`);
    writeFileSync(
      join(keyplane, 'main.tf'),
      `terraform {\n  required_providers {\n    keyplane = { source = "keyplane/keyplane" }\n  }\n}\n\nprovider "keyplane" {}\n\nresource "keyplane_secret" "s" {\n  count = ${opts.resources}\n  name  = "bench-\${count.index}"\n}\n`,
    );
    for (const dir of [builtin, keyplane]) terraform(dir, ['init', '-input=false', '-no-color'], env);
    const applyBuiltin = terraform(builtin, ['apply', '-auto-approve', '-input=false', '-no-color'], env);
    const applyKeyplane = terraform(keyplane, ['apply', '-auto-approve', '-input=false', '-no-color'], env);
    const planArgs = ['plan', '-input=false', '-no-color'];
    // One untimed plan each: the OS file cache and terraform's own first-run costs.
    terraform(builtin, planArgs, env);
    terraform(keyplane, planArgs, env);
    const b: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      b.push(terraform(builtin, planArgs, env));
      k.push(terraform(keyplane, planArgs, env));
    }
    terraform(keyplane, ['destroy', '-auto-approve', '-input=false', '-no-color'], env);
    const result = {
      resources: opts.resources,
      runs: opts.runs,
      terraform_data_plan_ms: median(b),
      keyplane_plan_ms: median(k),
      ratio: 0,
      terraform_data_apply_ms: applyBuiltin,
      keyplane_apply_ms: applyKeyplane,
    };
    result.ratio = result.keyplane_plan_ms / result.terraform_data_plan_ms;
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function describeTerraformPlan(r: TerraformPlanResult): string {
  const f = (n: number) => `${n.toFixed(0)} ms`;
  return [
    `terraform plan (refresh included) on ${r.resources} applied resources, median of ${r.runs} alternating runs each`,
    `  terraform_data (built in, no plugin)        ${f(r.terraform_data_plan_ms)}`,
    `  keyplane_secret (provider via the mirror)   ${f(r.keyplane_plan_ms)} = ${r.ratio.toFixed(2)}x terraform_data`,
    `  first apply: terraform_data ${f(r.terraform_data_apply_ms)}, keyplane_secret ${f(r.keyplane_apply_ms)} (one run each)`,
  ].join('\n');
}

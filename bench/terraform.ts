/**
 * What a Terraform user waits for: the wall time of `terraform apply`, `terraform plan` (of the applied
 * configuration, refresh included) and `terraform destroy` on N Keyplane resources, against the same
 * commands on N of Terraform's built-in terraform_data, which needs no plugin process at all. The ratio is
 * the whole cost of the provider per command: its 3 to 5 starts (through the mirror launcher
 * `keyplane provider install` writes, as users run it), the gRPC calls, and the service's answers. Each run
 * is one apply, plan and destroy of each workspace, the two alternating which goes first, so machine noise
 * hits both; the figures are medians.
 *
 *   node dist/bench/run.js terraform       [--resources N] [--runs R]   # keyplane_secret
 *   node dist/bench/run.js terraform-keys  [--resources N] [--runs R]   # keyplane_api_key
 *
 * --provider-cpu-prof DIR: every provider process writes a V8 CPU profile into DIR (bench/cpu-prof-preload.ts,
 * through NODE_OPTIONS, which the launcher's Node reads); --tf-log DIR: each Keyplane command's TF_LOG=trace output goes to DIR/<command>-<run>.log.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './common';

const DIST = join(__dirname, '..');

/** The Keyplane resource measured, and what it needs in the service first. */
export type TerraformSubject = 'keyplane_secret' | 'keyplane_api_key';

/** The custom scope every benchmark key asks for, so plan checks the scope catalogue as a real key's plan does. */
export const BENCH_SCOPE = 'billing.read';

const COMMANDS = ['apply', 'plan', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

export interface TerraformResult {
  subject: TerraformSubject;
  resources: number;
  runs: number;
  /** Per command: the medians in ms of each side and their ratio, and every run's figures. */
  commands: Record<Command, { terraform_data_ms: number; keyplane_ms: number; ratio: number; terraform_data_runs: number[]; keyplane_runs: number[] }>;
}

/** Runs terraform, returns its wall time in ms; throws with its output when it fails. */
function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv, log?: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('terraform', [`-chdir=${dir}`, ...args], {
    env: log ? { ...env, TF_LOG: 'trace', TF_LOG_PATH: log } : env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} in ${dir} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return ms;
}

function keyplaneConfig(subject: TerraformSubject, resources: number): string {
  const body =
    subject === 'keyplane_secret'
      ? `  name  = "bench-\${count.index}"\n`
      : `  name   = "bench-\${count.index}"\n  scopes = ["${BENCH_SCOPE}"]\n  labels = { bench = "terraform" }\n`;
  return `terraform {\n  required_providers {\n    keyplane = { source = "keyplane/keyplane" }\n  }\n}\n\nprovider "keyplane" {}\n\nresource "${subject}" "k" {\n  count = ${resources}\n${body}}\n`;
}

export function benchTerraform(opts: {
  url: string;
  admin: string;
  subject: TerraformSubject;
  resources: number;
  runs: number;
  providerCpuProf?: string;
  tfLog?: string;
}): TerraformResult {
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
    delete env.TF_LOG_PATH;
    const keyplaneEnv = { ...env };
    if (opts.providerCpuProf) {
      mkdirSync(opts.providerCpuProf, { recursive: true });
      // Node refuses --cpu-prof in NODE_OPTIONS; a preloaded module starts the profiler instead.
      keyplaneEnv.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'cpu-prof-preload.js')}`.trim();
      keyplaneEnv.KEYPLANE_BENCH_CPU_PROF_DIR = opts.providerCpuProf;
    }
    if (opts.tfLog) mkdirSync(opts.tfLog, { recursive: true });
    const builtin = join(root, 'terraform_data');
    const keyplane = join(root, 'keyplane');
    mkdirSync(builtin);
    mkdirSync(keyplane);
    writeFileSync(join(builtin, 'main.tf'), `resource "terraform_data" "d" {\n  count = ${opts.resources}\n  input = "bench-\${count.index}"\n}\n`);
    writeFileSync(join(keyplane, 'main.tf'), keyplaneConfig(opts.subject, opts.resources));
    const init = ['init', '-input=false', '-no-color'];
    terraform(builtin, init, env);
    terraform(keyplane, init, env);
    const args: Record<Command, string[]> = {
      apply: ['apply', '-auto-approve', '-input=false', '-no-color'],
      plan: ['plan', '-input=false', '-no-color'],
      destroy: ['destroy', '-auto-approve', '-input=false', '-no-color'],
    };
    const cycle = (dir: string, runEnv: NodeJS.ProcessEnv, run: number, log: boolean) =>
      Object.fromEntries(
        COMMANDS.map((c) => [c, terraform(dir, args[c], runEnv, log && opts.tfLog ? join(opts.tfLog, `${c}-${run}.log`) : undefined)]),
      ) as Record<Command, number>;
    // One untimed cycle each: the OS file cache and terraform's own first-run costs.
    cycle(builtin, env, -1, false);
    cycle(keyplane, env, -1, false);
    const b: Record<Command, number>[] = [];
    const k: Record<Command, number>[] = [];
    for (let i = 0; i < opts.runs; i++) {
      if (i % 2 === 0) {
        b.push(cycle(builtin, env, i, false));
        k.push(cycle(keyplane, keyplaneEnv, i, true));
      } else {
        k.push(cycle(keyplane, keyplaneEnv, i, true));
        b.push(cycle(builtin, env, i, false));
      }
    }
    const commands = Object.fromEntries(
      COMMANDS.map((c) => {
        const bs = b.map((r) => r[c]);
        const ks = k.map((r) => r[c]);
        return [c, { terraform_data_ms: median(bs), keyplane_ms: median(ks), ratio: median(ks) / median(bs), terraform_data_runs: bs, keyplane_runs: ks }];
      }),
    ) as TerraformResult['commands'];
    return { subject: opts.subject, resources: opts.resources, runs: opts.runs, commands };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function describeTerraform(r: TerraformResult): string {
  const f = (n: number) => `${n.toFixed(0)} ms`;
  const lines = [
    `terraform apply, plan (refresh included) and destroy of ${r.resources} ${r.subject} against ${r.resources} terraform_data, median of ${r.runs} alternating runs each`,
  ];
  for (const c of COMMANDS) {
    const x = r.commands[c];
    lines.push(
      `  ${c.padEnd(8)} terraform_data ${f(x.terraform_data_ms).padStart(8)}   ${r.subject} ${f(x.keyplane_ms).padStart(8)}   = ${x.ratio.toFixed(2)}x   (runs: ${x.keyplane_runs.map((n) => n.toFixed(0)).join(', ')} / ${x.terraform_data_runs.map((n) => n.toFixed(0)).join(', ')})`,
    );
  }
  return lines.join('\n');
}

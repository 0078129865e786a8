/**
 * What a Terraform user waits for: the wall time of `terraform apply`, `terraform plan` (of the applied
 * configuration, refresh included) and `terraform destroy` on N Keyplane resources, against the same
 * commands on N of Terraform's built-in terraform_data, which needs no plugin process at all. The ratio is
 * the whole cost of the provider per command: its 3 to 5 starts, the gRPC calls, and the service's answers.
 * Each build of the provider (bench/provider-builds.ts) has its own workspace and filesystem mirror, filled by
 * `keyplane provider install` as users run it: the dev build through its launcher (--launcher), the release
 * from its zip (--release DIR). Each run is one apply, plan and destroy of every workspace, the order rotated
 * from run to run, so machine noise hits all of them; the figures are medians.
 *
 *   node dist/bench/run.js terraform       [--resources N] [--runs R] [--provider dev,release]   # keyplane_secret
 *   node dist/bench/run.js terraform-keys  [--resources N] [--runs R] [--provider dev,release]   # keyplane_api_key
 *
 * --provider-cpu-prof DIR: every dev provider process writes a V8 CPU profile into DIR (bench/cpu-prof-preload.ts,
 * through NODE_OPTIONS, which the launcher's Node reads and the release ignores: scripts/release/sea.ts);
 * --tf-log DIR: each Keyplane command's TF_LOG=trace output goes to DIR/<build>-<command>-<run>.log.
 * --compare-release DIR: one more side, `baseline`, installed from the release in DIR as the release build is
 * (say one built from an earlier commit), to compare two builds in one rotation on a noisy machine.
 *
 * Beside the wall time, each command's CPU time is recorded (user and system, from /usr/bin/time): terraform's
 * own and that of the provider processes it started and waited for, the service's not included. On a shared
 * machine it moves far less than the wall time, so two builds compare best by it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './common';
import type { ProviderBuildName } from './provider-builds';

const DIST = join(__dirname, '..');

/** The Keyplane resource measured, and what it needs in the service first. */
export type TerraformSubject = 'keyplane_secret' | 'keyplane_api_key';

/** The custom scope every benchmark key asks for, so plan checks the scope catalogue as a real key's plan does. */
export const BENCH_SCOPE = 'billing.read';

export const COMMANDS = ['apply', 'plan', 'destroy'] as const;
export type Command = (typeof COMMANDS)[number];

/** Each measured command's arguments: unattended, no colour. */
export const COMMAND_ARGS: Record<Command, string[]> = {
  apply: ['apply', '-auto-approve', '-input=false', '-no-color'],
  plan: ['plan', '-input=false', '-no-color'],
  destroy: ['destroy', '-auto-approve', '-input=false', '-no-color'],
};

/** The environment of every measured command: no checkpoint, no log, the service and its admin key. */
export function terraformEnv(url: string, admin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', KEYPLANE_ENDPOINT: url, KEYPLANE_API_KEY: admin };
  delete env.TF_LOG;
  delete env.TF_LOG_PATH;
  return env;
}

/** N terraform_data, the baseline: built into terraform, no plugin. */
export const terraformDataConfig = (resources: number): string =>
  `resource "terraform_data" "d" {\n  count = ${resources}\n  input = "bench-\${count.index}"\n}\n`;

export interface TerraformResult {
  subject: TerraformSubject;
  resources: number;
  runs: number;
  /** Per command: terraform_data's median in ms and every run's figure; for each build, the same and its ratio to terraform_data. */
  commands: Record<
    Command,
    {
      terraform_data_ms: number;
      terraform_data_runs: number[];
      terraform_data_cpu_ms: number;
      builds: Partial<Record<ProviderBuildName | 'baseline', { ms: number; ratio: number; runs: number[]; cpu_ms: number; cpu_ratio: number }>>;
    }
  >;
}

export const TIME = '/usr/bin/time';

/** User plus system CPU in ms from a `%U %S` line of /usr/bin/time (the last line: a failed command's note comes first). */
export function cpuOf(text: string): number {
  const [user, system] = text.trim().split(/\s+/).slice(-2).map(Number);
  return ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
}

export interface Timed {
  ms: number;
  /** User and system CPU of terraform and the processes it waited for; NaN without /usr/bin/time. */
  cpu_ms: number;
}

/** Runs terraform, returns its wall and CPU time in ms; throws with its output when it fails. */
export function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv, log?: string): Timed {
  const cpuFile = join(dir, '.bench-cpu');
  const timed = existsSync(TIME);
  const start = process.hrtime.bigint();
  const command = timed ? [TIME, '-f', '%U %S', '-o', cpuFile, 'terraform'] : ['terraform'];
  const r = spawnSync(command[0]!, [...command.slice(1), `-chdir=${dir}`, ...args], {
    env: log ? { ...env, TF_LOG: 'trace', TF_LOG_PATH: log } : env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} in ${dir} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  const cpu_ms = timed ? cpuOf(readFileSync(cpuFile, 'utf8')) : Number.NaN;
  return { ms, cpu_ms };
}

/** N Keyplane resources of `subject`, named `prefix-INDEX`. */
export function keyplaneConfig(subject: TerraformSubject, resources: number, prefix = 'bench'): string {
  const body =
    subject === 'keyplane_secret'
      ? `  name  = "${prefix}-\${count.index}"\n`
      : `  name   = "${prefix}-\${count.index}"\n  scopes = ["${BENCH_SCOPE}"]\n  labels = { bench = "terraform" }\n`;
  return `terraform {\n  required_providers {\n    keyplane = { source = "keyplane/keyplane" }\n  }\n}\n\nprovider "keyplane" {}\n\nresource "${subject}" "k" {\n  count = ${resources}\n${body}}\n`;
}

export function benchTerraform(opts: {
  url: string;
  admin: string;
  subject: TerraformSubject;
  resources: number;
  runs: number;
  builds: ProviderBuildName[];
  /** The release directory the release build is installed from. */
  releaseDir: string;
  providerCpuProf?: string;
  tfLog?: string;
  /** A release directory installed as one more side, `baseline`. */
  compareRelease?: string;
}): TerraformResult {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-bench-tf-'));
  try {
    const env = terraformEnv(opts.url, opts.admin);
    if (opts.tfLog) mkdirSync(opts.tfLog, { recursive: true });
    const sides: { name: 'terraform_data' | ProviderBuildName | 'baseline'; dir: string; env: NodeJS.ProcessEnv }[] = [];
    const builtin = join(root, 'terraform_data');
    mkdirSync(builtin);
    writeFileSync(join(builtin, 'main.tf'), terraformDataConfig(opts.resources));
    sides.push({ name: 'terraform_data', dir: builtin, env });
    const builds: (ProviderBuildName | 'baseline')[] = [...opts.builds, ...(opts.compareRelease ? ['baseline' as const] : [])];
    for (const build of builds) {
      const dir = join(root, build);
      mkdirSync(dir);
      const rc = join(dir, 'cli.tfrc');
      const from = build === 'dev' ? ['--launcher'] : ['--release', build === 'baseline' ? opts.compareRelease! : opts.releaseDir];
      const install = spawnSync(
        process.execPath,
        [join(DIST, 'cli/main.js'), 'provider', 'install', ...from, '--dir', join(dir, 'mirror'), '--cli-config', rc],
        { encoding: 'utf8' },
      );
      if (install.status !== 0) throw new Error(`keyplane provider install ${from.join(' ')} failed: ${install.stderr}`);
      const buildEnv: NodeJS.ProcessEnv = { ...env, TF_CLI_CONFIG_FILE: rc };
      if (opts.providerCpuProf && build === 'dev') {
        mkdirSync(opts.providerCpuProf, { recursive: true });
        // Node refuses --cpu-prof in NODE_OPTIONS; a preloaded module starts the profiler instead.
        buildEnv.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'cpu-prof-preload.js')}`.trim();
        buildEnv.KEYPLANE_BENCH_CPU_PROF_DIR = opts.providerCpuProf;
      }
      const workspace = join(dir, 'workspace');
      mkdirSync(workspace);
      writeFileSync(join(workspace, 'main.tf'), keyplaneConfig(opts.subject, opts.resources));
      sides.push({ name: build, dir: workspace, env: buildEnv });
    }
    const init = ['init', '-input=false', '-no-color'];
    for (const side of sides) terraform(side.dir, init, side.env);
    const args = COMMAND_ARGS;
    const cycle = (side: (typeof sides)[number], run: number) =>
      Object.fromEntries(
        COMMANDS.map((c) => {
          const log = side.name !== 'terraform_data' && opts.tfLog && run >= 0 ? join(opts.tfLog, `${side.name}-${c}-${run}.log`) : undefined;
          return [c, terraform(side.dir, args[c], side.env, log)];
        }),
      ) as Record<Command, Timed>;
    // One untimed cycle each: the OS file cache and terraform's own first-run costs.
    for (const side of sides) cycle(side, -1);
    const times = sides.map((): Record<Command, Timed>[] => []);
    for (let i = 0; i < opts.runs; i++) {
      for (let k = 0; k < sides.length; k++) {
        const at = (i + k) % sides.length;
        times[at]!.push(cycle(sides[at]!, i));
      }
    }
    const commands = Object.fromEntries(
      COMMANDS.map((c) => {
        const runs = times.map((t) => t.map((r) => r[c].ms));
        const cpu = times.map((t) => median(t.map((r) => r[c].cpu_ms)));
        const base = median(runs[0]!);
        const byBuild = builds.map((b, i) => [
          b,
          { ms: median(runs[i + 1]!), ratio: median(runs[i + 1]!) / base, runs: runs[i + 1]!, cpu_ms: cpu[i + 1]!, cpu_ratio: cpu[i + 1]! / cpu[0]! },
        ]);
        return [c, { terraform_data_ms: base, terraform_data_runs: runs[0]!, terraform_data_cpu_ms: cpu[0]!, builds: Object.fromEntries(byBuild) }];
      }),
    ) as TerraformResult['commands'];
    return { subject: opts.subject, resources: opts.resources, runs: opts.runs, commands };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function describeTerraform(r: TerraformResult): string {
  const f = (n: number) => `${n.toFixed(0)} ms`.padStart(8);
  const runs = (xs: number[]) => xs.map((n) => n.toFixed(0)).join(', ');
  const lines = [
    `terraform apply, plan (refresh included) and destroy of ${r.resources} ${r.subject} against ${r.resources} terraform_data, median of ${r.runs} alternating runs each`,
  ];
  for (const c of COMMANDS) {
    const x = r.commands[c];
    const builds = Object.entries(x.builds).map(([b, y]) => `   ${b} ${f(y.ms)} = ${y.ratio.toFixed(2)}x`);
    lines.push(`  ${c.padEnd(8)} terraform_data ${f(x.terraform_data_ms)}${builds.join('')}`);
    const cpu = Object.entries(x.builds).map(([b, y]) => `   ${b} ${f(y.cpu_ms)} = ${y.cpu_ratio.toFixed(2)}x`);
    lines.push(`           CPU:   terraform_data ${f(x.terraform_data_cpu_ms)}${cpu.join('')}`);
    lines.push(
      `           runs: terraform_data ${runs(x.terraform_data_runs)}${Object.entries(x.builds)
        .map(([b, y]) => `; ${b} ${runs(y.runs)}`)
        .join('')}`,
    );
  }
  return lines.join('\n');
}

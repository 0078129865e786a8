/**
 * Whose CPU a Terraform command spends: terraform's own, or the provider processes it starts. bench/terraform.ts
 * measures both together (terraform and the children it waited for); this splits them, by running the provider
 * through /usr/bin/time, which appends each provider process's user and system time to a file. Terraform finds
 * the provider through `dev_overrides` (a wrapper script in a folder of its own), so nothing is installed and no
 * lock file is involved. The same commands on as many terraform_data give the baseline, where all the CPU is
 * terraform's.
 *
 *   node dist/bench/run.js terraform-split [--resources N] [--runs R] [--executable PATH]
 *
 * `--executable`: the provider to run, by default the release's executable for this platform (dist/release).
 * What this answers: how much of a command's cost is terraform's own work with a plugin (the gRPC client, the
 * msgpack values of each resource's schema, state), which no provider, in any language, can remove.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './common';
import { BENCH_SCOPE } from './terraform';

const TIME = '/usr/bin/time';
const COMMANDS = ['apply', 'plan', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

export interface SplitFigures {
  wall_ms: number;
  /** terraform's CPU and its waited-for children's (the provider processes). */
  cpu_ms: number;
  provider_cpu_ms: number;
  terraform_cpu_ms: number;
  provider_starts: number;
}

export interface SplitResult {
  resources: number;
  runs: number;
  executable: string;
  /** Medians per command, for keyplane_api_key and for terraform_data. */
  commands: Record<Command, { keyplane: SplitFigures; terraform_data: SplitFigures }>;
}

function cpuOf(line: string): number {
  const [user, system] = line.trim().split(/\s+/).slice(-2).map(Number);
  return ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
}

export function benchTerraformSplit(opts: { url: string; admin: string; resources: number; runs: number; executable: string }): SplitResult {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to split the CPU (Debian: apt-get install time)`);
  const root = mkdtempSync(join(tmpdir(), 'keyplane-bench-split-'));
  try {
    const providerCpu = join(root, 'provider-cpu');
    const terraformCpu = join(root, 'terraform-cpu');
    const overrides = join(root, 'provider');
    mkdirSync(overrides);
    writeFileSync(join(overrides, 'terraform-provider-keyplane'), `#!/bin/sh\nexec ${TIME} -a -o '${providerCpu}' -f '%U %S' '${opts.executable}' "$@"\n`, {
      mode: 0o755,
    });
    const rc = join(root, 'cli.tfrc');
    writeFileSync(rc, `provider_installation {\n  dev_overrides {\n    "keyplane/keyplane" = "${overrides}"\n  }\n  direct {}\n}\n`);
    const keyplane = join(root, 'keyplane');
    const builtin = join(root, 'terraform_data');
    mkdirSync(keyplane);
    mkdirSync(builtin);
    writeFileSync(
      join(keyplane, 'main.tf'),
      `terraform {\n  required_providers {\n    keyplane = { source = "keyplane/keyplane" }\n  }\n}\n\nprovider "keyplane" {}\n\nresource "keyplane_api_key" "k" {\n  count  = ${opts.resources}\n  name   = "split-\${count.index}"\n  scopes = ["${BENCH_SCOPE}"]\n  labels = { bench = "split" }\n}\n`,
    );
    writeFileSync(join(builtin, 'main.tf'), `resource "terraform_data" "d" {\n  count = ${opts.resources}\n  input = "bench-\${count.index}"\n}\n`);
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
    const args: Record<Command, string[]> = {
      apply: ['apply', '-auto-approve', '-input=false', '-no-color'],
      plan: ['plan', '-input=false', '-no-color'],
      destroy: ['destroy', '-auto-approve', '-input=false', '-no-color'],
    };
    const run = (dir: string, command: Command): SplitFigures => {
      rmSync(providerCpu, { force: true });
      const started = process.hrtime.bigint();
      const r = spawnSync(TIME, ['-f', '%U %S', '-o', terraformCpu, 'terraform', `-chdir=${dir}`, ...args[command]], {
        env,
        encoding: 'utf8',
        maxBuffer: 256 << 20,
      });
      const wall_ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (r.status !== 0) throw new Error(`terraform ${command} in ${dir} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
      const cpu_ms = cpuOf(readFileSync(terraformCpu, 'utf8'));
      const lines = existsSync(providerCpu) ? readFileSync(providerCpu, 'utf8').trim().split('\n').filter(Boolean) : [];
      const provider_cpu_ms = lines.reduce((sum, line) => sum + cpuOf(line), 0);
      return { wall_ms, cpu_ms, provider_cpu_ms, terraform_cpu_ms: cpu_ms - provider_cpu_ms, provider_starts: lines.length };
    };
    const sides = [keyplane, builtin];
    // One untimed cycle each, then the timed ones, the two sides alternating.
    for (const dir of sides) for (const c of COMMANDS) run(dir, c);
    const figures = sides.map(() => Object.fromEntries(COMMANDS.map((c) => [c, [] as SplitFigures[]])) as Record<Command, SplitFigures[]>);
    for (let i = 0; i < opts.runs; i++) for (const c of COMMANDS) for (let k = 0; k < sides.length; k++) figures[k]![c].push(run(sides[k]!, c));
    const med = (xs: SplitFigures[]): SplitFigures => ({
      wall_ms: median(xs.map((x) => x.wall_ms)),
      cpu_ms: median(xs.map((x) => x.cpu_ms)),
      provider_cpu_ms: median(xs.map((x) => x.provider_cpu_ms)),
      terraform_cpu_ms: median(xs.map((x) => x.terraform_cpu_ms)),
      provider_starts: median(xs.map((x) => x.provider_starts)),
    });
    const commands = Object.fromEntries(
      COMMANDS.map((c) => [c, { keyplane: med(figures[0]![c]), terraform_data: med(figures[1]![c]) }]),
    ) as SplitResult['commands'];
    return { resources: opts.resources, runs: opts.runs, executable: opts.executable, commands };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function describeSplit(r: SplitResult): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(8);
  const lines = [
    `CPU of terraform apply, plan (refresh included) and destroy of ${r.resources} keyplane_api_key, split between terraform and the provider processes, against ${r.resources} terraform_data; medians of ${r.runs} alternating runs (${r.executable})`,
    '  command  side              wall      CPU   of which terraform   provider (starts)   terraform CPU / terraform_data CPU',
  ];
  for (const c of COMMANDS) {
    const { keyplane: k, terraform_data: d } = r.commands[c];
    lines.push(
      `  ${c.padEnd(8)} keyplane_api_key ${ms(k.wall_ms)} ${ms(k.cpu_ms)}   ${ms(k.terraform_cpu_ms)}          ${ms(k.provider_cpu_ms)} (${k.provider_starts})   ${(k.terraform_cpu_ms / d.cpu_ms).toFixed(2)}x`,
      `  ${''.padEnd(8)} terraform_data   ${ms(d.wall_ms)} ${ms(d.cpu_ms)}   ${ms(d.terraform_cpu_ms)}`,
    );
  }
  return lines.join('\n');
}

/**
 * Whose CPU a Terraform command spends: terraform's own, or the provider processes it starts. bench/terraform.ts
 * measures both together (terraform and the children it waited for); this splits them, by running the provider
 * through /usr/bin/time, which appends each provider process's user and system time to a file. Terraform finds
 * the provider through `dev_overrides` (a wrapper script in a folder of its own), so nothing is installed and no
 * lock file is involved. The same commands on as many terraform_data give the baseline, where all the CPU is
 * terraform's.
 *
 *   node dist/bench/run.js terraform-split [--resources N] [--runs R] [--executable PATH]...
 *
 * `--executable`: the provider to run, by default the release's executable for this platform (dist/release);
 * repeated, each runs in a workspace of its own, all in one rotation, so that two builds (say a release of an
 * earlier commit) compare on a noisy machine by the provider's CPU alone.
 * What this answers: how much of a command's cost is terraform's own work with a plugin (the gRPC client, the
 * msgpack values of each resource's schema, state), which no provider, in any language, can remove.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './common';
import { COMMAND_ARGS, COMMANDS, type Command, TIME, cpuOf, keyplaneConfig, terraform, terraformDataConfig, terraformEnv } from './terraform';

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
  executables: string[];
  /** Medians per command: for keyplane_api_key one entry per executable, and terraform_data's. */
  commands: Record<Command, { keyplane: SplitFigures[]; terraform_data: SplitFigures }>;
}

export function benchTerraformSplit(opts: { url: string; admin: string; resources: number; runs: number; executables: string[] }): SplitResult {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to split the CPU (Debian: apt-get install time)`);
  const root = mkdtempSync(join(tmpdir(), 'keyplane-bench-split-'));
  try {
    const providerCpu = join(root, 'provider-cpu');
    const env = terraformEnv(opts.url, opts.admin);
    // One workspace per executable, each finding its provider through dev_overrides: a wrapper that runs it
    // under /usr/bin/time, which appends each process's CPU to providerCpu.
    const sides = opts.executables.map((executable, i) => {
      const dir = join(root, `keyplane-${i + 1}`);
      const overrides = join(dir, 'provider');
      const workspace = join(dir, 'workspace');
      mkdirSync(overrides, { recursive: true });
      mkdirSync(workspace);
      const wrapper = `#!/bin/sh\nexec ${TIME} -a -o '${providerCpu}' -f '%U %S' '${executable}' "$@"\n`;
      writeFileSync(join(overrides, 'terraform-provider-keyplane'), wrapper, { mode: 0o755 });
      const rc = join(dir, 'cli.tfrc');
      writeFileSync(rc, `provider_installation {\n  dev_overrides {\n    "keyplane/keyplane" = "${overrides}"\n  }\n  direct {}\n}\n`);
      writeFileSync(join(workspace, 'main.tf'), keyplaneConfig('keyplane_api_key', opts.resources, `split-${i + 1}`));
      return { dir: workspace, env: { ...env, TF_CLI_CONFIG_FILE: rc } as NodeJS.ProcessEnv };
    });
    const builtin = join(root, 'terraform_data');
    mkdirSync(builtin);
    writeFileSync(join(builtin, 'main.tf'), terraformDataConfig(opts.resources));
    sides.push({ dir: builtin, env });
    const run = (side: (typeof sides)[number], command: Command): SplitFigures => {
      rmSync(providerCpu, { force: true });
      const { ms: wall_ms, cpu_ms } = terraform(side.dir, COMMAND_ARGS[command], side.env);
      const lines = existsSync(providerCpu) ? readFileSync(providerCpu, 'utf8').trim().split('\n').filter(Boolean) : [];
      const provider_cpu_ms = lines.reduce((sum, line) => sum + cpuOf(line), 0);
      return { wall_ms, cpu_ms, provider_cpu_ms, terraform_cpu_ms: cpu_ms - provider_cpu_ms, provider_starts: lines.length };
    };
    // One untimed cycle each, then the timed ones: each run an apply, plan and destroy of every side, which
    // side goes first rotating from run to run.
    for (const side of sides) for (const c of COMMANDS) run(side, c);
    const figures = sides.map(() => Object.fromEntries(COMMANDS.map((c) => [c, [] as SplitFigures[]])) as Record<Command, SplitFigures[]>);
    for (let i = 0; i < opts.runs; i++) {
      for (let k = 0; k < sides.length; k++) {
        const at = (i + k) % sides.length;
        for (const c of COMMANDS) figures[at]![c].push(run(sides[at]!, c));
      }
    }
    const med = (xs: SplitFigures[]): SplitFigures => ({
      wall_ms: median(xs.map((x) => x.wall_ms)),
      cpu_ms: median(xs.map((x) => x.cpu_ms)),
      provider_cpu_ms: median(xs.map((x) => x.provider_cpu_ms)),
      terraform_cpu_ms: median(xs.map((x) => x.terraform_cpu_ms)),
      provider_starts: median(xs.map((x) => x.provider_starts)),
    });
    const last = sides.length - 1;
    const commands = Object.fromEntries(
      COMMANDS.map((c) => [c, { keyplane: figures.slice(0, last).map((f) => med(f[c])), terraform_data: med(figures[last]![c]) }]),
    ) as SplitResult['commands'];
    return { resources: opts.resources, runs: opts.runs, executables: opts.executables, commands };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function describeSplit(r: SplitResult): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(8);
  const lines = [
    `CPU of terraform apply, plan (refresh included) and destroy of ${r.resources} keyplane_api_key, split between terraform and the provider processes, against ${r.resources} terraform_data; medians of ${r.runs} rotating runs`,
    ...r.executables.map((e, i) => `  keyplane ${i + 1}: ${e}`),
    '  command  side                wall      CPU   of which terraform   provider (starts)   terraform CPU / terraform_data CPU',
  ];
  for (const c of COMMANDS) {
    const { keyplane, terraform_data: d } = r.commands[c];
    keyplane.forEach((k, i) => {
      const side = `keyplane ${i + 1}`.padEnd(16);
      lines.push(
        `  ${(i === 0 ? c : '').padEnd(8)} ${side} ${ms(k.wall_ms)} ${ms(k.cpu_ms)}   ${ms(k.terraform_cpu_ms)}          ${ms(k.provider_cpu_ms)} (${k.provider_starts})   ${(k.terraform_cpu_ms / d.cpu_ms).toFixed(2)}x`,
      );
    });
    lines.push(`  ${''.padEnd(8)} ${'terraform_data'.padEnd(16)} ${ms(d.wall_ms)} ${ms(d.cpu_ms)}   ${ms(d.terraform_cpu_ms)}`);
  }
  return lines.join('\n');
}

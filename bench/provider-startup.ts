/**
 * Provider start-up, the cost Terraform pays 3–5 times per command: a bundled provider executable is
 * spawned as Terraform spawns it (the file itself, through its `#!/usr/bin/env node` line, with the
 * environment go-plugin sets and a client certificate for AutoMTLS), and timed
 *
 *   - from spawn to the handshake line on stdout, as a ratio to spawning `node -e 0` to its exit, measured
 *     in the same run with the two alternating (target ≤ 1.5×; hashicorp/aws, a large Go provider, is ≈2.6×);
 *   - from the handshake to the answer of the first GetProviderSchema over mTLS (dial, TLS with client
 *     certificates both ways, the server's lazy gRPC start, the call), then a warm GetProviderSchema;
 *     spawn to that first answer is the whole start-up Terraform waits for, and is compared to `node -e 0` too;
 *   - from GRPCController.Shutdown to the process exit.
 *
 * Several executables are measured in one rotation, against several baselines, each one's `-e 0`: by default
 * the Keyplane provider's builds side by side (bench/provider-builds.ts): the dev build through its launcher,
 * whose Node is the one running the bench (baseline `node`), and the release's single executable when
 * dist/release holds a current one, whose embedded Node (baseline `runtime`, taken out of the runtime package
 * in dist/release-cache) is what its `-e 0` would cost: the executable itself cannot run `-e`, it runs its own
 * script whatever its arguments. `--baseline NODE` adds another Node binary.
 *
 * The bench is the client here (test/helpers/plugin-client.ts): its own grpc-js is warmed up before the
 * first timed run, so the figures are the provider's. Build first (`npm run build`), then
 *
 *   node dist/bench/run.js provider [--runs N] [--provider dev,release] [--release DIR] [--executable PATH]... [--baseline NODE]...
 *   node dist/bench/provider-startup.js  (the same options)
 *
 * `--executable` measures other files instead (e.g. the transport's test provider,
 * dist/test/fixtures/transport-provider/terraform-provider-transport, whose schema is empty).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVersion } from '../cli/version';
import { generateServerCertificate } from '../provider/sdk/transport/certificate';
import { call, dialPlugin, launchPlugin, shutdownPlugin } from '../test/helpers/plugin-client';
import { median } from './common';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { DEFAULT_RELEASE_DIR, embeddedRuntime, releaseExecutable, selectProviderBuilds, writeDevLauncher } from './provider-builds';

/** An executable measured, by name. */
export interface StartupSubject {
  label: string;
  executable: string;
}

/** A Node binary whose `-e 0` (spawn to exit) the start-ups are read against. */
export interface StartupBaseline {
  label: string;
  node: string;
}

export interface SubjectResult extends StartupSubject {
  /** Medians in milliseconds. */
  handshake_ms: number;
  first_schema_ms: number;
  spawn_to_first_schema_ms: number;
  warm_schema_ms: number;
  shutdown_to_exit_ms: number;
  /** Spawn to handshake and spawn to the first GetProviderSchema answer, over each baseline's `-e 0`, by label. */
  ratios: Record<string, { handshake: number; first_schema: number; first_validate: number }>;
  /** Every run, for the record. */
  samples: { handshake_ms: number[]; first_schema_ms: number[]; warm_schema_ms: number[]; shutdown_to_exit_ms: number[]; spawn_to_first_validate_ms: number[] };
  /**
   * Spawn to the answer of a ValidateProviderConfig sent first, in a process of its own: what Terraform's
   * later starts of a command do first (GetProviderSchema is cached by then), and the first call that needs
   * the provider's server, where the schema alone may be answered without it.
   */
  spawn_to_first_validate_ms: number;
}

export interface ProviderStartupResult {
  runs: number;
  baselines: (StartupBaseline & { version: string; e0_ms: number; samples: number[] })[];
  subjects: SubjectResult[];
}

const round = (n: number) => Number(n.toFixed(2));

/** `NODE -e 0`: spawn to exit, the floor any process of that Node pays. */
function nodeE0(node: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

/**
 * The provider's configuration with every attribute null and every block absent, in msgpack as Terraform
 * sends it: from the provider block of a GetProviderSchema response.
 */
function emptyProviderConfig(schema: {
  provider?: { block?: { attributes?: { name: string }[]; block_types?: { type_name: string; nesting: string }[] } };
}): Buffer {
  const block = schema.provider?.block ?? {};
  const value: Record<string, unknown> = {};
  for (const a of block.attributes ?? []) value[a.name] = null;
  for (const b of block.block_types ?? []) value[b.type_name] = b.nesting === 'LIST' || b.nesting === 'SET' ? [] : b.nesting === 'MAP' ? {} : null;
  return Buffer.from(encodeMsgpack(value));
}

/** Spawn to the answer of a first ValidateProviderConfig (SubjectResult.spawn_to_first_validate_ms). */
async function validateRun(executable: string, config: Buffer): Promise<number> {
  const clientCertificate = generateServerCertificate();
  const started = performance.now();
  const plugin = await launchPlugin(executable, { clientCertificate });
  const clients = dialPlugin(plugin);
  const res = await call<{ diagnostics: { severity: string; summary: string }[] }>(clients.provider, 'ValidateProviderConfig', { config: { msgpack: config } });
  const answered = performance.now() - started;
  const errors = res.diagnostics.filter((d) => d.severity === 'ERROR');
  if (errors.length > 0) throw new Error(`${executable}: ValidateProviderConfig of an empty configuration failed: ${errors.map((d) => d.summary).join('; ')}`);
  await shutdownPlugin(plugin, clients);
  return answered;
}

async function providerRun(executable: string) {
  const clientCertificate = generateServerCertificate();
  const plugin = await launchPlugin(executable, { clientCertificate });
  const clients = dialPlugin(plugin);
  const t0 = performance.now();
  const schema = await call<Parameters<typeof emptyProviderConfig>[0]>(clients.provider, 'GetProviderSchema', {});
  const firstSchema = performance.now() - t0;
  const t1 = performance.now();
  await call(clients.provider, 'GetProviderSchema', {});
  const warmSchema = performance.now() - t1;
  const t2 = performance.now();
  const exit = await shutdownPlugin(plugin, clients);
  const shutdown = performance.now() - t2;
  if (exit.code !== 0) throw new Error(`${executable} exited with ${exit.code ?? exit.signal} after Shutdown; stderr: ${plugin.stderr()}`);
  if (plugin.stdout() !== `${plugin.handshake.line}\n`)
    throw new Error(`${executable} wrote to stdout after its handshake: ${JSON.stringify(plugin.stdout())}`);
  return { handshake: plugin.handshakeMs, firstSchema, warmSchema, shutdown, config: emptyProviderConfig(schema) };
}

export async function benchProviderStartup(options: {
  runs?: number;
  subjects: StartupSubject[];
  baselines: StartupBaseline[];
}): Promise<ProviderStartupResult> {
  const runs = Math.max(1, options.runs ?? 25);
  const { subjects, baselines } = options;
  // Warm-up, untimed: this process's grpc-js, the page cache, the first TLS handshake.
  for (const b of baselines) await nodeE0(b.node);
  const configs: Buffer[] = [];
  for (const s of subjects) {
    configs.push((await providerRun(s.executable)).config);
    await validateRun(s.executable, configs[configs.length - 1]!);
  }
  const e0 = baselines.map((): number[] => []);
  const samples = subjects.map((): SubjectResult['samples'] => ({
    handshake_ms: [],
    first_schema_ms: [],
    warm_schema_ms: [],
    shutdown_to_exit_ms: [],
    spawn_to_first_validate_ms: [],
  }));
  const steps: (() => Promise<void>)[] = [
    ...baselines.map((b, i) => async () => void e0[i]!.push(await nodeE0(b.node))),
    ...subjects.map((s, i) => async () => {
      const r = await providerRun(s.executable);
      samples[i]!.handshake_ms.push(r.handshake);
      samples[i]!.first_schema_ms.push(r.firstSchema);
      samples[i]!.warm_schema_ms.push(r.warmSchema);
      samples[i]!.shutdown_to_exit_ms.push(r.shutdown);
    }),
    ...subjects.map((s, i) => async () => void samples[i]!.spawn_to_first_validate_ms.push(await validateRun(s.executable, configs[i]!))),
  ];
  // Rotate which goes first, so a slow moment on the machine does not always hit the same one.
  for (let i = 0; i < runs; i++) for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
  const floors = baselines.map((b, i) => ({
    ...b,
    version: spawnSync(b.node, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    e0_ms: round(median(e0[i]!)),
    samples: e0[i]!.map(round),
  }));
  return {
    runs,
    baselines: floors,
    subjects: subjects.map((s, i) => {
      const x = samples[i]!;
      const handshake = median(x.handshake_ms);
      const spawnToSchema = median(x.handshake_ms.map((h, j) => h + x.first_schema_ms[j]!));
      return {
        ...s,
        handshake_ms: round(handshake),
        first_schema_ms: round(median(x.first_schema_ms)),
        spawn_to_first_schema_ms: round(spawnToSchema),
        warm_schema_ms: round(median(x.warm_schema_ms)),
        shutdown_to_exit_ms: round(median(x.shutdown_to_exit_ms)),
        spawn_to_first_validate_ms: round(median(x.spawn_to_first_validate_ms)),
        ratios: Object.fromEntries(
          floors.map((b) => [
            b.label,
            {
              handshake: round(handshake / b.e0_ms),
              first_schema: round(spawnToSchema / b.e0_ms),
              first_validate: round(median(x.spawn_to_first_validate_ms) / b.e0_ms),
            },
          ]),
        ),
        samples: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.map(round)])) as SubjectResult['samples'],
      };
    }),
  };
}

export function describeResult(r: ProviderStartupResult): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`.padStart(9);
  const ratios = (s: SubjectResult, k: 'handshake' | 'first_schema' | 'first_validate') =>
    r.baselines.map((b) => `${s.ratios[b.label]![k].toFixed(2)}x ${b.label}`).join(', ');
  return [
    `provider start-up, median of ${r.runs} alternating runs each`,
    ...r.baselines.map((b) => `  ${`${b.label} -e 0`.padEnd(16)} spawn to exit ${ms(b.e0_ms)}   (${b.node}, ${b.version})`),
    ...r.subjects.flatMap((s) => [
      `  ${s.label}: ${s.executable}`,
      `    spawn to handshake line                      ${ms(s.handshake_ms)} = ${ratios(s, 'handshake')}`,
      `    handshake to first GetProviderSchema (mTLS)  ${ms(s.first_schema_ms)}`,
      `    spawn to first GetProviderSchema answer      ${ms(s.spawn_to_first_schema_ms)} = ${ratios(s, 'first_schema')}`,
      `    warm GetProviderSchema                       ${ms(s.warm_schema_ms)}`,
      `    Shutdown to process exit                     ${ms(s.shutdown_to_exit_ms)}`,
      `    spawn to first ValidateProviderConfig answer ${ms(s.spawn_to_first_validate_ms)} = ${ratios(s, 'first_validate')}   (another process)`,
    ]),
  ].join('\n');
}

/**
 * What the command line asks to measure, made ready in `work` (a temporary folder the caller removes):
 * `--executable PATH` (repeatable) or the builds `--provider` names (bench/provider-builds.ts); the baselines
 * are this Node, the release's embedded Node when the release is measured and its package is cached, and
 * every `--baseline NODE`.
 */
export function startupPlan(argv: string[], work: string): { subjects: StartupSubject[]; baselines: StartupBaseline[] } {
  const all = (name: string) => argv.flatMap((a, i) => (a === `--${name}` && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
  const executables = all('executable');
  const releaseDir = all('release')[0] ?? DEFAULT_RELEASE_DIR;
  const builds = executables.length > 0 ? [] : selectProviderBuilds(all('provider')[0], releaseDir);
  const subjects: StartupSubject[] = [
    ...executables.map((executable, i) => ({ label: `executable ${i + 1}`, executable })),
    ...builds.map((b) => ({
      label: b,
      executable: b === 'dev' ? writeDevLauncher(join(work, b), packageVersion()) : releaseExecutable(releaseDir, join(work, b)),
    })),
  ];
  const runtime = builds.includes('release') ? embeddedRuntime(work) : undefined;
  if (builds.includes('release') && !runtime)
    process.stderr.write('note: the runtime package is not in dist/release-cache: no baseline of the embedded Node\n');
  const baselines: StartupBaseline[] = [
    { label: 'node', node: process.execPath },
    ...(runtime ? [{ label: 'runtime', node: runtime.node }] : []),
    ...all('baseline').map((node, i) => ({ label: `baseline${i + 1}`, node })),
  ];
  return { subjects, baselines };
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'keyplane-bench-startup-'));
  const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : undefined;
  Promise.resolve()
    .then(() => benchProviderStartup({ runs, ...startupPlan(process.argv, work) }))
    .then(
      (r) => {
        console.log(`node ${process.version}, ${cpus().length} CPUs, ${cpus()[0]?.model}`);
        console.log(describeResult(r));
      },
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    )
    .finally(() => rmSync(work, { recursive: true, force: true }));
}

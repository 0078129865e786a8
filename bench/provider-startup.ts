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
 * `node -e 0` is the Node running the bench; `--baseline NODE` adds another Node binary's `-e 0`, measured in
 * the same rotation: for a single executable application, the Node version it embeds (the SEA itself cannot
 * run `-e`: it runs its own script whatever its arguments).
 *
 * The bench is the client here (test/helpers/plugin-client.ts): its own grpc-js is warmed up before the
 * first timed run, so the figures are the provider's. Build first (`npm run build`), then
 *
 *   node dist/bench/run.js provider [--runs N] [--executable PATH] [--baseline NODE]
 *   node dist/bench/provider-startup.js [--runs N] [--executable PATH] [--baseline NODE]
 *
 * The default executable is the transport's test provider (empty schema); pass another to measure it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { generateServerCertificate } from '../provider/sdk/transport/certificate';
import { call, dialPlugin, launchPlugin, shutdownPlugin } from '../test/helpers/plugin-client';
import { median } from './common';

const DIST = join(__dirname, '..');
const DEFAULT_EXECUTABLE = join(DIST, 'test/fixtures/transport-provider/terraform-provider-transport');

export interface ProviderStartupResult {
  executable: string;
  runs: number;
  /** Medians in milliseconds. */
  node_e0_ms: number;
  handshake_ms: number;
  handshake_ratio: number;
  first_schema_ms: number;
  spawn_to_first_schema_ms: number;
  /** Spawn to the first GetProviderSchema answer over `node -e 0`. */
  first_schema_ratio: number;
  /** `--baseline NODE`: that binary's `-e 0`, and the two start-ups as ratios to it. */
  baseline?: { node: string; version: string; e0_ms: number; handshake_ratio: number; first_schema_ratio: number; samples: number[] };
  warm_schema_ms: number;
  shutdown_to_exit_ms: number;
  /** Every run, for the record. */
  samples: { node_e0_ms: number[]; handshake_ms: number[]; first_schema_ms: number[]; warm_schema_ms: number[]; shutdown_to_exit_ms: number[] };
}

const round = (n: number) => Number(n.toFixed(2));

/** `node -e 0`: spawn to exit, the floor any Node process pays. */
function nodeE0(node = process.execPath): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

async function providerRun(executable: string) {
  const clientCertificate = generateServerCertificate();
  const plugin = await launchPlugin(executable, { clientCertificate });
  const clients = dialPlugin(plugin);
  const t0 = performance.now();
  await call(clients.provider, 'GetProviderSchema', {});
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
  return { handshake: plugin.handshakeMs, firstSchema, warmSchema, shutdown };
}

export async function benchProviderStartup(options: { runs?: number; executable?: string; baseline?: string } = {}): Promise<ProviderStartupResult> {
  const runs = Math.max(1, options.runs ?? 25);
  const executable = options.executable ?? DEFAULT_EXECUTABLE;
  const { baseline } = options;
  // Warm-up, untimed: this process's grpc-js, the page cache, the first TLS handshake.
  await nodeE0();
  if (baseline) await nodeE0(baseline);
  await providerRun(executable);
  const samples: ProviderStartupResult['samples'] = { node_e0_ms: [], handshake_ms: [], first_schema_ms: [], warm_schema_ms: [], shutdown_to_exit_ms: [] };
  const baselineSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Rotate which goes first, so a slow moment on the machine does not always hit the same one.
    const steps: (() => Promise<void>)[] = [
      async () => void samples.node_e0_ms.push(await nodeE0()),
      async () => {
        const r = await providerRun(executable);
        samples.handshake_ms.push(r.handshake);
        samples.first_schema_ms.push(r.firstSchema);
        samples.warm_schema_ms.push(r.warmSchema);
        samples.shutdown_to_exit_ms.push(r.shutdown);
      },
      ...(baseline ? [async () => void baselineSamples.push(await nodeE0(baseline))] : []),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
  }
  const m = (xs: number[]) => round(median(xs));
  const handshake = median(samples.handshake_ms);
  const node = median(samples.node_e0_ms);
  const spawnToSchema = median(samples.handshake_ms.map((h, i) => h + samples.first_schema_ms[i]!));
  const other = baseline ? median(baselineSamples) : undefined;
  return {
    executable,
    runs,
    node_e0_ms: round(node),
    handshake_ms: round(handshake),
    handshake_ratio: round(handshake / node),
    first_schema_ms: m(samples.first_schema_ms),
    spawn_to_first_schema_ms: round(spawnToSchema),
    first_schema_ratio: round(spawnToSchema / node),
    ...(baseline && other !== undefined
      ? {
          baseline: {
            node: baseline,
            version: spawnSync(baseline, ['--version'], { encoding: 'utf8' }).stdout.trim(),
            e0_ms: round(other),
            handshake_ratio: round(handshake / other),
            first_schema_ratio: round(spawnToSchema / other),
            samples: baselineSamples.map(round),
          },
        }
      : {}),
    warm_schema_ms: m(samples.warm_schema_ms),
    shutdown_to_exit_ms: m(samples.shutdown_to_exit_ms),
    samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(round)])) as ProviderStartupResult['samples'],
  };
}

export function describeResult(r: ProviderStartupResult): string {
  const b = r.baseline;
  return [
    `provider start-up: ${r.executable}, median of ${r.runs} runs each`,
    `  node -e 0 (spawn to exit)                    ${r.node_e0_ms.toFixed(1)} ms (${process.version})`,
    ...(b ? [`  baseline -e 0 (spawn to exit)                ${b.e0_ms.toFixed(1)} ms (${b.node}, ${b.version})`] : []),
    `  spawn to handshake line                      ${r.handshake_ms.toFixed(1)} ms = ${r.handshake_ratio.toFixed(2)}x node -e 0${b ? `, ${b.handshake_ratio.toFixed(2)}x baseline` : ''} (target <= 1.5x; hashicorp/aws ~2.6x)`,
    `  handshake to first GetProviderSchema (mTLS)  ${r.first_schema_ms.toFixed(1)} ms`,
    `  spawn to first GetProviderSchema answer      ${r.spawn_to_first_schema_ms.toFixed(1)} ms = ${r.first_schema_ratio.toFixed(2)}x node -e 0${b ? `, ${b.first_schema_ratio.toFixed(2)}x baseline` : ''}`,
    `  warm GetProviderSchema                       ${r.warm_schema_ms.toFixed(2)} ms`,
    `  Shutdown to process exit                     ${r.shutdown_to_exit_ms.toFixed(1)} ms`,
  ].join('\n');
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const runs = arg('runs') === undefined ? undefined : Number(arg('runs'));
  benchProviderStartup({ runs, executable: arg('executable'), baseline: arg('baseline') }).then(
    (r) => {
      console.log(`node ${process.version}, ${cpus().length} CPUs, ${cpus()[0]?.model}`);
      console.log(describeResult(r));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

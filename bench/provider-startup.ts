/**
 * Provider start-up, the cost Terraform pays 3–5 times per command: a bundled provider executable is
 * spawned as Terraform spawns it (the file itself, through its `#!/usr/bin/env node` line, with the
 * environment go-plugin sets and a client certificate for AutoMTLS), and timed
 *
 *   - from spawn to the handshake line on stdout, as a ratio to spawning `node -e 0` to its exit, measured
 *     in the same run with the two alternating (target ≤ 1.5×; hashicorp/aws, a large Go provider, is ≈2.6×);
 *   - from the handshake to the answer of the first GetProviderSchema over mTLS (dial, TLS with client
 *     certificates both ways, the server's lazy gRPC start, the call), then a warm GetProviderSchema;
 *   - from GRPCController.Shutdown to the process exit.
 *
 * The bench is the client here (test/helpers/plugin-client.ts): its own grpc-js is warmed up before the
 * first timed run, so the figures are the provider's. Build first (`npm run build`), then
 *
 *   node dist/bench/run.js provider [--runs N] [--executable PATH]
 *   node dist/bench/provider-startup.js [--runs N] [--executable PATH]
 *
 * The default executable is the transport's test provider (empty schema); pass another to measure it.
 */
import { spawn } from 'node:child_process';
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
  warm_schema_ms: number;
  shutdown_to_exit_ms: number;
  /** Every run, for the record. */
  samples: { node_e0_ms: number[]; handshake_ms: number[]; first_schema_ms: number[]; warm_schema_ms: number[]; shutdown_to_exit_ms: number[] };
}

const round = (n: number) => Number(n.toFixed(2));

/** `node -e 0`: spawn to exit, the floor any Node process pays. */
function nodeE0(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
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

export async function benchProviderStartup(options: { runs?: number; executable?: string } = {}): Promise<ProviderStartupResult> {
  const runs = Math.max(1, options.runs ?? 25);
  const executable = options.executable ?? DEFAULT_EXECUTABLE;
  // Warm-up, untimed: this process's grpc-js, the page cache, the first TLS handshake.
  await nodeE0();
  await providerRun(executable);
  const samples: ProviderStartupResult['samples'] = { node_e0_ms: [], handshake_ms: [], first_schema_ms: [], warm_schema_ms: [], shutdown_to_exit_ms: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so a slow moment on the machine does not always hit the same one.
    const base = i % 2 ? undefined : await nodeE0();
    const r = await providerRun(executable);
    samples.node_e0_ms.push(base ?? (await nodeE0()));
    samples.handshake_ms.push(r.handshake);
    samples.first_schema_ms.push(r.firstSchema);
    samples.warm_schema_ms.push(r.warmSchema);
    samples.shutdown_to_exit_ms.push(r.shutdown);
  }
  const m = (xs: number[]) => round(median(xs));
  const handshake = median(samples.handshake_ms);
  const node = median(samples.node_e0_ms);
  const spawnToSchema = samples.handshake_ms.map((h, i) => h + samples.first_schema_ms[i]!);
  return {
    executable,
    runs,
    node_e0_ms: round(node),
    handshake_ms: round(handshake),
    handshake_ratio: round(handshake / node),
    first_schema_ms: m(samples.first_schema_ms),
    spawn_to_first_schema_ms: m(spawnToSchema),
    warm_schema_ms: m(samples.warm_schema_ms),
    shutdown_to_exit_ms: m(samples.shutdown_to_exit_ms),
    samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(round)])) as ProviderStartupResult['samples'],
  };
}

export function describeResult(r: ProviderStartupResult): string {
  return [
    `provider start-up: ${r.executable}, median of ${r.runs} runs each`,
    `  node -e 0 (spawn to exit)                    ${r.node_e0_ms.toFixed(1)} ms`,
    `  spawn to handshake line                      ${r.handshake_ms.toFixed(1)} ms = ${r.handshake_ratio.toFixed(2)}x node -e 0 (target <= 1.5x; hashicorp/aws ~2.6x)`,
    `  handshake to first GetProviderSchema (mTLS)  ${r.first_schema_ms.toFixed(1)} ms (spawn to first answer ${r.spawn_to_first_schema_ms.toFixed(1)} ms)`,
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
  benchProviderStartup({ runs, executable: arg('executable') }).then(
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

/**
 * Benchmarks, outside the test suite. Build first (`npm run build`), then:
 *
 *   node dist/bench/run.js [verify|create|provider|terraform|terraform-keys|terraform-split|secrets|admin-deletes|all] [--duration S] [--connections N]
 *                          [--rounds R] [--rate RPS] [--floor] [--create-seconds S] [--clients N] [--runs N] [--resources N] [--provider dev,release] [--release DIR]
 *                          [--executable PATH]... [--baseline NODE]... [--no-pin] [--cpu-prof DIR] [--provider-cpu-prof DIR] [--tf-log DIR] [--log-level LEVEL]
 *
 * --cpu-prof DIR: each Keyplane service process writes a V8 CPU profile into DIR when it stops;
 * `node dist/bench/profile-top.js DIR/<file>.cpuprofile` lists where its time went.
 * --rate takes a comma-separated list (default 1000,5000).
 *
 * verify: POST /v1/keys/verify over loopback, driven by autocannon (in this process) against the embedded
 *         SQLite service and against a bare Fastify route answering the same JSON, each server in a process
 *         of its own. The two alternate in rounds so that noise from elsewhere on the machine hits both;
 *         the figure is the ratio of their median throughputs. Then the latency of each at a fixed,
 *         moderate request rate, which is what a caller sees when the service is not saturated.
 * create: keys created per second through the API by concurrent clients, on SQLite, on PostgreSQL (one
 *         node) and on PostgreSQL with two nodes, each against a fresh store; every acknowledged key is
 *         counted in the store afterwards.
 * provider: start-up of the Keyplane provider (bench/provider-startup.ts): spawn to handshake and to the first
 *         GetProviderSchema answer over mTLS, as ratios to `node -e 0`; --runs (default 25) per side;
 *         --provider dev,release (default: both when dist/release, or --release DIR, holds a current release)
 *         runs the dev build through its launcher and the released single executable in one rotation, against
 *         this Node's `-e 0` and the embedded Node's; --executable PATH (repeatable) measures other files
 *         instead, --baseline NODE adds another Node binary's `-e 0`. Never pinned: Terraform does not pin its
 *         providers, and they would inherit this process's CPU.
 *
 * terraform, terraform-keys: `terraform apply`, `plan` and `destroy` of N keyplane_secret (terraform) or
 *         keyplane_api_key (terraform-keys) resources against N terraform_data, the provider installed by
 *         `keyplane provider install` (bench/terraform.ts), its dev build and its release side by side
 *         (--provider and --release as for provider); --resources (20), --runs (10); --provider-cpu-prof DIR
 *         profiles every dev provider process, --tf-log DIR keeps TF_LOG=trace of the Keyplane commands (both slow
 *         the measured side down: for finding where time goes, not for the figures).
 * terraform-split: the CPU of the same keyplane_api_key commands split between terraform itself and the provider
 *         processes it starts (bench/terraform-split.ts); --resources (20), --runs (5), --executable PATH (the
 *         provider to run, repeatable to compare builds; default the release's executable from dist/release or
 *         --release DIR).
 * secrets: --entries (1000) secret-store writes into one secret, one entry per version, on SQLite; the median
 *         latency of the last 50 over the first 50 (bench/secret-writes.ts). Not in `all`.
 * admin-deletes: with --keys (1000) admin keys in the store, --rounds (100) deletes of an admin key against
 *         deletes of a viewer key, alternated; the ratio of their medians (bench/admin-deletes.ts). Not in `all`.
 *
 * With two or more CPUs the servers run on CPU 0 and the load generator on CPU 1 (taskset), so they do
 * not take turns on one core; --no-pin leaves placement to the kernel.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { initialise } from '../service/bootstrap';
import { createContext } from '../service/context';
import { createMasterKeyFile } from '../service/crypto/master-key';
import type { ServerOptions } from '../service/server';
import { DEFAULT_RELEASE_DIR, releaseExecutable, selectProviderBuilds } from './provider-builds';
import { benchTerraformSplit, describeSplit } from './terraform-split';
import { benchProviderStartup, describeResult, startupPlan } from './provider-startup';
import { benchSecretWrites, describeSecretWrites } from './secret-writes';
import { benchAdminDeletes, describeAdminDeletes } from './admin-deletes';
import { BENCH_SCOPE, benchTerraform, describeTerraform } from './terraform';
import { api, median } from './common';

const ROOT = join(__dirname, '../..');
const DIST = join(__dirname, '..');

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const PIN = !flag('no-pin') && cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
const SERVER_CPU = '0';
const LOAD_CPU = '1';

interface Proc {
  child: ChildProcess;
  url: string;
}

const LOG_LEVEL = process.argv.includes('--log-level') ? process.argv[process.argv.indexOf('--log-level') + 1]! : 'info';

/** `--cpu-prof DIR`: the Keyplane service process writes a V8 CPU profile there when it stops (bench/profile-top.ts reads it). */
const CPU_PROF_DIR = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;

/** Starts `node [nodeFlags] script json` (on the server CPU when pinning) and waits for its `{"url": …}` line. */
function startProcess(script: string, options?: unknown, nodeFlags: string[] = []): Promise<Proc> {
  const args = [...nodeFlags, script, ...(options === undefined ? [] : [JSON.stringify(options)])];
  const child = PIN
    ? spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  let listening = false;
  return new Promise((resolve, reject) => {
    // Read to the end (a full pipe would stall the server), keeping nothing once it listens: at info level
    // the service's log lines come this way too, and they are JSON as well.
    child.stdout!.on('data', (d) => {
      if (listening) return;
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (!line) return;
      listening = true;
      out = '';
      resolve({ child, url: JSON.parse(line).url });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening: ${err}`)));
  });
}

function stop(p: Proc): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
  });
}

interface Store {
  dir: string;
  admin: string;
  server: Omit<ServerOptions, 'listen'>;
}

/** A fresh, initialised store: SQLite in a temp dir, or the given PostgreSQL database. */
async function newStore(databaseUrl?: string): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-bench-'));
  const masterKeyFile = join(dir, 'master.key');
  const masterKey = createMasterKeyFile(masterKeyFile);
  const ctx = await createContext({ databaseUrl, sqlitePath: join(dir, 'keyplane.db'), masterKey });
  try {
    const { secret } = await initialise(ctx, { email: 'bench@example.com', name: 'Bench' });
    // The service's default level unless --log-level says otherwise. Verification writes no line per request
    // at info (service/app.ts); key creation does, as in production.
    const logLevel = LOG_LEVEL;
    return { dir, admin: secret, server: databaseUrl ? { databaseUrl, masterKeyFile, logLevel } : { dataDir: dir, logLevel } };
  } finally {
    await ctx.close();
  }
}

function startService(store: Store): Promise<Proc> {
  const profile = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
  return startProcess(join(DIST, 'bench/serve.js'), { ...store.server, listen: '127.0.0.1:0' }, profile);
}

interface LoadResult {
  requests_per_second: number;
  /**
   * CPU time (user and system) the server process spent per request in the round, in microseconds. Other
   * work on the machine slows a round down but barely changes this, so it is the steadier figure to compare.
   */
  cpu_us_per_request: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** Responses whose body was not the expected one. */
  mismatches: number;
}

/** CPU time of a process so far, in microseconds, from /proc (Linux); NaN elsewhere. */
function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), counted from the state field (3).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

async function load(
  url: string,
  options: { key: string; body: string; expectBody?: string; duration: number; connections: number; pid?: number },
): Promise<LoadResult> {
  const cpuBefore = cpuMicros(options.pid);
  const result = await loadOnly(url, options);
  result.cpu_us_per_request = (cpuMicros(options.pid) - cpuBefore) / result.requests;
  return result;
}

function loadOnly(url: string, options: { key: string; body: string; expectBody?: string; duration: number; connections: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/keys/verify`,
        method: 'POST',
        connections: options.connections,
        duration: options.duration,
        headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
        body: options.body,
        ...(options.expectBody ? { expectBody: options.expectBody } : {}),
      },
      (err, r) => {
        if (err) return reject(err);
        const mismatches = (r as unknown as { mismatches?: number }).mismatches ?? 0;
        resolve({
          requests_per_second: r.requests.average,
          cpu_us_per_request: Number.NaN,
          p50_ms: r.latency.p50,
          p90_ms: r.latency.p90,
          p99_ms: r.latency.p99,
          max_ms: r.latency.max,
          requests: r.requests.total,
          errors: r.errors,
          non2xx: r.non2xx,
          mismatches,
        });
      },
    );
  });
}

interface PacedResult {
  rate: number;
  seconds: number;
  requests: number;
  achieved_per_second: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: number;
  /**
   * The load generator's own event-loop delay during the phase (p99 and max): a stall here delays sending and
   * reading, and shows as latency of whichever server was being measured.
   */
  loader_delay_p99_ms: number;
  loader_delay_max_ms: number;
}

/**
 * Open-loop load at a fixed rate: requests are sent on schedule whether or not earlier ones have answered
 * (up to `connections` at once), and each latency is measured from when the request was due, so a stall
 * shows in the figures instead of slowing the load down. Microsecond resolution, unlike autocannon's
 * whole milliseconds.
 */
async function paced(
  url: string,
  options: { key: string; body: string; expectBody?: string; rate: number; seconds: number; connections: number },
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(`${url}/v1/keys/verify`);
  const headers = { authorization: `Bearer ${options.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) };
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(options.rate * options.seconds);
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          latencies.push(performance.now() - due);
          if (res.statusCode !== 200 || (options.expectBody !== undefined && text !== options.expectBody)) errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(options.body);
    });
  const inflight: Promise<void>[] = [];
  const loaderDelay = monitorEventLoopDelay({ resolution: 1 });
  loaderDelay.enable();
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * options.rate) + 1);
    for (; sent < due; sent++) inflight.push(send(start + (sent / options.rate) * 1000));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  loaderDelay.disable();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0).toFixed(3));
  return {
    rate: options.rate,
    seconds: Number(elapsed.toFixed(2)),
    requests: latencies.length,
    achieved_per_second: latencies.length / elapsed,
    p50_ms: pct(50),
    p90_ms: pct(90),
    p99_ms: pct(99),
    max_ms: Number((latencies.at(-1) ?? 0).toFixed(3)),
    errors,
    loader_delay_p99_ms: Number((loaderDelay.percentile(99) / 1e6).toFixed(2)),
    loader_delay_max_ms: Number((loaderDelay.max / 1e6).toFixed(2)),
  };
}

function summarise(rounds: LoadResult[]) {
  return {
    requests_per_second: median(rounds.map((r) => r.requests_per_second)),
    cpu_us_per_request: median(rounds.map((r) => r.cpu_us_per_request)),
    p50_ms: median(rounds.map((r) => r.p50_ms)),
    p99_ms: median(rounds.map((r) => r.p99_ms)),
    errors: rounds.reduce((n, r) => n + r.errors + r.non2xx + r.mismatches, 0),
    rounds,
  };
}

/** A Keyplane service to verify against, in a store of its own: the key verified, the verifier's key, and the answer. */
async function verifyTarget(verifyFastPath: boolean) {
  const store = await newStore();
  store.server = { ...store.server, verifyFastPath };
  const svc = await startService(store);
  try {
    await api(svc.url, store.admin, 'POST', '/v1/scopes', { name: 'billing.read', description: 'bench' });
    const subject = await api(svc.url, store.admin, 'POST', '/v1/api-keys', { name: 'bench', role: 'developer', scopes: ['billing.read'] });
    // A service that verifies keys holds a key with the verify scope, not an admin key.
    const verifierKey = (await api(svc.url, store.admin, 'POST', '/v1/api-keys', { name: 'verifier', role: 'viewer', scopes: ['keyplane.keys.verify'] }))
      .secret as string;
    const body = JSON.stringify({ key: subject.secret, required_scopes: ['billing.read'], client_ip: '192.0.2.1' });
    const expected = await fetch(`${svc.url}/v1/keys/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${verifierKey}`, 'content-type': 'application/json' },
      body,
    }).then((r) => r.text());
    if (JSON.parse(expected).valid !== true) throw new Error(`the benchmark key does not verify: ${expected}`);
    return { store, svc, verifierKey, body, expected };
  } catch (err) {
    await stop(svc);
    throw err;
  }
}

type VerifySide = 'bare' | 'keyplane' | 'route' | 'floor';

const VERIFY_LABELS = {
  bare_fastify: 'bare Fastify route',
  keyplane_verify: 'keyplane verify (SQLite)',
  keyplane_route: 'keyplane, fast path off',
  floor: 'floor (bench/floor-server.ts)',
} as const;

/**
 * Three servers, each in its own process, alternating: the bare route; Keyplane as it serves (its fast path
 * answers verifications beside Fastify, service/http/verify-fast-path.ts); and Keyplane with the fast path
 * off, so every verification takes Fastify's route, which shows what the fast path gains in the same run.
 * With `floor`, a fourth: the least work a verification must do, on Node's own server (bench/floor-server.ts).
 */
async function benchVerify(duration: number, connections: number, roundsWanted: number, rates: number[], floor: boolean) {
  const sides: VerifySide[] = ['bare', 'keyplane', 'route', ...(floor ? (['floor'] as const) : [])];
  const targets: Partial<Record<Exclude<VerifySide, 'bare'>, Awaited<ReturnType<typeof verifyTarget>>>> = {};
  const plain: Partial<Record<'bare' | 'floor', Proc>> = {};
  try {
    targets.keyplane = await verifyTarget(true);
    targets.route = await verifyTarget(false);
    plain.bare = await startProcess(join(DIST, 'bench/bare-server.js'));
    if (floor) plain.floor = await startProcess(join(DIST, 'bench/floor-server.js'));
    const request = (which: VerifySide) => {
      const server = which === 'bare' || which === 'floor' ? plain[which]! : undefined;
      const t = which === 'bare' || which === 'floor' ? targets.keyplane! : targets[which]!;
      return {
        url: server ? server.url : t.svc.url,
        pid: server ? server.child.pid : t.svc.child.pid,
        key: t.verifierKey,
        body: t.body,
        expectBody: server ? undefined : t.expected,
      };
    };
    const run = (which: VerifySide, seconds: number) => {
      const r = request(which);
      return load(r.url, { key: r.key, body: r.body, expectBody: r.expectBody, duration: seconds, connections, pid: r.pid });
    };
    // Warm-up: JIT, caches, connection set-up.
    for (const which of sides) await run(which, 2);
    const rounds = Math.max(1, Math.min(roundsWanted, Math.floor(duration)));
    const each = duration / rounds;
    const byRound: Record<VerifySide, LoadResult[]> = { bare: [], keyplane: [], route: [], floor: [] };
    for (let i = 0; i < rounds; i++) {
      // Rotate which goes first, so a slow patch on the machine does not always hit the same one.
      const order = sides.map((_, j) => sides[(i + j) % sides.length]!);
      for (const which of order) byRound[which].push(await run(which, each));
    }
    const fixedSeconds = Math.max(3, Math.min(10, duration / 2));
    const fixedRate = [];
    for (const rate of rates) {
      const at = (which: VerifySide) => {
        const r = request(which);
        return paced(r.url, { key: r.key, body: r.body, expectBody: r.expectBody, rate, seconds: fixedSeconds, connections });
      };
      fixedRate.push({
        rate,
        bare_fastify: await at('bare'),
        keyplane_verify: await at('keyplane'),
        keyplane_route: await at('route'),
        ...(floor ? { floor: await at('floor') } : {}),
      });
    }
    const b = summarise(byRound.bare);
    const k = summarise(byRound.keyplane);
    const r = summarise(byRound.route);
    const f = floor ? summarise(byRound.floor) : undefined;
    const ratios = (side: VerifySide) => byRound[side].map((x, i) => x.requests_per_second / byRound.bare[i]!.requests_per_second);
    return {
      duration_s: duration,
      rounds,
      connections,
      pinned: PIN,
      bare_fastify: b,
      keyplane_verify: k,
      keyplane_route: r,
      ratio: k.requests_per_second / b.requests_per_second,
      round_ratios: ratios('keyplane'),
      median_round_ratio: median(ratios('keyplane')),
      route_ratio: r.requests_per_second / b.requests_per_second,
      route_round_ratios: ratios('route'),
      median_route_round_ratio: median(ratios('route')),
      /** Bare CPU per request over Keyplane's: the throughput ratio a server would reach on a core of its own. */
      cpu_ratio: b.cpu_us_per_request / k.cpu_us_per_request,
      route_cpu_ratio: b.cpu_us_per_request / r.cpu_us_per_request,
      ...(f ? { floor: f, floor_ratio: f.requests_per_second / b.requests_per_second, median_floor_round_ratio: median(ratios('floor')) } : {}),
      fixed_rate: fixedRate,
    };
  } finally {
    for (const p of Object.values(plain)) await stop(p);
    for (const t of Object.values(targets)) {
      await stop(t.svc);
      rmSync(t.store.dir, { recursive: true, force: true });
    }
  }
}

interface CreateResult {
  nodes: number;
  clients: number;
  seconds: number;
  keys: number;
  keys_per_second: number;
  p50_ms: number;
  p99_ms: number;
  failures: number;
  /** Keys the store holds afterwards that the run created: must equal `keys`. */
  stored: number;
}

async function createRate(urls: string[], admin: string, seconds: number, clients: number): Promise<Omit<CreateResult, 'stored'>> {
  const latencies: number[] = [];
  let failures = 0;
  const started = Date.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const url = urls[c % urls.length]!;
      for (let i = 0; Date.now() < until; i++) {
        const t = performance.now();
        try {
          await api(url, admin, 'POST', '/v1/api-keys', { name: `rate-${c}-${i}`, labels: { bench: 'create' } });
          latencies.push(performance.now() - t);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0).toFixed(2));
  return {
    nodes: urls.length,
    clients,
    seconds: elapsed,
    keys: latencies.length,
    keys_per_second: latencies.length / elapsed,
    p50_ms: pct(50),
    p99_ms: pct(99),
    failures,
  };
}

async function countKeys(url: string, admin: string): Promise<number> {
  let n = 0;
  let token: string | null = null;
  do {
    const page: { api_keys: unknown[]; next_page_token: string | null } = await api(
      url,
      admin,
      'GET',
      `/v1/api-keys?label=bench=create&page_size=200${token ? `&page_token=${token}` : ''}`,
    );
    n += page.api_keys.length;
    token = page.next_page_token;
  } while (token);
  return n;
}

async function createOn(store: Store, nodes: number, seconds: number, clients: number): Promise<CreateResult> {
  const procs: Proc[] = [];
  try {
    for (let i = 0; i < nodes; i++) procs.push(await startService(store));
    const result = await createRate(
      procs.map((p) => p.url),
      store.admin,
      seconds,
      clients,
    );
    return { ...result, stored: await countKeys(procs[0]!.url, store.admin) };
  } finally {
    for (const p of procs) await stop(p);
  }
}

async function benchCreate(seconds: number, clients: number) {
  const results: Record<string, CreateResult | string> = {};
  const sqlite = await newStore();
  try {
    results.sqlite = await createOn(sqlite, 1, seconds, clients);
  } finally {
    rmSync(sqlite.dir, { recursive: true, force: true });
  }
  const { POSTGRES_BIN, startPostgres } = require('../test/helpers/postgres') as typeof import('../test/helpers/postgres');
  if (!POSTGRES_BIN) {
    results.postgres = 'skipped: PostgreSQL server binaries not found';
    return results;
  }
  for (const nodes of [1, 2]) {
    const pg = await startPostgres();
    try {
      const store = await newStore(pg.url);
      try {
        results[nodes === 1 ? 'postgres' : 'postgres_2_nodes'] = await createOn(store, nodes, seconds, clients);
      } finally {
        rmSync(store.dir, { recursive: true, force: true });
      }
    } finally {
      await pg.stop();
    }
  }
  return results;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

async function main() {
  const what = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'all';
  if (!['verify', 'create', 'provider', 'terraform', 'terraform-keys', 'terraform-split', 'secrets', 'admin-deletes', 'all'].includes(what))
    throw new Error(`unknown benchmark ${what}: verify, create, provider, terraform, terraform-keys, terraform-split, secrets, admin-deletes or all`);
  const duration = arg('duration', 20);
  const connections = arg('connections', 50);
  const rounds = arg('rounds', 4);
  const rates = (process.argv.includes('--rate') ? process.argv[process.argv.indexOf('--rate') + 1]! : '1000,5000').split(',').map(Number);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('--rate takes request rates separated by commas, e.g. 1000,5000');
  const createSeconds = arg('create-seconds', Math.max(3, Math.round(duration / 2)));
  const clients = arg('clients', 10);
  const out: Record<string, unknown> = {
    command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    pinned: PIN && what !== 'provider' && !what.startsWith('terraform'),
    loadavg: loadavg(),
    at: new Date().toISOString(),
  };

  // Before pinning: provider processes would inherit this process's CPU.
  if (what === 'provider' || what === 'all') {
    const work = mkdtempSync(join(tmpdir(), 'keyplane-bench-startup-'));
    try {
      const p = await benchProviderStartup({ runs: arg('runs', 25), ...startupPlan(process.argv, work) });
      out.provider = p;
      console.log(`\n${describeResult(p)}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // Unpinned too: terraform and its provider processes are what is measured. Not in `all`: it needs terraform.
  if (what === 'terraform' || what === 'terraform-keys') {
    const store = await newStore();
    const svc = await startService(store);
    try {
      const subject = what === 'terraform' ? 'keyplane_secret' : 'keyplane_api_key';
      if (subject === 'keyplane_api_key') await api(svc.url, store.admin, 'POST', '/v1/scopes', { name: BENCH_SCOPE, description: 'bench' });
      const dir = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
      const releaseDir = dir('release') ?? DEFAULT_RELEASE_DIR;
      const t = benchTerraform({
        url: svc.url,
        admin: store.admin,
        subject,
        resources: arg('resources', 20),
        runs: arg('runs', 10),
        builds: selectProviderBuilds(dir('provider'), releaseDir),
        releaseDir,
        providerCpuProf: dir('provider-cpu-prof'),
        tfLog: dir('tf-log'),
        compareRelease: dir('compare-release'),
      });
      out.terraform = t;
      out.loadavg_after = loadavg();
      console.log(`\n${describeTerraform(t)}`);
      console.log(
        `load average before ${(out.loadavg as number[]).map((n) => n.toFixed(2)).join(' ')}, after ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
      );
    } finally {
      await stop(svc);
      rmSync(store.dir, { recursive: true, force: true });
    }
  }
  if (what === 'terraform-split') {
    const store = await newStore();
    const svc = await startService(store);
    const work = mkdtempSync(join(tmpdir(), 'keyplane-bench-split-exe-'));
    try {
      await api(svc.url, store.admin, 'POST', '/v1/scopes', { name: BENCH_SCOPE, description: 'bench' });
      const option = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
      const given = process.argv.flatMap((a, i) => (a === '--executable' && process.argv[i + 1] ? [process.argv[i + 1]!] : []));
      const executables = given.length > 0 ? given : [releaseExecutable(option('release') ?? DEFAULT_RELEASE_DIR, work)];
      const s = benchTerraformSplit({ url: svc.url, admin: store.admin, resources: arg('resources', 20), runs: arg('runs', 5), executables });
      out.terraform_split = s;
      console.log(`\n${describeSplit(s)}`);
    } finally {
      await stop(svc);
      rmSync(store.dir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }
  // The load generator (this process and its threads) on its own CPU.
  if (PIN && what !== 'provider' && !what.startsWith('terraform')) spawnSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });

  if (what === 'verify' || what === 'all') {
    const v = await benchVerify(duration, connections, rounds, rates, flag('floor'));
    out.verify = v;
    console.log(
      `\nverify: POST /v1/keys/verify, ${connections} connections, ${v.rounds} alternating rounds of ${fmt(duration / v.rounds, 1)} s each${PIN ? ', servers on CPU 0, load on CPU 1' : ''}`,
    );
    console.log(
      table([
        ['saturated (median of rounds)', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req', 'errors'],
        [
          'bare Fastify route',
          fmt(v.bare_fastify.requests_per_second),
          fmt(v.bare_fastify.p50_ms, 1),
          fmt(v.bare_fastify.p99_ms, 1),
          fmt(v.bare_fastify.cpu_us_per_request, 1),
          String(v.bare_fastify.errors),
        ],
        ...(['keyplane_verify', 'keyplane_route', 'floor'] as const).flatMap((side) => {
          const x = v[side];
          return x
            ? [[VERIFY_LABELS[side], fmt(x.requests_per_second), fmt(x.p50_ms, 1), fmt(x.p99_ms, 1), fmt(x.cpu_us_per_request, 1), String(x.errors)]]
            : [];
        }),
      ]),
    );
    console.log(
      `ratio: ${fmt(v.ratio, 2)} of the bare route (rounds: ${v.round_ratios.map((r) => fmt(r, 2)).join(', ')}; median ${fmt(v.median_round_ratio, 2)}); aim >= 0.8`,
    );
    console.log(
      `fast path off: ${fmt(v.route_ratio, 2)} of the bare route (rounds: ${v.route_round_ratios.map((r) => fmt(r, 2)).join(', ')}; median ${fmt(v.median_route_round_ratio, 2)})`,
    );
    if (v.floor) console.log(`floor: ${fmt(v.floor_ratio!, 2)} of the bare route (median of rounds ${fmt(v.median_floor_round_ratio!, 2)})`);
    console.log(`CPU per request, bare over keyplane: ${fmt(v.cpu_ratio, 2)}; with the fast path off: ${fmt(v.route_cpu_ratio, 2)}`);
    console.log(`\nlatency at fixed request rates (open loop, up to ${connections} connections, measured from when each request was due)`);
    const rows = [['fixed rate', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'loader stall p99/max ms']];
    for (const f of v.fixed_rate) {
      for (const k of ['bare_fastify', 'keyplane_verify', 'keyplane_route', 'floor'] as const) {
        const r = f[k];
        if (!r) continue;
        rows.push([
          `${VERIFY_LABELS[k]} @ ${f.rate}/s`,
          fmt(r.achieved_per_second),
          fmt(r.p50_ms, 2),
          fmt(r.p90_ms, 2),
          fmt(r.p99_ms, 2),
          fmt(r.max_ms, 1),
          String(r.errors),
          `${fmt(r.loader_delay_p99_ms, 1)} / ${fmt(r.loader_delay_max_ms, 1)}`,
        ]);
      }
    }
    console.log(table(rows));
    console.log(
      `p99 aim < 5 ms: ${v.fixed_rate.map((f) => `${f.keyplane_verify.p99_ms < 5 ? 'met' : 'missed'} at ${f.rate}/s`).join(', ')}; ${v.keyplane_verify.p99_ms < 5 ? 'met' : 'missed'} saturated (${connections} connections)`,
    );
  }
  if (what === 'secrets') {
    const store = await newStore();
    const svc = await startService(store);
    try {
      const r = await benchSecretWrites({ url: svc.url, admin: store.admin, entries: arg('entries', 1000) });
      out.secrets = r;
      console.log(`\n${describeSecretWrites(r)}`);
    } finally {
      await stop(svc);
      rmSync(store.dir, { recursive: true, force: true });
    }
  }
  if (what === 'admin-deletes') {
    const store = await newStore();
    const svc = await startService(store);
    try {
      const r = await benchAdminDeletes({ url: svc.url, admin: store.admin, keys: arg('keys', 1000), rounds: arg('rounds', 100) });
      out.admin_deletes = r;
      console.log(`\n${describeAdminDeletes(r)}`);
    } finally {
      await stop(svc);
      rmSync(store.dir, { recursive: true, force: true });
    }
  }
  if (what === 'create' || what === 'all') {
    const c = await benchCreate(createSeconds, clients);
    out.create = c;
    console.log(`\nkey creation through the API: ${clients} concurrent clients for ${createSeconds} s`);
    const rows = [['store', 'nodes', 'keys/s', 'p50 ms', 'p99 ms', 'keys', 'stored', 'failures']];
    for (const [name, r] of Object.entries(c)) {
      rows.push(
        typeof r === 'string'
          ? [name, r, '', '', '', '', '', '']
          : [name, String(r.nodes), fmt(r.keys_per_second), fmt(r.p50_ms, 1), fmt(r.p99_ms, 1), String(r.keys), String(r.stored), String(r.failures)],
      );
    }
    console.log(table(rows));
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nresults: ${join(ROOT, 'bench/results/latest.json')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

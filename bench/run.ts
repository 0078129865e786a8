/**
 * Benchmarks, outside the test suite. Figures are reported as ratios against a baseline measured in the same
 * run, because absolute numbers depend on the machine.
 *
 *   node dist/bench/run.js [verify|create|all] [--duration SECONDS] [--connections N]
 *
 * verify: POST /v1/keys/verify over loopback with autocannon against the embedded SQLite service, and the
 *         same JSON from a bare Fastify route; each server runs in its own process, the load generator in this one.
 * create: keys created per second through the API by 10 concurrent clients, on SQLite and on PostgreSQL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startProcess(args: string[], readyUrl: (out: string) => string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const url = readyUrl(out);
      if (url) resolve({ child, url });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function startService(extra: string[] = [], dataDir?: string): Promise<{ child: ChildProcess; url: string; admin: string; dir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'keyplane-bench-'));
  const init = spawnSync(process.execPath, [CLI, 'server', 'init', '--data', dir, '--key-file', join(dir, 'admin.key'), ...extra], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Request logging at info would make this a benchmark of the log pipe; production runs at info or warn.
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', dir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 200) throw new Error('the service did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, admin: readFileSync(join(dir, 'admin.key'), 'utf8').trim(), dir };
}

async function api(url: string, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface LoadResult {
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non2xx: number;
}

function load(url: string, key: string, body: string, duration: number, connections: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${url}/v1/keys/verify`, method: 'POST', connections, duration, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body },
      (err, r) => {
        if (err) return reject(err);
        resolve({ requests_per_second: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      },
    );
  });
}

async function benchVerify(duration: number, connections: number) {
  const svc = await startService();
  try {
    await api(svc.url, svc.admin, 'POST', '/v1/scopes', { name: 'billing.read', description: 'bench' });
    const subject = await api(svc.url, svc.admin, 'POST', '/v1/api-keys', { name: 'bench', role: 'developer', scopes: ['billing.read'] });
    const body = JSON.stringify({ key: subject.secret, required_scopes: ['billing.read'], client_ip: '192.0.2.1' });
    const check = await api(svc.url, svc.admin, 'POST', '/v1/keys/verify', JSON.parse(body));
    if (!check.valid) throw new Error('the benchmark key does not verify');
    const bare = await startProcess([join(ROOT, 'dist/bench/bare-server.js')], (out) => out.match(/(http:\/\/\S+)/)?.[1]);
    try {
      await load(bare.url, svc.admin, body, 2, connections); // warm-up, both sides
      await load(svc.url, svc.admin, body, 2, connections);
      const baseline = await load(bare.url, svc.admin, body, duration, connections);
      const keyplane = await load(svc.url, svc.admin, body, duration, connections);
      return { duration_s: duration, connections, bare_fastify: baseline, keyplane_verify: keyplane, ratio: keyplane.requests_per_second / baseline.requests_per_second };
    } finally {
      await stop(bare.child);
    }
  } finally {
    await stop(svc.child);
    rmSync(svc.dir, { recursive: true, force: true });
  }
}

async function createRate(url: string, admin: string, seconds: number, clients = 10) {
  const until = Date.now() + seconds * 1000;
  let created = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        await api(url, admin, 'POST', '/v1/api-keys', { name: `rate-${c}-${i}` });
        created++;
      }
    }),
  );
  return { clients, seconds, keys: created, keys_per_second: created / seconds };
}

async function benchCreate(seconds: number) {
  const results: Record<string, unknown> = {};
  const sqlite = await startService();
  try {
    results.sqlite = await createRate(sqlite.url, sqlite.admin, seconds);
  } finally {
    await stop(sqlite.child);
    rmSync(sqlite.dir, { recursive: true, force: true });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { POSTGRES_BIN, startPostgres } = require('../test/helpers/postgres') as typeof import('../test/helpers/postgres');
  if (!POSTGRES_BIN) {
    results.postgres = 'skipped: PostgreSQL server binaries not found';
    return results;
  }
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-bench-pg-'));
  try {
    const svc = await startService(['--database-url', pg.url], dir);
    try {
      results.postgres = await createRate(svc.url, svc.admin, seconds);
    } finally {
      await stop(svc.child);
    }
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function main() {
  const what = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'all';
  const duration = arg('duration', 20);
  const connections = arg('connections', 50);
  const out: Record<string, unknown> = { node: process.version, cpus: require('node:os').cpus().length, at: new Date().toISOString() };
  if (what === 'verify' || what === 'all') {
    const v = await benchVerify(duration, connections);
    out.verify = v;
    console.log(`verify (${connections} connections, ${duration} s)`);
    console.log(`  bare Fastify route : ${v.bare_fastify.requests_per_second.toFixed(0)} req/s, p50 ${v.bare_fastify.p50_ms} ms, p99 ${v.bare_fastify.p99_ms} ms`);
    console.log(`  keyplane verify    : ${v.keyplane_verify.requests_per_second.toFixed(0)} req/s, p50 ${v.keyplane_verify.p50_ms} ms, p99 ${v.keyplane_verify.p99_ms} ms, errors ${v.keyplane_verify.errors}, non-2xx ${v.keyplane_verify.non2xx}`);
    console.log(`  ratio              : ${v.ratio.toFixed(2)} of the bare route (aim >= 0.5; p99 aim < 5 ms)`);
  }
  if (what === 'create' || what === 'all') {
    const c = await benchCreate(Math.max(3, Math.round(duration / 2)));
    out.create = c;
    console.log('key creation through the API (10 concurrent clients)');
    for (const [db, r] of Object.entries(c)) console.log(`  ${db.padEnd(9)}: ${typeof r === 'string' ? r : `${(r as { keys_per_second: number }).keys_per_second.toFixed(0)} keys/s`}`);
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

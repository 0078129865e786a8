/**
 * The real server (`startServer`) on SQLite over real sockets: draining on SIGTERM in a child process, the
 * shutdown flush of last-used records, TLS, X-Forwarded-For from trusted proxies only, `--listen` parsing,
 * and refusing a store that was never initialised.
 *
 * The child process runs test/fixtures/serve.ts as `npm run build` compiled it (dist/test/fixtures/serve.js;
 * test/helpers/build.ts checks that it is built from the current sources).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import https from 'node:https';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createMasterKeyFile } from '../../service/crypto/master-key';
import { initialisedDataDir } from '../helpers/data-dir';
import { built } from '../helpers/build';
import { callApi } from '../helpers/service';
import { checkTrustedProxies, lockSqliteDataDir, parseListen, type RunningServer, type ServerOptions, startServer } from '../../service/server';
import { selfSignedCertificate } from '../helpers/self-signed';

let FIXTURE: string;

beforeAll(() => {
  FIXTURE = built('dist/test/fixtures/serve.js');
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An initialised SQLite data dir and its admin key, removed after the file's tests. */
async function initDir(): Promise<{ dir: string; admin: string }> {
  const made = await initialisedDataDir('keyplane-server-');
  dirs.push(made.dir);
  return made;
}

interface Child {
  url: string;
  child: ChildProcess;
  log(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs the fixture with these options; resolves once it printed its URL. */
function serve(options: Partial<ServerOptions> & { dataDir: string }): Promise<Child> {
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify({ listen: '127.0.0.1:0', logLevel: 'warn', ...options })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        resolve({
          url: JSON.parse(line).url,
          child,
          log: () => err,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${err}`)));
  });
}

const api = callApi;

/** Reads the store directly, as a restart would: no server involved. */
function storedKeys(dir: string, prefix: string): { id: string; last_used_at: string | null; last_used_ip: string | null }[] {
  const db = new Database(join(dir, 'keyplane.db'), { readonly: true });
  try {
    return db.prepare('select id, last_used_at, last_used_ip from api_keys where name like ?').all(`${prefix}%`) as never;
  } finally {
    db.close();
  }
}

/** Sends the headers and the first part of a JSON POST by hand; `finish()` sends the rest and reads the reply. */
function slowPost(url: string, key: string, path: string, body: unknown) {
  const { hostname, port } = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const socket: Socket = connect(Number(port), hostname);
  let response = '';
  socket.on('data', (d) => (response += d));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n`,
      );
      socket.write(payload.subarray(0, 5), () => resolve());
    });
    socket.once('error', reject);
  });
  return {
    ready,
    socket,
    async finish(): Promise<{ status: number; body: any }> {
      socket.end(payload.subarray(5));
      await closed;
      const [head, ...rest] = response.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1] ?? 0);
      const text = rest.join('\r\n\r\n');
      // The reply may be chunked; the JSON object is what lies between the outermost braces.
      const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
      return { status, body: json ? JSON.parse(json) : undefined };
    },
  };
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('SIGTERM mid-request: in-flight requests complete, every acknowledged key is stored, nothing half-done', async () => {
  const { dir, admin } = await initDir();
  const first = await serve({ dataDir: dir });
  // One request whose body is still arriving when SIGTERM comes: it is in flight for certain.
  const slow = slowPost(first.url, admin, '/v1/api-keys', { name: 'drain-slow' });
  await slow.ready;
  await new Promise((r) => setTimeout(r, 100)); // the server has read the headers: the request has begun
  let terminatedAt = 0;
  const settled = Array.from({ length: 50 }, (_, i) =>
    api(first.url, admin, 'POST', '/v1/api-keys', { name: `drain-${i}` }).then(
      (r) => ({ ...r, at: Date.now() }),
      () => ({ status: 0, body: undefined, at: Date.now() }),
    ),
  );
  // SIGTERM as soon as the first creation is acknowledged, while the others are still being written.
  await Promise.race(settled);
  terminatedAt = Date.now();
  const exit = first.stop();
  await new Promise((r) => setTimeout(r, 100));
  const slowResult = await slow.finish();
  const results = await Promise.all(settled);
  expect(await exit).toBe(0);

  expect(slowResult.status).toBe(201);
  expect(slowResult.body.api_key.name).toBe('drain-slow');
  const acknowledged = results.filter((r) => r.status === 201).map((r) => r.body.api_key.id as string);
  // Requests were still completing after SIGTERM: the drain let them finish.
  expect(results.filter((r) => r.status === 201 && r.at > terminatedAt).length).toBeGreaterThan(0);
  // Nothing else than acknowledged (201) or refused before any work (503 while closing, or no connection).
  for (const r of results) expect([201, 503, 0]).toContain(r.status);

  const stored = storedKeys(dir, 'drain-');
  const storedIds = new Set(stored.map((k) => k.id));
  for (const id of [...acknowledged, slowResult.body.api_key.id]) expect(storedIds.has(id)).toBe(true);
  // And nothing was committed that its client was not told about.
  expect(stored).toHaveLength(acknowledged.length + 1);

  // The store opens again and serves the same keys.
  const second = await serve({ dataDir: dir });
  const listed = await api(second.url, admin, 'GET', '/v1/api-keys?page_size=200&name_prefix=drain-');
  expect(listed.body.api_keys.map((k: { id: string }) => k.id).sort()).toEqual([...storedIds].sort());
  expect(await second.stop()).toBe(0);
}, 60_000);

test('pending last-used records are written by the shutdown flush', async () => {
  const { dir, admin } = await initDir();
  // An hour-long interval: only the flush at shutdown can write the record.
  const s = await serve({ dataDir: dir, lastUsedFlushMs: 3_600_000 });
  const key = (await api(s.url, admin, 'POST', '/v1/api-keys', { name: 'used-once' })).body;
  const usedAt = Date.now();
  expect((await api(s.url, key.secret, 'GET', '/v1/whoami')).body.api_key.id).toBe(key.api_key.id);
  // Recorded in memory, not yet in the store.
  expect((await api(s.url, admin, 'GET', `/v1/api-keys/${key.api_key.id}`)).body).toMatchObject({ last_used_at: null, last_used_ip: null });
  expect(storedKeys(dir, 'used-once')[0]).toMatchObject({ last_used_at: null });
  expect(await s.stop()).toBe(0);
  const [row] = storedKeys(dir, 'used-once');
  expect(row!.last_used_ip).toBe('127.0.0.1');
  expect(Date.parse(row!.last_used_at!)).toBeGreaterThanOrEqual(usedAt - 1000);
  expect(Date.parse(row!.last_used_at!)).toBeLessThanOrEqual(Date.now());
}, 60_000);

test('TLS with a certificate and key: HTTPS that verifies against the CA, and nothing in plain HTTP', async () => {
  const { dir, admin } = await initDir();
  const { cert, key } = selfSignedCertificate(dir);
  const ca = readFileSync(cert);
  const s = await serve({ dataDir: dir, tlsCert: cert, tlsKey: key });
  expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const get = (path: string, options: https.RequestOptions) =>
    new Promise<{ status: number; body: any; authorized: boolean }>((resolve, reject) => {
      const req = https.get(`${s.url}${path}`, { ...options, agent: false, headers: { authorization: `Bearer ${admin}` } }, (res) => {
        const authorized = (res.socket as import('node:tls').TLSSocket).authorized;
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), authorized }));
      });
      req.on('error', reject);
    });
  const who = await get('/v1/whoami', { ca });
  expect(who).toMatchObject({ status: 200, authorized: true });
  expect(who.body.principal.email).toBe('admin@example.com');
  // Without the CA the self-signed certificate is refused.
  await expect(get('/healthz', {})).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  // Plain HTTP to the TLS port gets no API answer.
  const plain = await new Promise<string>((resolve) => {
    const req = httpRequest(`${s.url.replace('https:', 'http:')}/healthz`, { agent: false }, (res) => resolve(`status ${res.statusCode}`));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
  expect(plain).not.toBe('status 200');
  expect(await s.stop()).toBe(0);
  // Only one half of the pair is refused before anything starts.
  await expect(startServer({ dataDir: dir, listen: '127.0.0.1:0', tlsCert: cert, logLevel: 'silent' })).rejects.toThrow(/both --tls-cert and --tls-key/);
}, 60_000);

describe('X-Forwarded-For over real sockets', () => {
  let dir: string;
  let admin: string;
  let secret: string;
  let keyId: string;
  const open: RunningServer[] = [];
  // One server at a time: the data dir serves one (service/db/data-dir-lock.ts).
  const start = async (trustedProxies?: string[]) => {
    for (const s of open.splice(0)) await s.close();
    const s = await startServer({ dataDir: dir, listen: '127.0.0.1:0', logLevel: 'silent', trustedProxies, lastUsedFlushMs: 20 });
    open.push(s);
    return s;
  };
  const whoami = (s: RunningServer, xff?: string) => api(s.url, secret, 'GET', '/v1/whoami', undefined, xff ? { 'x-forwarded-for': xff } : {});

  beforeAll(async () => {
    ({ dir, admin } = await initDir());
    const s = await start();
    const list = (await api(s.url, admin, 'POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24'] })).body;
    const key = (await api(s.url, admin, 'POST', '/v1/api-keys', { name: 'fenced', allow_list_ids: [list.id] })).body;
    secret = key.secret;
    keyId = key.api_key.id;
  });
  afterAll(async () => {
    for (const s of open) await s.close();
  });

  test('without trusted proxies the header is ignored: the socket address (127.0.0.1) decides', async () => {
    const s = await start();
    expect((await whoami(s, '203.0.113.5')).status).toBe(403);
    expect((await whoami(s)).status).toBe(403);
    // Failed authentications are audited as counts per address, reason and key (service/audit/failed-auth.ts).
    const failures = (await api(s.url, admin, 'GET', `/v1/audit-events?key_id=${keyId}&outcome=failure`)).body.audit_events;
    expect(failures.reduce((n: number, e: { details: { count: number } }) => n + e.details.count, 0)).toBeGreaterThanOrEqual(2);
    expect(failures.every((e: { address: string }) => e.address === '127.0.0.1')).toBe(true);
  });

  test('a peer outside the trusted ranges is not believed either', async () => {
    const s = await start(['10.0.0.0/8']);
    expect((await whoami(s, '203.0.113.5')).status).toBe(403);
  });

  test('from a trusted proxy (127.0.0.1/32) the forwarded address is the client, for allow lists, audit and last use', async () => {
    const s = await start(['127.0.0.1/32']);
    const allowed = await whoami(s, '203.0.113.5');
    expect(allowed.status).toBe(200);
    expect(allowed.body.api_key.id).toBe(keyId);
    expect((await whoami(s, '198.51.100.7')).status).toBe(403);
    // A client cannot smuggle an address in front of the proxy's: the rightmost untrusted hop is the client.
    expect((await whoami(s, '203.0.113.5, 198.51.100.7')).status).toBe(403);
    // A chain through another trusted hop resolves to the address before it.
    expect((await whoami(s, '203.0.113.9, 127.0.0.1')).status).toBe(200);
    // No header: the proxy itself is the client, outside the list.
    expect((await whoami(s)).status).toBe(403);
    // Counted per address, newest first: the proxy's own once, the smuggling client's twice.
    const failures = (await api(s.url, admin, 'GET', `/v1/audit-events?key_id=${keyId}&outcome=failure&page_size=2`)).body.audit_events;
    expect(failures.map((e: { address: string; details: { count: number } }) => [e.address, e.details.count])).toEqual([
      ['127.0.0.1', 1],
      ['198.51.100.7', 2],
    ]);
    await new Promise((r) => setTimeout(r, 100)); // the 20 ms last-used flush
    expect((await api(s.url, admin, 'GET', `/v1/api-keys/${keyId}`)).body.last_used_ip).toBe('203.0.113.9');
  });

  test('trusted proxies are checked before anything starts', () => {
    expect(() => checkTrustedProxies(['127.0.0.1/32', '10.0.0.1', '::1', 'fd00::/8', 'loopback'])).not.toThrow();
    for (const bad of ['10.0.0.0/33', '::/129', 'example.com', '10.0.0.0/8/1', '10.0.0.0/', '']) {
      expect(() => checkTrustedProxies([bad])).toThrow(/--trusted-proxy/);
    }
  });
});

test('--listen must be HOST:PORT', async () => {
  expect(parseListen('127.0.0.1:7420')).toEqual({ host: '127.0.0.1', port: 7420 });
  expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
  expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
  expect(parseListen('[::1]:7420')).toEqual({ host: '::1', port: 7420 });
  expect(parseListen('[::]:65535')).toEqual({ host: '::', port: 65535 });
  for (const bad of [
    'localhost',
    '127.0.0.1',
    '127.0.0.1:',
    ':7420',
    '127.0.0.1:65536',
    '127.0.0.1:99999',
    '127.0.0.1:123456',
    '::1:7420',
    '[::1]',
    '[localhost]:80',
    ' 127.0.0.1:80',
    '127.0.0.1:80 ',
    '127.0.0.1:-1',
    '127.0.0.1:http',
  ]) {
    expect(() => parseListen(bad)).toThrow(`--listen ${bad} is not HOST:PORT`);
  }
  // startServer refuses it before opening anything.
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-listen-'));
  dirs.push(dir);
  await expect(startServer({ dataDir: dir, listen: 'nowhere' })).rejects.toThrow(/is not HOST:PORT/);
});

/** Runs `fn` while something else listens on 127.0.0.1:`port`. */
async function whilePortTaken(port: number, fn: () => Promise<unknown>): Promise<void> {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    await fn();
  } finally {
    await new Promise((r) => blocker.close(r));
  }
}

test('an uninitialised store is refused, and the refusal leaves nothing listening', async () => {
  // No master key at all.
  const empty = mkdtempSync(join(tmpdir(), 'keyplane-empty-'));
  dirs.push(empty);
  await expect(startServer({ dataDir: empty, listen: '127.0.0.1:0', logLevel: 'silent' })).rejects.toThrow(
    /master key file .* does not exist: this store is not initialised/,
  );
  // A master key but no init: the store is created and migrated, then refused.
  const half = mkdtempSync(join(tmpdir(), 'keyplane-half-'));
  dirs.push(half);
  createMasterKeyFile(join(half, 'master.key'));
  const port = await freePort();
  await expect(startServer({ dataDir: half, listen: `127.0.0.1:${port}`, logLevel: 'silent' })).rejects.toThrow(
    'this store is not initialised: run `keyplane server init` first',
  );
  expect(await portIsFree(port)).toBe(true);
  // Through the child process: exit code 1 and the reason on stderr.
  const res = spawnSync(process.execPath, [FIXTURE, JSON.stringify({ dataDir: half, listen: '127.0.0.1:0', logLevel: 'silent' })], { encoding: 'utf8' });
  expect(res.status).toBe(1);
  expect(res.stderr).toMatch(/not initialised/);
  // Neither is a port in use taken for a start: the store is closed again and the error says why.
  const { dir } = await initDir();
  await whilePortTaken(port, () => expect(startServer({ dataDir: dir, listen: `127.0.0.1:${port}`, logLevel: 'silent' })).rejects.toThrow(/EADDRINUSE/));
});

test('a data dir serves one startServer at a time: a failed start and close() give it up; PostgreSQL takes no lock', async () => {
  const { dir } = await initDir();
  const port = await freePort();
  await whilePortTaken(port, () => expect(startServer({ dataDir: dir, listen: `127.0.0.1:${port}`, logLevel: 'silent' })).rejects.toThrow(/EADDRINUSE/));
  const s = await startServer({ dataDir: dir, listen: '127.0.0.1:0', logLevel: 'silent' });
  try {
    await expect(startServer({ dataDir: dir, listen: '127.0.0.1:0', logLevel: 'silent' })).rejects.toThrow(
      `the data dir ${dir} is in use by keyplane process ${process.pid}: `,
    );
    // With a PostgreSQL store the data dir holds only the master key, and several nodes share the database.
    expect(await lockSqliteDataDir({ dataDir: dir, databaseUrl: 'postgres://localhost/keyplane' })).toBeUndefined();
  } finally {
    await s.close();
  }
  const again = await startServer({ dataDir: dir, listen: '127.0.0.1:0', logLevel: 'silent' });
  expect((await fetch(`${again.url}/healthz`)).ok).toBe(true);
  await again.close();
});

test('close() cuts a client that never finishes its request once the drain timeout passes', async () => {
  const { dir, admin } = await initDir();
  const s = await startServer({ dataDir: dir, listen: '127.0.0.1:0', logLevel: 'silent', drainTimeoutMs: 300 });
  const stuck = slowPost(s.url, admin, '/v1/api-keys', { name: 'never-finished' });
  await stuck.ready;
  await new Promise((r) => setTimeout(r, 100)); // the server has read the headers: the request has begun
  const closedAt = Date.now();
  const socketClosed = new Promise<void>((r) => stuck.socket.once('close', () => r()));
  await s.close();
  const took = Date.now() - closedAt;
  expect(took).toBeGreaterThanOrEqual(250);
  expect(took).toBeLessThan(5000);
  await socketClosed;
  expect(storedKeys(dir, 'never-finished')).toHaveLength(0);
}, 30_000);

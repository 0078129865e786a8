import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, freePort, keyplane } from '../helpers/cli';
import { parseListen } from '../../service/server';

/** Starts `keyplane server start` on an initialised data dir; resolves when /healthz answers. */
async function serve(dir: string, args: string[] = [], scheme = 'http', ca?: Buffer) {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', dir, '--listen', `127.0.0.1:${port}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const endpoint = `${scheme}://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const req = (scheme === 'https' ? https : require('node:http')).get(`${endpoint}/healthz`, { ca }, (res: { statusCode: number; resume(): void }) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
  return { endpoint, child, stop, log: () => log };
}

function initDir(): { dir: string; admin: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-server-'));
  const init = keyplane(['server', 'init', '--data', dir, '--key-file', join(dir, 'admin.key')]);
  expect(init.status).toBe(0);
  return { dir, admin: readFileSync(join(dir, 'admin.key'), 'utf8').trim() };
}

const post = (endpoint: string, key: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${endpoint}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('SIGTERM lets in-flight requests finish: every acknowledged key survives a restart', async () => {
  const { dir, admin } = initDir();
  const first = await serve(dir);
  const requests = Array.from({ length: 60 }, (_, i) => post(first.endpoint, admin, '/v1/api-keys', { name: `drain-${i}` }).then(async (r) => ({ status: r.status, body: r.status === 201 ? await r.json() : undefined })).catch(() => ({ status: 0, body: undefined })));
  await new Promise((r) => setTimeout(r, 15));
  const exit = first.stop();
  const results = await Promise.all(requests);
  expect(await exit).toBe(0);
  const acknowledged = results.filter((r) => r.status === 201).map((r) => (r.body as { api_key: { id: string } }).api_key.id);
  expect(acknowledged.length).toBeGreaterThan(0);
  const second = await serve(dir);
  const listed = (await (await fetch(`${second.endpoint}/v1/api-keys?page_size=200&name_prefix=drain-`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { api_keys: { id: string }[] };
  const stored = new Set(listed.api_keys.map((k) => k.id));
  for (const id of acknowledged) expect(stored.has(id)).toBe(true);
  expect(await second.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

test('pending last-used records are flushed at shutdown', async () => {
  const { dir, admin } = initDir();
  const s = await serve(dir);
  const res = await fetch(`${s.endpoint}/v1/whoami`, { headers: { authorization: `Bearer ${admin}` } });
  const id = ((await res.json()) as { api_key: { id: string } }).api_key.id;
  expect(await s.stop()).toBe(0); // well inside the one-second flush interval
  const again = await serve(dir);
  const key = (await (await fetch(`${again.endpoint}/v1/api-keys/${id}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { last_used_at: string | null; last_used_ip: string | null };
  expect(key.last_used_ip).toBe('127.0.0.1');
  expect(key.last_used_at).not.toBeNull();
  await again.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

test('TLS with --tls-cert and --tls-key', async () => {
  const { dir, admin } = initDir();
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  expect(gen.status).toBe(0);
  const ca = readFileSync(join(dir, 'tls.crt'));
  const s = await serve(dir, ['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')], 'https', ca);
  const who = keyplane(['whoami', '-o', 'json', '--ca-cert', join(dir, 'tls.crt')], { KEYPLANE_ENDPOINT: s.endpoint, KEYPLANE_API_KEY: admin });
  expect(who.stderr).toBe('');
  expect(JSON.parse(who.stdout).effective_role).toBe('admin');
  const untrusted = keyplane(['whoami'], { KEYPLANE_ENDPOINT: s.endpoint, KEYPLANE_API_KEY: admin });
  expect(untrusted.status).toBe(1);
  expect(untrusted.stderr).toMatch(/self[- ]signed|certificate/i);
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

test('X-Forwarded-For is believed only from --trusted-proxy peers', async () => {
  const { dir, admin } = initDir();
  const plain = await serve(dir);
  const list = (await (await post(plain.endpoint, admin, '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24'] })).json()) as { id: string };
  const created = (await (await post(plain.endpoint, admin, '/v1/api-keys', { name: 'fenced', allow_list_ids: [list.id] })).json()) as { secret: string };
  const whoami = (endpoint: string, xff?: string) => fetch(`${endpoint}/v1/whoami`, { headers: { authorization: `Bearer ${created.secret}`, ...(xff ? { 'x-forwarded-for': xff } : {}) } });
  // Not a trusted proxy: the header is ignored and the socket address (127.0.0.1) is outside the list.
  expect((await whoami(plain.endpoint, '203.0.113.5')).status).toBe(403);
  await plain.stop();
  const proxied = await serve(dir, ['--trusted-proxy', '127.0.0.1/32']);
  expect((await whoami(proxied.endpoint, '203.0.113.5')).status).toBe(200);
  expect((await whoami(proxied.endpoint, '198.51.100.7')).status).toBe(403);
  expect((await whoami(proxied.endpoint)).status).toBe(403);
  await proxied.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

test('start refuses an uninitialised store and a malformed --listen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-empty-'));
  const res = spawnSync(process.execPath, [CLI, 'server', 'start', '--data', dir, '--listen', '127.0.0.1:0'], { encoding: 'utf8' });
  expect(res.status).toBe(1);
  expect(res.stderr).toMatch(/master key|not initialised/);
  expect(() => parseListen('localhost')).toThrow(/HOST:PORT/);
  expect(() => parseListen('127.0.0.1:99999')).toThrow(/HOST:PORT/);
  expect(parseListen('[::1]:7420')).toEqual({ host: '::1', port: 7420 });
  rmSync(dir, { recursive: true, force: true });
});

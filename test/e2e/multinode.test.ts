import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { initialise } from '../../service/bootstrap';
import { createContext } from '../../service/context';
import { createMasterKeyFile, readMasterKeyFile } from '../../service/crypto/master-key';
import { type RunningServer, startServer } from '../../service/server';
import { describePostgres, startPostgres, type PostgresServer } from '../helpers/postgres';

describePostgres('two nodes on one PostgreSQL', () => {
  let pg: PostgresServer;
  let dir: string;
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;

  const call = async (node: RunningServer, method: string, path: string, body?: unknown, key = admin) => {
    const res = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'keyplane-nodes-'));
    const masterKeyFile = join(dir, 'master.key');
    createMasterKeyFile(masterKeyFile);
    const ctx = await createContext({ databaseUrl: pg.url, masterKey: readMasterKeyFile(masterKeyFile) });
    admin = (await initialise(ctx, { email: 'admin@example.com', name: 'Admin' })).secret;
    await ctx.close();
    const node = { databaseUrl: pg.url, masterKeyFile, listen: '127.0.0.1:0', logLevel: 'silent' };
    a = await startServer(node);
    b = await startServer(node);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a key created on node A works on node B', async () => {
    const created = await call(a, 'POST', '/v1/api-keys', { name: 'cross' });
    expect(created.status).toBe(201);
    expect((await call(b, 'GET', '/v1/whoami', undefined, created.body.secret)).body.api_key.id).toBe(created.body.api_key.id);
  });

  test('a key revoked on A is refused by B on its next request, though B had it cached', async () => {
    const created = (await call(a, 'POST', '/v1/api-keys', { name: 'revoke-me' })).body;
    for (let i = 0; i < 5; i++) expect((await call(b, 'GET', '/v1/whoami', undefined, created.secret)).status).toBe(200);
    expect((await call(b, 'POST', '/v1/keys/verify', { key: created.secret })).body.valid).toBe(true);
    expect((await call(a, 'POST', `/v1/api-keys/${created.api_key.id}/revoke`, {})).status).toBe(200);
    const next = await call(b, 'GET', '/v1/whoami', undefined, created.secret);
    expect(next.status).toBe(401);
    expect(next.body.error.message).toMatch(/revoked/);
    expect((await call(b, 'POST', '/v1/keys/verify', { key: created.secret })).body).toMatchObject({ valid: false, reason: 'revoked' });
  });

  test('8 clients creating keys concurrently on both nodes lose nothing', async () => {
    const clients = Array.from({ length: 8 }, (_, c) => (async () => {
      const made: { id: string; secret: string }[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await call(c % 2 ? b : a, 'POST', '/v1/api-keys', { name: `load-${c}-${i}`, labels: { run: 'concurrency' } });
        expect(res.status).toBe(201);
        made.push({ id: res.body.api_key.id, secret: res.body.secret });
      }
      return made;
    })());
    const made = (await Promise.all(clients)).flat();
    expect(made).toHaveLength(200);
    const listed: string[] = [];
    let token: string | null = null;
    do {
      const res: { body: { api_keys: { id: string }[]; next_page_token: string | null } } = await call(b, 'GET', `/v1/api-keys?label=run=concurrency&page_size=200${token ? `&page_token=${token}` : ''}`);
      listed.push(...res.body.api_keys.map((k) => k.id));
      token = res.body.next_page_token;
    } while (token);
    expect(listed.sort()).toEqual(made.map((m) => m.id).sort());
    for (const m of made.filter((_, i) => i % 10 === 0)) expect((await call(a, 'POST', '/v1/keys/verify', { key: m.secret })).body.valid).toBe(true);
  });

  test('parallel secret writers across both nodes lose nothing', async () => {
    const id = (await call(a, 'POST', '/v1/secrets', { name: 'shared' })).body.id;
    const writes = await Promise.all(Array.from({ length: 24 }, (_, i) => call(i % 2 ? a : b, 'POST', `/v1/secrets/${id}/versions`, { entries: { [`n${i}`]: `v${i}` } })));
    expect(writes.every((w) => w.status === 201)).toBe(true);
    const latest = (await call(b, 'GET', `/v1/secrets/${id}/versions/latest`)).body;
    expect(latest.version).toBe(24);
    expect(Object.keys(latest.entries).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `n${i}`).sort());
  });

  test('when B loses its LISTEN connection it stops trusting its cache, then reconnects', async () => {
    const created = (await call(a, 'POST', '/v1/api-keys', { name: 'deaf' })).body;
    expect((await call(b, 'GET', '/v1/whoami', undefined, created.secret)).status).toBe(200);
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    try {
      // A revocation B never hears of (no NOTIFY), as if it happened while B's connection was down.
      await admin.query("update api_keys set revoked_at = $1, revoke_reason = 'direct' where id = $2", [new Date().toISOString(), created.api_key.id]);
      expect((await call(b, 'GET', '/v1/whoami', undefined, created.secret)).status).toBe(200); // B still trusts its cache
      const killed = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN %'");
      expect(killed.rowCount).toBe(2); // one listener per node
      // The nodes learn of the loss from the server's termination message, a moment later; from then on B
      // must not answer from a cache that may have missed changes (bypassed while deaf, emptied on reconnect).
      await new Promise((r) => setTimeout(r, 300));
      expect((await call(b, 'GET', '/v1/whoami', undefined, created.secret)).status).toBe(401);
      // The listeners come back.
      for (let i = 0; i < 50; i++) {
        const n = await admin.query("select count(*)::int as n from pg_stat_activity where query ilike 'LISTEN %'");
        if (n.rows[0].n === 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await admin.query("select count(*)::int as n from pg_stat_activity where query ilike 'LISTEN %'")).rows[0].n).toBe(2);
    } finally {
      await admin.end();
    }
    const again = (await call(a, 'POST', '/v1/api-keys', { name: 'after-reconnect' })).body;
    expect((await call(b, 'GET', '/v1/whoami', undefined, again.secret)).status).toBe(200);
    await call(a, 'POST', `/v1/api-keys/${again.api_key.id}/revoke`, {});
    expect((await call(b, 'GET', '/v1/whoami', undefined, again.secret)).status).toBe(401);
  });
});

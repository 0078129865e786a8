/**
 * Idempotency-Key on POST /v1/api-keys, on SQLite and PostgreSQL: a repeat makes no second key and shows no
 * secret, another request under the same key is a 409, concurrent repeats make exactly one key, a create whose
 * answer was lost on the wire is retried into the same key, and the stored answer holds no plaintext.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { KeyplaneClient } from '../../client';
import { LIMITS } from '../../contract/limits';
import { sql } from 'kysely';
import { pgpKeyPair } from '../../test/helpers/pgp';
import { describePostgres, describeSqlite, startPostgres } from '../../test/helpers/postgres';
import { type HttpService, startHttpService } from '../../test/helpers/service';

const CREATE = '/v1/api-keys';
const idem = (key: string) => ({ 'idempotency-key': key });
let n = 0;
const freshKey = () => `test-${process.pid}-${Date.now()}-${++n}`;

/**
 * A TCP proxy that forwards the client's first request to the service and then closes the client's side as
 * soon as the service starts answering: the request acted, its answer is lost. Later connections pass through.
 */
async function answerLosingProxy(upstreamPort: number): Promise<{ endpoint: string; cut: () => number; close: () => Promise<void> }> {
  let cuts = 0;
  let armed = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    const up = connect(upstreamPort, '127.0.0.1');
    sockets.add(up);
    const cutThis = armed;
    armed = false;
    client.on('data', (d) => up.write(d));
    up.on('data', (d) => {
      if (cutThis) {
        cuts++;
        client.resetAndDestroy();
        up.destroy();
        return;
      }
      client.write(d);
    });
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    cut: () => cuts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function tests(start: () => Promise<HttpService & { dump(): Promise<string> }>) {
  let svc: HttpService & { dump(): Promise<string> };
  beforeAll(async () => {
    svc = await start();
  }, 120_000);
  afterAll(() => svc?.close());

  const countNamed = async (name: string) =>
    (await svc.call('GET', `${CREATE}?page_size=200&name_prefix=${encodeURIComponent(name)}`)).body.api_keys.filter((k: { name: string }) => k.name === name)
      .length as number;

  test('a repeat answers 200 with the same key, replayed, the header, and no secret', async () => {
    const key = freshKey();
    const body = { name: 'idem-repeat', labels: { a: '1', b: '2' } };
    const first = await svc.request({ method: 'POST', url: CREATE, body, headers: idem(key) });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ replayed: false, delivery: { mode: 'response' } });
    expect(first.body.secret).toMatch(/^kp_/);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same body with its fields in another order is the same request.
    const again = await svc.request({ method: 'POST', url: CREATE, body: { labels: { b: '2', a: '1' }, name: 'idem-repeat' }, headers: idem(key) });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, secret: undefined, replayed: true });
    expect(Object.keys(again.body)).not.toContain('secret');
    expect(await countNamed('idem-repeat')).toBe(1);
  });

  test('the same key with another body, or on another key id, is a 409 naming Idempotency-Key and makes nothing', async () => {
    const key = freshKey();
    expect((await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-reused' }, headers: idem(key) })).status).toBe(201);
    const other = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-reused', description: 'another' }, headers: idem(key) });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    expect(await countNamed('idem-reused')).toBe(1);
  });

  test('keys are per principal: another caller sending the same key makes its own key', async () => {
    const key = freshKey();
    const dev = await svc.person('developer');
    const a = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-scope' }, headers: idem(key) });
    const b = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-scope' }, headers: idem(key), key: dev.key });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.api_key.id).not.toBe(b.body.api_key.id);
    // Each finds only its own through the listing.
    const mine = await svc.request({ method: 'GET', url: `${CREATE}?idempotency_key=${encodeURIComponent(key)}`, key: dev.key });
    expect(mine.body.api_keys.map((k: { id: string }) => k.id)).toEqual([b.body.api_key.id]);
  });

  test('GET /v1/api-keys?idempotency_key finds the key made with it, or an empty page', async () => {
    const key = freshKey();
    const made = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-find' }, headers: idem(key) });
    const found = await svc.call('GET', `${CREATE}?idempotency_key=${encodeURIComponent(key)}`);
    expect(found.body).toEqual({ api_keys: [made.body.api_key], next_page_token: null });
    const none = await svc.call('GET', `${CREATE}?idempotency_key=never-used-${Date.now()}`);
    expect(none.body).toEqual({ api_keys: [], next_page_token: null });
    const bad = await svc.call('GET', `${CREATE}?idempotency_key=${encodeURIComponent('has space')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('idempotency_key');
  });

  test.each([
    ['empty', ''],
    ['too long', 'k'.repeat(LIMITS.idempotencyKey.max + 1)],
    ['a space', 'two words'],
    ['non-ASCII', 'clé'],
  ])('an Idempotency-Key that is %s is a 400 naming it, before any key exists', async (_what, value) => {
    const res = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-bad-header' }, headers: { 'idempotency-key': value } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_argument', field: 'Idempotency-Key' });
    expect(await countNamed('idem-bad-header')).toBe(0);
  });

  test('a failed create is not remembered: the same key may be sent again once the request is fixed', async () => {
    const key = freshKey();
    const failed = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-failed', scopes: ['no.such.scope'] }, headers: idem(key) });
    expect(failed.status).toBe(400);
    const fixed = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-failed' }, headers: idem(key) });
    expect(fixed.status).toBe(201);
  });

  test('a record older than the window is ignored and purged: the key makes a new key; the listing still finds what it made', async () => {
    const key = freshKey();
    const first = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-old' }, headers: idem(key) });
    const old = new Date(Date.now() - (LIMITS.idempotencyKey.windowSeconds + 60) * 1000).toISOString();
    await svc.ctx.store.db.updateTable('idempotency_keys').set({ created_at: old }).where('idempotency_key', '=', key).execute();
    // The replay record is past its window, but the key keeps the Idempotency-Key it was created with.
    const found = (await svc.call('GET', `${CREATE}?idempotency_key=${encodeURIComponent(key)}`)).body.api_keys;
    expect(found.map((k: { id: string }) => k.id)).toEqual([first.body.api_key.id]);
    const second = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-old' }, headers: idem(key) });
    expect(second.status).toBe(201);
    expect(second.body.api_key.id).not.toBe(first.body.api_key.id);
    const rows = await svc.ctx.store.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('created_at', '<', new Date(Date.now() - 3_600_000).toISOString())
      .execute();
    expect(rows).toEqual([]);
  });

  test('10 identical requests at once make exactly one key; nine are replays of it', async () => {
    const key = freshKey();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-parallel' }, headers: idem(key) })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.api_key.id)).size).toBe(1);
    expect(results.filter((r) => r.body.secret !== undefined)).toHaveLength(1);
    expect(await countNamed('idem-parallel')).toBe(1);
  });

  test('10 identical PGP-delivered requests at once (each encrypts before its transaction): one key, one message', async () => {
    const key = freshKey();
    const { publicKey } = await pgpKeyPair();
    const body = { name: 'idem-parallel-pgp', delivery: { pgp_public_key: publicKey } };
    const results = await Promise.all(Array.from({ length: 10 }, () => svc.request({ method: 'POST', url: CREATE, body, headers: idem(key) })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.api_key.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.delivery.pgp.encrypted_secret)).size).toBe(1);
    expect(await countNamed('idem-parallel-pgp')).toBe(1);
  });

  test('10 identical requests at once over HTTP, delivered to the secret store: one key, one entry version', async () => {
    const key = freshKey();
    const secretId = (await svc.call('POST', '/v1/secrets', { name: `idem-store-${n}` })).body.id as string;
    const body = { name: 'idem-parallel-store', delivery: { secret_store: { secret_id: secretId } } };
    const results = await Promise.all(Array.from({ length: 10 }, () => svc.client.createApiKey(body, { idempotencyKey: key })));
    expect(new Set(results.map((r) => r.api_key.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await countNamed('idem-parallel-store')).toBe(1);
    const versions = (await svc.call('GET', `/v1/secrets/${secretId}/versions`)).body.versions;
    expect(versions).toHaveLength(1);
  });

  test('a create whose answer is lost after it was sent is retried with its key into the same key', async () => {
    const proxy = await answerLosingProxy(Number(new URL(svc.endpoint).port));
    try {
      const client = new KeyplaneClient({ endpoint: proxy.endpoint, apiKey: svc.adminKey, retries: 2, retryBaseDelayMs: 10 });
      const created = await client.createApiKey({ name: 'idem-lost-answer' }, { idempotencyKey: freshKey() });
      expect(proxy.cut()).toBe(1);
      expect(created.replayed).toBe(true);
      expect(created.secret).toBeUndefined();
      expect(await countNamed('idem-lost-answer')).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test('without the key the same lost answer is not retried: the client reports it (and the key exists)', async () => {
    const proxy = await answerLosingProxy(Number(new URL(svc.endpoint).port));
    try {
      const client = new KeyplaneClient({ endpoint: proxy.endpoint, apiKey: svc.adminKey, retries: 2, retryBaseDelayMs: 10 });
      await expect(client.createApiKey({ name: 'idem-lost-no-key' })).rejects.toThrow();
      expect(await countNamed('idem-lost-no-key')).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test('the stored answers never hold a plaintext secret', async () => {
    const key = freshKey();
    const first = await svc.request({ method: 'POST', url: CREATE, body: { name: 'idem-scan' }, headers: idem(key) });
    const secret = first.body.secret as string;
    expect(secret).toMatch(/^kp_/);
    const stored = await svc.ctx.store.db.selectFrom('idempotency_keys').select('response').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.response).api_key.id).toBe(first.body.api_key.id);
    const everything = await svc.dump();
    expect(everything.length).toBeGreaterThan(0);
    expect(everything).toContain(first.body.api_key.id);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(3));
  });
}

describeSqlite('Idempotency-Key on SQLite', () => {
  tests(async () => {
    const svc = await startHttpService();
    return Object.assign(svc, {
      // The database file and its write-ahead log, byte for byte.
      async dump() {
        return readdirSync(svc.dir)
          .filter((f) => f.startsWith('keyplane.db'))
          .map((f) => readFileSync(join(svc.dir, f)).toString('latin1'))
          .join('\n');
      },
    });
  });
});

describePostgres('Idempotency-Key on PostgreSQL', () => {
  tests(async () => {
    const pg = await startPostgres();
    const svc = await startHttpService({ databaseUrl: pg.url });
    const close = svc.close.bind(svc);
    return Object.assign(svc, {
      async close() {
        await close();
        await pg.stop();
      },
      // Every row of every table, as text.
      async dump() {
        const db = svc.ctx.store.db;
        const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db);
        const parts: string[] = [];
        for (const { name } of tables.rows) parts.push(JSON.stringify((await sql`select * from ${sql.table(name)}`.execute(db)).rows));
        return parts.join('\n');
      },
    });
  });
});

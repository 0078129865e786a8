/**
 * Idempotency-Key on POST /v1/api-keys/{id}/rotate, on SQLite and PostgreSQL: a repeat rotates once and
 * replays the first answer without its secret; another request under the same key is a 409; identical
 * requests at once rotate exactly once, and the one secret answered works; the stored answer holds no secret.
 */
import { describePostgres, describeSqlite, startPostgres } from '../../test/helpers/postgres';
import { startTestService, type TestService } from '../../test/helpers/service';

const idem = (key: string) => ({ 'idempotency-key': key });
let n = 0;
const freshKey = () => `rotate-${process.pid}-${Date.now()}-${++n}`;

function tests(start: () => Promise<TestService>) {
  let svc: TestService;
  beforeAll(async () => {
    svc = await start();
  }, 120_000);
  afterAll(() => svc?.close());

  const make = async () => {
    const res = await svc.call('POST', '/v1/api-keys', { name: 'idem-rotate', role: 'viewer' });
    expect(res.status).toBe(201);
    return { id: res.body.api_key.id as string, secret: res.body.secret as string };
  };
  const rotate = (id: string, body: Record<string, unknown>, key: string) =>
    svc.request({ method: 'POST', url: `/v1/api-keys/${id}/rotate`, body, headers: idem(key) });
  const version = async (id: string) => (await svc.call('GET', `/v1/api-keys/${id}`)).body.secret_version as number;
  const verify = async (key: string) => (await svc.call('POST', '/v1/keys/verify', { key })).body;

  test('a repeat rotates once: 200, the same key, replayed, the header, and no secret', async () => {
    const k = await make();
    const key = freshKey();
    const first = await rotate(k.id, { overlap_seconds: 60 }, key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ replayed: false, api_key: { id: k.id, secret_version: 2 } });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const secret = first.body.secret as string;
    const again = await rotate(k.id, { overlap_seconds: 60 }, key);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.secret).toBeUndefined();
    expect(again.body).toEqual({ ...first.body, secret: undefined, replayed: true });
    expect(await version(k.id)).toBe(2);
    expect(await verify(secret)).toMatchObject({ valid: true, matched_secret: 'current' });
    expect(await verify(k.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
  });

  test('the same key with another body, on another key, or on the create route is a 409 naming Idempotency-Key, and rotates nothing', async () => {
    const k = await make();
    const other = await make();
    const key = freshKey();
    expect((await rotate(k.id, { overlap_seconds: 60 }, key)).status).toBe(200);
    for (const res of [
      await rotate(k.id, { overlap_seconds: 61 }, key),
      await rotate(other.id, { overlap_seconds: 60 }, key),
      await svc.request({ method: 'POST', url: '/v1/api-keys', body: { name: 'x' }, headers: idem(key) }),
    ]) {
      expect([res.status, res.body.error.code, res.body.error.field]).toEqual([409, 'idempotency_key_reused', 'Idempotency-Key']);
    }
    expect(await version(k.id)).toBe(2);
    expect(await version(other.id)).toBe(1);
  });

  test('a refused rotation is not remembered: once the cause is gone the same key rotates', async () => {
    const k = await make();
    const key = freshKey();
    const bad = await rotate(k.id, { delivery: { secret_store: { secret_id: 'sec_0000000000000000000a' } } }, key);
    expect(bad.status).toBe(404);
    expect((await rotate(k.id, { delivery: { secret_store: { secret_id: 'sec_0000000000000000000a' } } }, key)).status).toBe(404);
    expect(await version(k.id)).toBe(1);
  });

  test('a replay after the key was revoked still answers the first answer', async () => {
    const k = await make();
    const key = freshKey();
    const first = await rotate(k.id, {}, key);
    expect((await svc.call('POST', `/v1/api-keys/${k.id}/revoke`, {})).status).toBe(200);
    const again = await rotate(k.id, {}, key);
    expect([again.status, again.body.replayed, again.body.api_key.secret_version]).toEqual([200, true, first.body.api_key.secret_version]);
    const plain = await svc.call('POST', `/v1/api-keys/${k.id}/rotate`, {});
    expect([plain.status, plain.body.error.code]).toEqual([409, 'conflict']);
  });

  test('6 identical rotations at once rotate exactly once; the one secret answered works', async () => {
    const k = await make();
    const key = freshKey();
    const answers = await Promise.all(Array.from({ length: 6 }, () => rotate(k.id, { overlap_seconds: 30 }, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    const firsts = answers.filter((a) => a.body.replayed === false);
    expect(firsts).toHaveLength(1);
    expect(answers.filter((a) => a.body.secret !== undefined)).toHaveLength(1);
    expect(await version(k.id)).toBe(2);
    expect(await verify(firsts[0]!.body.secret)).toMatchObject({ valid: true, key_id: k.id, matched_secret: 'current' });
    expect(await verify(k.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
  });

  test('the stored answer holds no secret', async () => {
    const k = await make();
    const key = freshKey();
    const first = await rotate(k.id, { overlap_seconds: 5 }, key);
    const stored = await svc.ctx.store.db.selectFrom('idempotency_keys').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(stored.api_key_id).toBe(k.id);
    expect(stored.response).not.toContain(first.body.secret);
    expect(stored.response).not.toContain(k.secret);
    expect(JSON.parse(stored.response).api_key.secret_version).toBe(2);
  });
}

describeSqlite('rotation with Idempotency-Key on SQLite', () => {
  tests(() => startTestService());
});

describePostgres('rotation with Idempotency-Key on PostgreSQL', () => {
  tests(async () => {
    const pg = await startPostgres();
    const svc = await startTestService({ databaseUrl: pg.url });
    const close = svc.close.bind(svc);
    return Object.assign(svc, {
      async close() {
        await close();
        await pg.stop();
      },
    });
  });
});

import { startTestService, type TestService } from '../helpers/service';
import { describePostgres, startPostgres, type PostgresServer } from '../helpers/postgres';

describePostgres('the service on PostgreSQL', () => {
  let pg: PostgresServer;
  let svc: TestService;
  beforeAll(async () => {
    pg = await startPostgres();
    svc = await startTestService({ databaseUrl: pg.url });
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await pg?.stop();
  });

  test('stores in PostgreSQL, not SQLite', () => {
    expect(svc.ctx.store.dialect).toBe('postgres');
  });

  test('keys: create, verify, filter, revoke, delete', async () => {
    const created = await svc.call('POST', '/v1/api-keys', { name: 'pg', labels: { env: 'prod' }, expires_at: '2099-01-01T00:00:00+02:00' });
    expect(created.status).toBe(201);
    expect(created.body.api_key.expires_at).toBe('2098-12-31T22:00:00.000Z');
    expect((await svc.call('GET', '/v1/whoami', undefined, created.body.secret)).status).toBe(200);
    expect((await svc.call('GET', '/v1/api-keys?label=env=prod&status=active')).body.api_keys.map((k: any) => k.id)).toEqual([created.body.api_key.id]);
    await svc.call('POST', `/v1/api-keys/${created.body.api_key.id}/revoke`, {});
    expect((await svc.call('GET', '/v1/whoami', undefined, created.body.secret)).status).toBe(401);
    expect((await svc.call('GET', '/v1/api-keys?status=revoked')).body.api_keys).toHaveLength(1);
    expect((await svc.call('DELETE', `/v1/api-keys/${created.body.api_key.id}`)).status).toBe(204);
  });

  test('unique names conflict with 409, not 500', async () => {
    expect((await svc.call('POST', '/v1/service-accounts', { name: 'dup' })).status).toBe(201);
    const again = await svc.call('POST', '/v1/service-accounts', { name: 'dup' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_exists', field: 'name' });
  });

  test('20 parallel secret writers lose nothing (row lock)', async () => {
    const id = (await svc.call('POST', '/v1/secrets', { name: 'pg-parallel' })).body.id;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { [`e${i}`]: `v${i}` } })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const latest = (await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body;
    expect(latest.version).toBe(20);
    expect(Object.keys(latest.entries)).toHaveLength(20);
  });
});

/**
 * Values PostgreSQL cannot store are 400s naming the field on both databases, never 500s on one of them:
 * a NUL character in any text, a version number beyond a 32-bit integer.
 */
import { startTestService, type TestService } from '../../test/helpers/service';
import { describePostgres, describeSqlite, startPostgres, type PostgresServer } from '../../test/helpers/postgres';

function tests(start: () => Promise<TestService>, stop: () => Promise<void> = async () => undefined) {
  let svc: TestService;
  let secret: string;
  beforeAll(async () => {
    svc = await start();
    secret = (await svc.call('POST', '/v1/secrets', { name: 'nul-target' })).body.id;
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await stop();
  });

  test.each([
    ['POST', '/v1/api-keys', { name: 'a\u0000b' }, 'name'],
    ['POST', '/v1/api-keys', { name: 'a', labels: { team: 'x\u0000' } }, 'labels.team'],
    ['POST', '/v1/users', { email: 'a\u0000@example.com', name: 'x', role: 'viewer' }, 'email'],
    ['POST', '/v1/service-accounts', { name: 'sa', description: '\u0000' }, 'description'],
    ['POST', '/v1/ip-allow-lists', { name: 'l', cidrs: ['10.0.0.0/8', '\u0000'] }, 'cidrs[1]'],
    ['POST', '/v1/secrets', { name: 's\u0000' }, 'name'],
    ['GET', `/v1/api-keys?name_prefix=${encodeURIComponent('a\u0000')}`, undefined, 'name_prefix'],
    ['GET', `/v1/audit-events?action=${encodeURIComponent('x\u0000')}`, undefined, 'action'],
    ['GET', `/v1/api-keys/${encodeURIComponent('key_\u0000')}`, undefined, 'id'],
    ['GET', `/v1/users?email=${encodeURIComponent('a\u0000@b.c')}`, undefined, 'email'],
  ])('%s %s with a NUL character names %s', async (method, url, body, field) => {
    const res = await svc.call(method, url, body);
    expect(res.body).toEqual({ error: { code: 'invalid_argument', message: expect.stringMatching(/NUL/), field } });
  });

  test('a secret entry value may hold a NUL character; it is stored encrypted', async () => {
    expect((await svc.call('POST', `/v1/secrets/${secret}/versions`, { entries: { bin: 'a\u0000b' } })).status).toBe(201);
    expect((await svc.call('GET', `/v1/secrets/${secret}/versions/latest`)).body.entries).toEqual({ bin: 'a\u0000b' });
  });

  test.each(['2147483648', '99999999999999999999'])('version %s is a 400 on the version', async (v) => {
    for (const [method, url] of [
      ['GET', `/v1/secrets/${secret}/versions/${v}`],
      ['POST', `/v1/secrets/${secret}/versions/${v}/destroy`],
    ]) {
      const res = await svc.call(method!, url!, method === 'POST' ? {} : undefined);
      expect([url, res.status, res.body.error.field]).toEqual([url, 400, 'version']);
    }
    const cas = await svc.call('POST', `/v1/secrets/${secret}/versions`, { entries: { a: '1' }, expected_version: Number(v) });
    expect([cas.status, cas.body.error.field]).toEqual([400, 'expected_version']);
    expect((await svc.call('GET', `/v1/secrets/${secret}/versions/2147483647`)).status).toBe(404);
  });
}

describeSqlite('on SQLite', () => tests(() => startTestService()));

describePostgres('on PostgreSQL', () => {
  let pg: PostgresServer;
  tests(
    async () => {
      pg = await startPostgres();
      return startTestService({ databaseUrl: pg.url });
    },
    async () => pg?.stop(),
  );
});

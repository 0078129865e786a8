/**
 * A key written at the same moment as the scope or allow list it names is deleted: either the key wins (it
 * is created, the delete is a 409) or the delete wins (the key is a 400 naming the field). Never a 500, and
 * never a key holding a scope or list that no longer exists.
 */
import { startTestService, startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';
import { describePostgres, describeSqlite } from '../../test/helpers/postgres';

const ROUNDS = 15;

function tests(start: () => Promise<TestService>, stop: () => Promise<void> = async () => undefined) {
  let svc: TestService;
  beforeAll(async () => {
    svc = await start();
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await stop();
  });

  const outcome = (key: { status: number; body: any }, del: { status: number }) =>
    `${key.status}${key.body.error ? ` ${key.body.error.field}` : ''} / ${del.status}`;

  test('creating a key with an allow list while the list is deleted', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: `race-${i}`, cidrs: ['10.0.0.0/8'] })).body.id as string;
      const [key, del] = await Promise.all([
        svc.call('POST', '/v1/api-keys', { name: 'k', allow_list_ids: [list] }),
        svc.call('DELETE', `/v1/ip-allow-lists/${list}`),
      ]);
      expect(['201 / 409', '400 allow_list_ids[0] / 204']).toContain(outcome(key, del));
      if (key.status === 201) expect((await svc.call('GET', `/v1/ip-allow-lists/${list}`)).status).toBe(200);
    }
  });

  test('attaching an allow list to a key while the list is deleted', async () => {
    const key = (await svc.call('POST', '/v1/api-keys', { name: 'patched' })).body.api_key.id as string;
    for (let i = 0; i < ROUNDS; i++) {
      const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: `race-p-${i}`, cidrs: ['10.0.0.0/8'] })).body.id as string;
      const [patch, del] = await Promise.all([
        svc.call('PATCH', `/v1/api-keys/${key}`, { allow_list_ids: [list] }),
        svc.call('DELETE', `/v1/ip-allow-lists/${list}`),
      ]);
      const o = outcome(patch, del);
      expect(['200 / 409', '400 allow_list_ids[0] / 204']).toContain(o);
      if (patch.status === 200) await svc.call('PATCH', `/v1/api-keys/${key}`, { allow_list_ids: [] });
    }
  });

  test('creating a key with a scope while the scope is deleted', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const scope = `race.scope${i}`;
      await svc.call('POST', '/v1/scopes', { name: scope, description: 'x' });
      const [key, del] = await Promise.all([svc.call('POST', '/v1/api-keys', { name: 'k', scopes: [scope] }), svc.call('DELETE', `/v1/scopes/${scope}`)]);
      expect(['201 / 409', '400 scopes[0] / 204']).toContain(outcome(key, del));
      const listed = (await svc.call('GET', '/v1/scopes')).body.scopes.some((s: { name: string }) => s.name === scope);
      expect(listed).toBe(key.status === 201);
    }
  });
}

describeSqlite('on SQLite', () => tests(() => startTestService()));

describePostgres('on PostgreSQL', () => tests(() => startTestServiceOnPostgres()));

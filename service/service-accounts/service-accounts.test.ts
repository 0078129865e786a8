/**
 * `/v1/service-accounts`: identities for machines, viewer by default, unique by name; deleting one revokes
 * every key it owns or created.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const create = async (body: Record<string, unknown>, key?: string) => {
  const res = await svc.call('POST', '/v1/service-accounts', body, key);
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { id: string; name: string; role: string };
};

test('create answers the account, viewer unless a role is given; names are unique', async () => {
  const dev = await svc.person('developer');
  const sa = await create({ name: 'ci-runner', description: 'CI' }, dev.key);
  expect(sa).toEqual({
    id: expect.stringMatching(/^sa_/),
    name: 'ci-runner',
    description: 'CI',
    role: 'viewer',
    disabled: false,
    owner_user_id: dev.id,
    manager_user_ids: [],
    created_by: dev.id,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  });
  const dup = await svc.call('POST', '/v1/service-accounts', { name: 'ci-runner' });
  expect([dup.status, dup.body.error]).toEqual([409, { code: 'already_exists', message: expect.any(String), field: 'name' }]);
  const taken = await create({ name: 'ci-other' });
  expect((await svc.call('PATCH', `/v1/service-accounts/${taken.id}`, { name: 'ci-runner' })).body.error).toMatchObject({
    code: 'already_exists',
    field: 'name',
  });
});

test.each([
  [{ name: '' }, 'name'],
  [{ name: 'x'.repeat(129) }, 'name'],
  [{ name: 'x', role: 'root' }, 'role'],
  [{ name: 'x', disabled: true }, 'disabled'],
  [{ name: 'x', owner: 'me' }, 'owner'],
])('%j is refused naming %s', async (body, field) => {
  const res = await svc.call('POST', '/v1/service-accounts', body);
  expect([res.status, res.body.error.code, res.body.error.field]).toEqual([400, 'invalid_argument', field]);
});

test('name and name_prefix filters match exactly', async () => {
  for (const name of ['deploy_prod', 'deployXprod', 'Deploy_stage']) await create({ name });
  const names = async (q: string) => (await svc.call('GET', `/v1/service-accounts?${q}`)).body.service_accounts.map((s: { name: string }) => s.name).sort();
  expect(await names('name_prefix=deploy_')).toEqual(['deploy_prod']);
  expect(await names('name_prefix=Deploy')).toEqual(['Deploy_stage']);
  expect(await names('name=deploy_prod')).toEqual(['deploy_prod']);
  expect(await names('name=DEPLOY_PROD')).toEqual([]);
});

test('PATCH changes only what is sent', async () => {
  const sa = await create({ name: 'patchable', description: 'd', role: 'developer' });
  expect((await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { description: 'e' })).body).toMatchObject({
    name: 'patchable',
    description: 'e',
    role: 'developer',
    disabled: false,
  });
  expect((await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: true })).body).toMatchObject({ description: 'e', disabled: true });
});

test('deleting an account revokes the keys it owns and the keys its keys created', async () => {
  // An admin account, so its key may mint keys for any account.
  const sa = await create({ name: 'doomed', role: 'admin' });
  const own = (await svc.call('POST', '/v1/api-keys', { name: 'own', service_account_id: sa.id, role: 'admin' })).body;
  const other = await create({ name: 'survivor', role: 'developer' });
  const madeBySa = (await svc.call('POST', '/v1/api-keys', { name: 'made by sa', service_account_id: other.id }, own.secret)).body;
  expect(madeBySa.api_key.created_by).toBe(sa.id);
  expect((await svc.call('DELETE', `/v1/service-accounts/${sa.id}`)).status).toBe(204);
  for (const k of [own, madeBySa]) {
    expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body).toMatchObject({ status: 'revoked', revoke_reason: 'owner_deleted' });
    expect((await svc.call('GET', '/v1/whoami', undefined, k.secret)).status).toBe(401);
  }
  expect((await svc.call('GET', `/v1/service-accounts/${sa.id}`)).status).toBe(404);
  expect((await svc.call('GET', `/v1/audit-events?action=service_account.delete&target_id=${sa.id}`)).body.audit_events[0].details).toEqual({
    name: 'doomed',
    revoked_keys: 2,
  });
});

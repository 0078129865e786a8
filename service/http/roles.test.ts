import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let dev: { id: string; key: string };
let otherDev: { id: string; key: string };
let viewer: { id: string; key: string };

/** A user with a key of their own, created by the admin for them. */
async function person(email: string, role: string) {
  const user = await svc.call('POST', '/v1/users', { email, name: email, role });
  expect(user.status).toBe(201);
  const key = await svc.call('POST', '/v1/api-keys', { name: `${email} key`, user_id: user.body.id, role });
  expect(key.status).toBe(201);
  return { id: user.body.id as string, key: key.body.secret as string, keyId: key.body.api_key.id as string };
}

beforeAll(async () => {
  svc = await startTestService();
  dev = await person('dev@example.com', 'developer');
  otherDev = await person('other@example.com', 'developer');
  viewer = await person('viewer@example.com', 'viewer');
});
afterAll(() => svc.close());

describe('developers', () => {
  test('create keys for themselves up to their role, never above', async () => {
    const ok = await svc.call('POST', '/v1/api-keys', { name: 'mine' }, dev.key);
    expect(ok.status).toBe(201);
    expect(ok.body.api_key).toMatchObject({ owner_id: dev.id, role: 'developer' });
    const above = await svc.call('POST', '/v1/api-keys', { name: 'admin please', role: 'admin' }, dev.key);
    expect(above.status).toBe(403);
    expect(above.body.error).toMatchObject({ code: 'permission_denied', field: 'role' });
  });

  test('manage service accounts and their keys, but not an admin service account', async () => {
    const sa = await svc.call('POST', '/v1/service-accounts', { name: 'dev-sa', role: 'developer' }, dev.key);
    expect(sa.status).toBe(201);
    const key = await svc.call('POST', '/v1/api-keys', { name: 'sa key', service_account_id: sa.body.id }, dev.key);
    expect(key.status).toBe(201);
    // another developer may not, until the account's owner names them a manager
    expect((await svc.call('PATCH', `/v1/api-keys/${key.body.api_key.id}`, { description: 'x' }, otherDev.key)).status).toBe(403);
    expect((await svc.call('PATCH', `/v1/service-accounts/${sa.body.id}`, { manager_user_ids: [otherDev.id] }, dev.key)).status).toBe(200);
    expect((await svc.call('PATCH', `/v1/api-keys/${key.body.api_key.id}`, { description: 'x' }, otherDev.key)).status).toBe(200);
    const adminSa = await svc.call('POST', '/v1/service-accounts', { name: 'admin-sa', role: 'admin' });
    expect((await svc.call('POST', '/v1/api-keys', { name: 'no', service_account_id: adminSa.body.id }, dev.key)).status).toBe(403);
    expect((await svc.call('POST', '/v1/service-accounts', { name: 'escalate', role: 'admin' }, dev.key)).body.error.field).toBe('role');
    expect((await svc.call('PATCH', `/v1/service-accounts/${adminSa.body.id}`, { description: 'mine now' }, dev.key)).status).toBe(403);
  });

  test("never touch another user's key", async () => {
    const theirs = (await svc.call('POST', '/v1/api-keys', { name: 'theirs' }, otherDev.key)).body.api_key;
    for (const [method, url, body] of [
      ['PATCH', `/v1/api-keys/${theirs.id}`, { name: 'stolen' }],
      ['POST', `/v1/api-keys/${theirs.id}/revoke`, {}],
      ['DELETE', `/v1/api-keys/${theirs.id}`, undefined],
    ] as const) {
      const res = await svc.call(method, url, body, dev.key);
      expect(res.status).toBe(403);
    }
    expect((await svc.call('GET', `/v1/api-keys/${theirs.id}`)).body).toMatchObject({ name: 'theirs', status: 'active' });
    expect((await svc.call('POST', '/v1/api-keys', { name: 'for them', user_id: otherDev.id }, dev.key)).body.error.field).toBe('user_id');
  });

  test('never touch users', async () => {
    expect((await svc.call('POST', '/v1/users', { email: 'x@example.com', name: 'x', role: 'viewer' }, dev.key)).status).toBe(403);
    expect((await svc.call('PATCH', `/v1/users/${otherDev.id}`, { role: 'viewer' }, dev.key)).status).toBe(403);
    expect((await svc.call('DELETE', `/v1/users/${otherDev.id}`, undefined, dev.key)).status).toBe(403);
    expect((await svc.call('GET', '/v1/users', undefined, dev.key)).status).toBe(200);
  });

  test('cannot grant built-in scopes they do not hold, nor register scopes', async () => {
    const res = await svc.call('POST', '/v1/api-keys', { name: 'sneaky', scopes: ['keyplane.secrets.read'] }, dev.key);
    expect(res.status).toBe(403);
    expect(res.body.error.field).toBe('scopes[0]');
    expect((await svc.call('POST', '/v1/scopes', { name: 'billing.read', description: 'x' }, dev.key)).status).toBe(403);
    expect((await svc.call('POST', '/v1/scopes', { name: 'billing.read', description: 'Read invoices' })).status).toBe(201);
    expect((await svc.call('POST', '/v1/api-keys', { name: 'billing', scopes: ['billing.read'] }, dev.key)).status).toBe(201);
  });
});

describe('viewers read only', () => {
  test('every write is refused, reads work', async () => {
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/api-keys', { name: 'v' }],
      ['POST', '/v1/service-accounts', { name: 'v-sa' }],
      ['POST', '/v1/ip-allow-lists', { name: 'v', cidrs: ['10.0.0.0/8'] }],
      ['POST', '/v1/secrets', { name: 'v-secret' }],
      ['POST', '/v1/users', { email: 'v2@example.com', name: 'v', role: 'viewer' }],
      ['POST', '/v1/scopes', { name: 'v.read', description: 'x' }],
    ];
    for (const [method, url, body] of writes) {
      const res = await svc.call(method, url, body, viewer.key);
      expect([url, res.status]).toEqual([url, 403]);
    }
    for (const url of ['/v1/api-keys', '/v1/service-accounts', '/v1/ip-allow-lists', '/v1/scopes', '/v1/secrets', '/v1/users', '/v1/whoami']) {
      expect([url, (await svc.call('GET', url, undefined, viewer.key)).status]).toEqual([url, 200]);
    }
    expect((await svc.call('GET', '/v1/audit-events', undefined, viewer.key)).status).toBe(403);
  });
});

describe('effective role follows the creator', () => {
  test('demoting the creator demotes their keys at once; promoting restores them', async () => {
    const u = await person('demote@example.com', 'developer');
    expect((await svc.call('POST', '/v1/service-accounts', { name: 'before-demotion' }, u.key)).status).toBe(201);
    expect((await svc.call('PATCH', `/v1/users/${u.id}`, { role: 'viewer' })).status).toBe(200);
    const refused = await svc.call('POST', '/v1/service-accounts', { name: 'after-demotion' }, u.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/acts as viewer/);
    const who = await svc.call('GET', '/v1/whoami', undefined, u.key);
    expect(who.body).toMatchObject({ effective_role: 'viewer', api_key: { role: 'developer', effective_role: 'viewer' } });
    await svc.call('PATCH', `/v1/users/${u.id}`, { role: 'developer' });
    expect((await svc.call('POST', '/v1/service-accounts', { name: 'after-promotion' }, u.key)).status).toBe(201);
  });

  test('disabling a user stops their keys (owner_disabled), deleting revokes them', async () => {
    const u = await person('leaver@example.com', 'developer');
    const made = (await svc.call('POST', '/v1/api-keys', { name: 'made by leaver' }, u.key)).body;
    await svc.call('PATCH', `/v1/users/${u.id}`, { disabled: true });
    const disabled = await svc.call('GET', '/v1/whoami', undefined, u.key);
    expect(disabled.status).toBe(401);
    expect(disabled.body.error.message).toMatch(/disabled/);
    await svc.call('PATCH', `/v1/users/${u.id}`, { disabled: false });
    expect((await svc.call('GET', '/v1/whoami', undefined, u.key)).status).toBe(200);
    expect((await svc.call('DELETE', `/v1/users/${u.id}`)).status).toBe(204);
    const key = (await svc.call('GET', `/v1/api-keys/${made.api_key.id}`)).body;
    expect(key).toMatchObject({ status: 'revoked', revoke_reason: 'owner_deleted' });
    expect((await svc.call('GET', '/v1/whoami', undefined, made.secret)).status).toBe(401);
    expect((await svc.call('GET', '/v1/whoami', undefined, u.key)).status).toBe(401);
  });

  test('the last admin cannot be demoted, disabled or deleted', async () => {
    for (const [method, body] of [
      ['PATCH', { role: 'developer' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await svc.call(method, `/v1/users/${svc.adminUserId}`, body);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    expect((await svc.call('GET', '/v1/whoami')).body.effective_role).toBe('admin');
  });
});

/**
 * Each rule of docs/api/README.md "Who may do what", tested both ways: the request the rule allows succeeds
 * and changes something, the one it forbids is a 403 that changes nothing.
 */
import { startTestService, type Person, type TestService } from '../../test/helpers/service';

let svc: TestService;
let admin: Person;
let dev: Person;
let viewer: Person;
beforeAll(async () => {
  svc = await startTestService();
  admin = await svc.person('admin');
  dev = await svc.person('developer');
  viewer = await svc.person('viewer');
});
afterAll(() => svc.close());

const denied = (res: { status: number; body: any }) => {
  expect(res.body?.error?.code).toBe('permission_denied');
  expect(res.status).toBe(403);
};
const makeKey = async (body: Record<string, unknown>, key?: string) => {
  const res = await svc.call('POST', '/v1/api-keys', { name: 'k', ...body }, key);
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { api_key: any; secret: string };
};
const makeSa = async (role: string, key?: string) => {
  const res = await svc.call('POST', '/v1/service-accounts', { name: `sa-${role}-${Math.random().toString(36).slice(2, 8)}`, role }, key);
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { id: string; role: string };
};
const keyState = async (id: string) => (await svc.call('GET', `/v1/api-keys/${id}`)).body;

describe('admins may do everything', () => {
  test('create keys for other users and for admin service accounts, and manage anyone’s key', async () => {
    const forDev = await makeKey({ name: 'for dev', user_id: dev.id }, admin.key);
    expect(forDev.api_key).toMatchObject({ owner_type: 'user', owner_id: dev.id, created_by: admin.id, role: 'developer', effective_role: 'developer' });
    const sa = await makeSa('admin', admin.key);
    expect((await makeKey({ service_account_id: sa.id, role: 'admin' }, admin.key)).api_key).toMatchObject({ role: 'admin', effective_role: 'admin' });
    const devsOwn = await makeKey({ name: 'devs own' }, dev.key);
    expect((await svc.call('PATCH', `/v1/api-keys/${devsOwn.api_key.id}`, { name: 'renamed by admin' }, admin.key)).body.name).toBe('renamed by admin');
    expect((await svc.call('POST', `/v1/api-keys/${devsOwn.api_key.id}/revoke`, {}, admin.key)).body.status).toBe('revoked');
    expect((await svc.call('DELETE', `/v1/api-keys/${devsOwn.api_key.id}`, undefined, admin.key)).status).toBe(204);
  });

  test('grant built-in scopes without holding them, register and delete scopes, read the audit log, verify keys', async () => {
    expect((await makeKey({ scopes: ['keyplane.secrets.read', 'keyplane.audit.read'] }, admin.key)).api_key.scopes).toEqual([
      'keyplane.secrets.read',
      'keyplane.audit.read',
    ]);
    expect((await svc.call('POST', '/v1/scopes', { name: 'admin.only', description: 'x' }, admin.key)).status).toBe(201);
    expect((await svc.call('DELETE', '/v1/scopes/admin.only', undefined, admin.key)).status).toBe(204);
    expect((await svc.call('GET', '/v1/audit-events?page_size=1', undefined, admin.key)).status).toBe(200);
    expect((await svc.call('POST', '/v1/keys/verify', { key: dev.key }, admin.key)).body).toMatchObject({ valid: true, owner_id: dev.id });
  });

  test('manage users', async () => {
    const u = await svc.call('POST', '/v1/users', { email: 'made-by-admin@example.com', name: 'M', role: 'viewer' }, admin.key);
    expect(u.status).toBe(201);
    expect((await svc.call('PATCH', `/v1/users/${u.body.id}`, { role: 'developer' }, admin.key)).body.role).toBe('developer');
    expect((await svc.call('DELETE', `/v1/users/${u.body.id}`, undefined, admin.key)).status).toBe(204);
  });
});

describe('developers', () => {
  test('create keys for themselves with their role by default, or a lower one', async () => {
    expect((await makeKey({}, dev.key)).api_key).toMatchObject({ owner_id: dev.id, created_by: dev.id, role: 'developer' });
    expect((await makeKey({ role: 'viewer', user_id: dev.id }, dev.key)).api_key).toMatchObject({ owner_id: dev.id, role: 'viewer', effective_role: 'viewer' });
  });

  test('a service account key defaults to the lower of their role and the account’s', async () => {
    const sa = await makeSa('viewer', dev.key);
    expect((await makeKey({ service_account_id: sa.id }, dev.key)).api_key).toMatchObject({
      owner_type: 'service_account',
      service_account_id: sa.id,
      role: 'viewer',
    });
    const res = await svc.call('POST', '/v1/api-keys', { name: 'k', service_account_id: sa.id, role: 'developer' }, dev.key);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_argument', field: 'role' });
  });

  test('manage keys of service accounts they manage, up to their role, whoever created them', async () => {
    const sa = await makeSa('developer', admin.key);
    denied(await svc.call('PATCH', `/v1/api-keys/${(await makeKey({ service_account_id: sa.id }, admin.key)).api_key.id}`, { name: 'x' }, dev.key));
    await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { manager_user_ids: [dev.id] }, admin.key);
    const byAdmin = await makeKey({ service_account_id: sa.id }, admin.key);
    const id = byAdmin.api_key.id;
    expect((await svc.call('PATCH', `/v1/api-keys/${id}`, { labels: { by: 'dev' } }, dev.key)).body.labels).toEqual({ by: 'dev' });
    expect((await svc.call('POST', `/v1/api-keys/${id}/revoke`, { reason: 'rotated' }, dev.key)).body).toMatchObject({
      status: 'revoked',
      revoke_reason: 'rotated',
    });
    expect((await svc.call('DELETE', `/v1/api-keys/${id}`, undefined, dev.key)).status).toBe(204);
  });

  test('never manage keys of an admin service account, nor create one', async () => {
    const sa = await makeSa('admin', admin.key);
    const k = await makeKey({ service_account_id: sa.id, role: 'developer' }, admin.key);
    denied(await svc.call('PATCH', `/v1/api-keys/${k.api_key.id}`, { name: 'mine' }, dev.key));
    denied(await svc.call('POST', `/v1/api-keys/${k.api_key.id}/revoke`, {}, dev.key));
    denied(await svc.call('DELETE', `/v1/api-keys/${k.api_key.id}`, undefined, dev.key));
    const create = await svc.call('POST', '/v1/api-keys', { name: 'k', service_account_id: sa.id, role: 'viewer' }, dev.key);
    denied(create);
    expect(create.body.error.field).toBe('service_account_id');
    expect(await keyState(k.api_key.id)).toMatchObject({ name: 'k', status: 'active' });
  });

  test('never manage a key above their own role, even their own', async () => {
    const was = await svc.person('admin');
    const adminKey = await makeKey({ user_id: was.id, role: 'admin' }, admin.key);
    const devKey = await makeKey({ user_id: was.id, role: 'developer' }, admin.key);
    expect((await svc.call('PATCH', `/v1/users/${was.id}`, { role: 'developer' }, admin.key)).status).toBe(200);
    denied(await svc.call('POST', `/v1/api-keys/${adminKey.api_key.id}/revoke`, {}, devKey.secret));
    expect((await keyState(adminKey.api_key.id)).status).toBe('active');
    // the same user may revoke their own key of their own role
    const sameRole = await makeKey({ user_id: was.id, role: 'developer' }, admin.key);
    expect((await svc.call('POST', `/v1/api-keys/${sameRole.api_key.id}/revoke`, {}, devKey.secret)).body.status).toBe('revoked');
  });

  test('never a key with a role above their own, for themselves or a service account', async () => {
    const sa = await makeSa('developer', dev.key);
    for (const body of [{ role: 'admin' }, { role: 'admin', service_account_id: sa.id }]) {
      const res = await svc.call('POST', '/v1/api-keys', { name: 'up', ...body }, dev.key);
      denied(res);
      expect(res.body.error.field).toBe('role');
    }
  });

  test('grant a built-in scope only when their key holds it', async () => {
    const holder = await svc.person('developer', { scopes: ['keyplane.keys.verify'] });
    const granted = await makeKey({ scopes: ['keyplane.keys.verify'] }, holder.key);
    expect(granted.api_key.scopes).toEqual(['keyplane.keys.verify']);
    const own = await makeKey({}, holder.key);
    expect((await svc.call('PATCH', `/v1/api-keys/${own.api_key.id}`, { scopes: ['keyplane.keys.verify'] }, holder.key)).body.scopes).toEqual([
      'keyplane.keys.verify',
    ]);
    const res = await svc.call('PATCH', `/v1/api-keys/${own.api_key.id}`, { scopes: ['keyplane.keys.verify', 'keyplane.secrets.write'] }, holder.key);
    denied(res);
    expect(res.body.error.field).toBe('scopes[1]');
    expect((await keyState(own.api_key.id)).scopes).toEqual(['keyplane.keys.verify']);
  });

  test('manage service accounts up to their role', async () => {
    const mine = await makeSa('developer', dev.key);
    expect((await svc.call('PATCH', `/v1/service-accounts/${mine.id}`, { role: 'viewer' }, dev.key)).body.role).toBe('viewer');
    const up = await svc.call('PATCH', `/v1/service-accounts/${mine.id}`, { role: 'admin' }, dev.key);
    denied(up);
    expect(up.body.error.field).toBe('role');
    const adminSa = await makeSa('admin', admin.key);
    denied(await svc.call('DELETE', `/v1/service-accounts/${adminSa.id}`, undefined, dev.key));
    expect((await svc.call('GET', `/v1/service-accounts/${adminSa.id}`)).status).toBe(200);
    expect((await svc.call('DELETE', `/v1/service-accounts/${mine.id}`, undefined, dev.key)).status).toBe(204);
  });

  test('manage allow lists', async () => {
    const list = await svc.call('POST', '/v1/ip-allow-lists', { name: 'dev list', cidrs: ['10.0.0.0/8'] }, dev.key);
    expect(list.status).toBe(201);
    expect((await svc.call('PATCH', `/v1/ip-allow-lists/${list.body.id}`, { cidrs: ['10.1.0.0/16'] }, dev.key)).body.cidrs).toEqual(['10.1.0.0/16']);
    expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.body.id}`, undefined, dev.key)).status).toBe(204);
  });

  test('read the audit log and verify keys only with the scope for it', async () => {
    denied(await svc.call('GET', '/v1/audit-events', undefined, dev.key));
    denied(await svc.call('POST', '/v1/keys/verify', { key: viewer.key }, dev.key));
    const scoped = await svc.person('developer', { scopes: ['keyplane.audit.read', 'keyplane.keys.verify'] });
    expect((await svc.call('GET', '/v1/audit-events?page_size=1', undefined, scoped.key)).status).toBe(200);
    expect((await svc.call('POST', '/v1/keys/verify', { key: viewer.key }, scoped.key)).body).toMatchObject({
      valid: true,
      owner_id: viewer.id,
      role: 'viewer',
    });
  });
});

describe('viewers read only', () => {
  test('every write is a 403 and changes nothing, even on their own key', async () => {
    const sa = await makeSa('viewer', admin.key);
    const saKey = await makeKey({ service_account_id: sa.id }, admin.key);
    const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'l', cidrs: ['10.0.0.0/8'] })).body;
    await svc.call('POST', '/v1/scopes', { name: 'viewer.test', description: 'x' });
    const secret = (await svc.call('POST', '/v1/secrets', { name: 'viewer-target' })).body;
    await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { a: '1' } });
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/api-keys', { name: 'v' }],
      ['PATCH', `/v1/api-keys/${viewer.keyId}`, { name: 'v' }],
      ['POST', `/v1/api-keys/${viewer.keyId}/revoke`, {}],
      ['DELETE', `/v1/api-keys/${viewer.keyId}`, undefined],
      ['PATCH', `/v1/api-keys/${saKey.api_key.id}`, { name: 'v' }],
      ['POST', '/v1/service-accounts', { name: 'v-sa' }],
      ['PATCH', `/v1/service-accounts/${sa.id}`, { description: 'v' }],
      ['DELETE', `/v1/service-accounts/${sa.id}`, undefined],
      ['POST', '/v1/users', { email: 'v@example.com', name: 'v', role: 'viewer' }],
      ['PATCH', `/v1/users/${viewer.id}`, { role: 'admin' }],
      ['DELETE', `/v1/users/${dev.id}`, undefined],
      ['POST', '/v1/ip-allow-lists', { name: 'v', cidrs: ['10.0.0.0/8'] }],
      ['PATCH', `/v1/ip-allow-lists/${list.id}`, { cidrs: ['0.0.0.0/0'] }],
      ['DELETE', `/v1/ip-allow-lists/${list.id}`, undefined],
      ['POST', '/v1/scopes', { name: 'v.read', description: 'x' }],
      ['DELETE', '/v1/scopes/viewer.test', undefined],
      ['POST', '/v1/secrets', { name: 'v' }],
      ['PATCH', `/v1/secrets/${secret.id}`, { name: 'v' }],
      ['DELETE', `/v1/secrets/${secret.id}`, undefined],
      ['POST', `/v1/secrets/${secret.id}/versions`, { entries: { a: '2' } }],
      ['POST', `/v1/secrets/${secret.id}/versions/1/destroy`, {}],
      ['POST', '/v1/keys/verify', { key: dev.key }],
    ];
    const auditBefore = (await svc.call('GET', '/v1/audit-events?outcome=success&page_size=1')).body.audit_events[0].id;
    for (const [method, url, body] of writes) {
      const res = await svc.call(method, url, body, viewer.key);
      expect([method, url, res.status, res.body?.error?.code]).toEqual([method, url, 403, 'permission_denied']);
    }
    expect((await svc.call('GET', '/v1/audit-events?outcome=success&page_size=1')).body.audit_events[0].id).toBe(auditBefore);
    expect(await keyState(viewer.keyId)).toMatchObject({ status: 'active', name: `${viewer.email} key` });
    expect((await svc.call('GET', `/v1/ip-allow-lists/${list.id}`)).body.cidrs).toEqual(['10.0.0.0/8']);
    expect((await svc.call('GET', `/v1/secrets/${secret.id}/versions/latest`)).body).toMatchObject({ version: 1, entries: { a: '1' } });
  });

  test('with keyplane.keys.verify a viewer verifies, with keyplane.secrets.write it still cannot write', async () => {
    const v = await svc.person('viewer', { scopes: ['keyplane.keys.verify', 'keyplane.secrets.write', 'keyplane.secrets.read'] });
    expect((await svc.call('POST', '/v1/keys/verify', { key: dev.key }, v.key)).body.valid).toBe(true);
    const secret = (await svc.call('POST', '/v1/secrets', { name: 'viewer-scoped' })).body;
    await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { a: '1' } });
    expect((await svc.call('GET', `/v1/secrets/${secret.id}/versions/latest`, undefined, v.key)).body.entries).toEqual({ a: '1' });
    denied(await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { a: '2' } }, v.key));
  });
});

describe('effective role: the lower of the key’s role and its creator’s current role', () => {
  test('demoting the creator of a service account key refuses its writes at once; promoting restores them', async () => {
    const creator = await svc.person('developer');
    const sa = await makeSa('developer', creator.key);
    const k = await makeKey({ service_account_id: sa.id }, creator.key);
    expect(k.api_key).toMatchObject({ created_by: creator.id, role: 'developer', effective_role: 'developer' });
    expect((await svc.call('POST', '/v1/ip-allow-lists', { name: 'ok', cidrs: ['10.0.0.0/8'] }, k.secret)).status).toBe(201);

    expect((await svc.call('PATCH', `/v1/users/${creator.id}`, { role: 'viewer' })).status).toBe(200);
    const refused = await svc.call('POST', '/v1/ip-allow-lists', { name: 'refused', cidrs: ['10.0.0.0/8'] }, k.secret);
    denied(refused);
    expect(refused.body.error.message).toMatch(/acts as viewer/);
    expect(await keyState(k.api_key.id)).toMatchObject({ role: 'developer', effective_role: 'viewer' });
    expect((await svc.call('GET', '/v1/whoami', undefined, k.secret)).body).toMatchObject({
      effective_role: 'viewer',
      principal: { type: 'service_account', id: sa.id },
    });
    expect((await svc.call('POST', '/v1/keys/verify', { key: k.secret })).body).toMatchObject({ valid: true, role: 'viewer' });

    await svc.call('PATCH', `/v1/users/${creator.id}`, { role: 'developer' });
    expect((await svc.call('POST', '/v1/ip-allow-lists', { name: 'again', cidrs: ['10.0.0.0/8'] }, k.secret)).status).toBe(201);
  });

  test('a viewer key of a developer acts as viewer', async () => {
    const k = await makeKey({ role: 'viewer' }, dev.key);
    expect(k.api_key.effective_role).toBe('viewer');
    denied(await svc.call('POST', '/v1/api-keys', { name: 'x' }, k.secret));
  });

  test('demoting the service account demotes its keys too', async () => {
    const sa = await makeSa('developer', admin.key);
    const k = await makeKey({ service_account_id: sa.id }, admin.key);
    await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { role: 'viewer' });
    expect((await keyState(k.api_key.id)).effective_role).toBe('viewer');
    denied(await svc.call('POST', '/v1/service-accounts', { name: 'nope' }, k.secret));
  });
});

describe('deleting a user revokes every key they created', () => {
  test('their own keys and the service account keys they made: owner_deleted, then 401', async () => {
    const leaver = await svc.person('developer');
    const sa = await makeSa('developer', leaver.key);
    const saKey = await makeKey({ service_account_id: sa.id }, leaver.key);
    const own = await makeKey({}, leaver.key);
    const untouched = await makeKey({ service_account_id: sa.id }, admin.key);
    expect((await svc.call('DELETE', `/v1/users/${leaver.id}`)).status).toBe(204);
    for (const [id, secret] of [
      [leaver.keyId, leaver.key],
      [saKey.api_key.id, saKey.secret],
      [own.api_key.id, own.secret],
    ] as const) {
      const state = await keyState(id);
      expect([id, state.status, state.revoke_reason]).toEqual([id, 'revoked', 'owner_deleted']);
      expect(Date.parse(state.revoked_at)).toBeGreaterThan(Date.now() - 60_000);
      const res = await svc.call('GET', '/v1/whoami', undefined, secret);
      expect([id, res.status, res.body.error.code]).toEqual([id, 401, 'unauthenticated']);
    }
    expect((await keyState(untouched.api_key.id)).status).toBe('active');
    expect((await svc.call('GET', '/v1/whoami', undefined, untouched.secret)).status).toBe(200);
    const event = (await svc.call('GET', `/v1/audit-events?action=user.delete&target_id=${leaver.id}`)).body.audit_events[0];
    expect(event.details).toMatchObject({ revoked_keys: 3 });
  });
});

describe('the last admin', () => {
  test('cannot be demoted, disabled or deleted while no other enabled admin exists', async () => {
    const local = await startTestService();
    try {
      const second = await local.person('admin');
      // with two admins, one may step down
      expect((await local.call('PATCH', `/v1/users/${second.id}`, { role: 'developer' })).status).toBe(200);
      for (const [method, body] of [
        ['PATCH', { role: 'viewer' }],
        ['PATCH', { disabled: true }],
        ['DELETE', undefined],
      ] as const) {
        const res = await local.call(method, `/v1/users/${local.adminUserId}`, body);
        expect([method, res.status, res.body.error.code]).toEqual([method, 409, 'conflict']);
      }
      // a disabled admin does not count as another admin
      const disabled = await local.person('admin');
      await local.call('PATCH', `/v1/users/${disabled.id}`, { disabled: true });
      expect((await local.call('DELETE', `/v1/users/${local.adminUserId}`)).status).toBe(409);
      expect((await local.call('GET', `/v1/users/${local.adminUserId}`)).body).toMatchObject({ role: 'admin', disabled: false });
      // once re-enabled the other admin may demote the first, and is then the last one
      await local.call('PATCH', `/v1/users/${disabled.id}`, { disabled: false });
      // a key the other admin made themselves: the person() key was created by the first admin and would follow their demotion
      const own = (await local.call('POST', '/v1/api-keys', { name: 'own' }, disabled.key)).body.secret as string;
      expect((await local.call('PATCH', `/v1/users/${local.adminUserId}`, { role: 'developer' }, own)).status).toBe(200);
      expect((await local.call('GET', '/v1/whoami', undefined, disabled.key)).body.effective_role).toBe('developer');
      const last = await local.call('PATCH', `/v1/users/${disabled.id}`, { role: 'developer' }, own);
      expect([last.status, last.body.error.code]).toEqual([409, 'conflict']);
      expect((await local.call('GET', '/v1/whoami', undefined, own)).body.effective_role).toBe('admin');
    } finally {
      await local.close();
    }
  });
});

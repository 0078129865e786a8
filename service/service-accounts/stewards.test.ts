/**
 * Service accounts have an owner and managers (service/service-accounts/stewards.ts): only they and admins
 * mint keys for an account, change it, re-enable it or act on its secrets; only admins and the owner change
 * the owner or managers, or delete it. Stewardship never lifts a key above its own role.
 */
import { startTestService, type Person, type TestService } from '../../test/helpers/service';

let svc: TestService;
let owner: Person;
let manager: Person;
let stranger: Person;
let viewer: Person;
beforeAll(async () => {
  svc = await startTestService();
  owner = await svc.person('developer');
  manager = await svc.person('developer');
  stranger = await svc.person('developer');
  viewer = await svc.person('viewer');
});
afterAll(() => svc.close());

let n = 0;
/** An account `owner` creates, with `manager` as its manager. */
async function account(role = 'developer') {
  const res = await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, role, manager_user_ids: [manager.id] }, owner.key);
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { id: string; owner_user_id: string | null; manager_user_ids: string[] };
}
const mint = (saId: string, key: string) => svc.call('POST', '/v1/api-keys', { name: `k-${++n}`, service_account_id: saId }, key);
const denied = (res: { status: number; body: any }, field?: string) => {
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('permission_denied');
  if (field) expect(res.body.error.field).toBe(field);
};

test('the creating developer owns the account; owner and managers show on every read', async () => {
  const sa = await account();
  expect(sa).toMatchObject({ owner_user_id: owner.id, manager_user_ids: [manager.id] });
  expect((await svc.call('GET', `/v1/service-accounts/${sa.id}`, undefined, viewer.key)).body).toMatchObject({
    owner_user_id: owner.id,
    manager_user_ids: [manager.id],
  });
  const listed = (await svc.call('GET', `/v1/service-accounts?name=sa-${n}`)).body.service_accounts;
  expect(listed).toEqual([expect.objectContaining({ id: sa.id, owner_user_id: owner.id, manager_user_ids: [manager.id] })]);
});

test('only admins, the owner, managers and the account itself mint keys for it', async () => {
  const sa = await account();
  denied(await mint(sa.id, stranger.key), 'service_account_id');
  expect((await mint(sa.id, owner.key)).status).toBe(201);
  expect((await mint(sa.id, manager.key)).status).toBe(201);
  expect((await mint(sa.id, svc.adminKey)).status).toBe(201);
  const own = (await mint(sa.id, owner.key)).body.secret as string;
  expect((await mint(sa.id, own)).status).toBe(201);
  // Another account's key is not its steward, even with the same role.
  const other = await account();
  denied(await mint(sa.id, (await mint(other.id, owner.key)).body.secret), 'service_account_id');
});

test("a stranger can neither manage the account's keys nor touch its secrets", async () => {
  const sa = await account();
  const key = (await mint(sa.id, owner.key)).body.api_key;
  denied(await svc.call('PATCH', `/v1/api-keys/${key.id}`, { description: 'mine now' }, stranger.key));
  denied(await svc.call('POST', `/v1/api-keys/${key.id}/revoke`, {}, stranger.key));
  expect((await svc.call('PATCH', `/v1/api-keys/${key.id}`, { description: 'managed' }, manager.key)).status).toBe(200);

  denied(await svc.call('POST', '/v1/secrets', { name: `sec-${++n}`, service_account_id: sa.id }, stranger.key), 'service_account_id');
  const secret = (await svc.call('POST', '/v1/secrets', { name: `sec-${++n}`, service_account_id: sa.id }, manager.key)).body;
  expect(secret).toMatchObject({ owner_type: 'service_account', owner_id: sa.id, caller_can_read: true, caller_can_write: true });
  expect((await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { token: 't' } }, owner.key)).status).toBe(201);
  denied(await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { token: 'x' } }, stranger.key));
  denied(await svc.call('GET', `/v1/secrets/${secret.id}/versions/latest`, undefined, stranger.key));
  denied(await svc.call('DELETE', `/v1/secrets/${secret.id}`, undefined, stranger.key));
  expect((await svc.call('GET', `/v1/secrets/${secret.id}/versions/latest`, undefined, manager.key)).body.entries).toEqual({ token: 't' });
});

test('a disabled account is re-enabled only by an admin, its owner or a manager', async () => {
  const sa = await account();
  expect((await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: true }, owner.key)).body.disabled).toBe(true);
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: false }, stranger.key));
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { description: 'x' }, stranger.key));
  expect((await svc.call('GET', `/v1/service-accounts/${sa.id}`)).body.disabled).toBe(true);
  expect((await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: false }, manager.key)).body.disabled).toBe(false);
});

test('the account itself uses its keys and secrets but does not change its own record', async () => {
  const sa = await account();
  const own = (await mint(sa.id, owner.key)).body.secret as string;
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { description: 'self' }, own));
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { manager_user_ids: [] }, own), 'manager_user_ids');
});

test('managers change the account but not its owner, managers or existence; the owner does', async () => {
  const sa = await account();
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { manager_user_ids: [manager.id, stranger.id] }, manager.key), 'manager_user_ids');
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { owner_user_id: manager.id }, manager.key), 'owner_user_id');
  denied(await svc.call('DELETE', `/v1/service-accounts/${sa.id}`, undefined, manager.key));
  // Sending a field with the value it has is no change, so needs no right (Terraform sends the whole config).
  const same = await svc.call(
    'PATCH',
    `/v1/service-accounts/${sa.id}`,
    { description: 'd', owner_user_id: owner.id, manager_user_ids: [manager.id] },
    manager.key,
  );
  expect([same.status, same.body.description]).toEqual([200, 'd']);

  // The owner hands the account over; the old owner keeps nothing.
  const handed = await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { owner_user_id: stranger.id, manager_user_ids: [] }, owner.key);
  expect(handed.body).toMatchObject({ owner_user_id: stranger.id, manager_user_ids: [] });
  denied(await mint(sa.id, owner.key), 'service_account_id');
  denied(await mint(sa.id, manager.key), 'service_account_id');
  expect((await mint(sa.id, stranger.key)).status).toBe(201);
  const audit = (await svc.call('GET', `/v1/audit-events?action=service_account.update&target_id=${sa.id}`)).body.audit_events[0];
  expect(audit.details).toMatchObject({
    owner_user_id: { from: owner.id, to: stranger.id },
    manager_user_ids: { from: [manager.id], to: [] },
  });
  expect((await svc.call('DELETE', `/v1/service-accounts/${sa.id}`, undefined, stranger.key)).status).toBe(204);
});

test('only admins name another user, or no one, as owner of a new account', async () => {
  const other = await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, owner_user_id: stranger.id }, owner.key);
  denied(other, 'owner_user_id');
  denied(await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, owner_user_id: null }, owner.key), 'owner_user_id');
  const byAdmin = await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, owner_user_id: null, manager_user_ids: [manager.id] });
  expect(byAdmin.body).toMatchObject({ owner_user_id: null, manager_user_ids: [manager.id] });
  // No owner: admins (and managers, for what managers may do) only.
  denied(await svc.call('DELETE', `/v1/service-accounts/${byAdmin.body.id}`, undefined, manager.key));
  expect((await mint(byAdmin.body.id, manager.key)).status).toBe(201);
});

test('an account made by another account is owned by that account’s owner, and names no managers', async () => {
  const parent = await account();
  const parentKey = (await mint(parent.id, owner.key)).body.secret as string;
  const child = await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}` }, parentKey);
  expect(child.body).toMatchObject({ owner_user_id: owner.id, manager_user_ids: [], created_by: parent.id });
  denied(await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, manager_user_ids: [stranger.id] }, parentKey), 'manager_user_ids');
});

test('stewardship never lifts a key above its role', async () => {
  const sa = (await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, role: 'admin', owner_user_id: owner.id, manager_user_ids: [manager.id] }))
    .body;
  denied(await mint(sa.id, owner.key), 'service_account_id');
  denied(await mint(sa.id, manager.key), 'service_account_id');
  denied(await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { description: 'x' }, owner.key));
  // A viewer named manager still cannot act: viewers change nothing.
  const viewed = await account('viewer');
  await svc.call('PATCH', `/v1/service-accounts/${viewed.id}`, { manager_user_ids: [viewer.id] }, owner.key);
  denied(await mint(viewed.id, viewer.key));
  denied(await svc.call('PATCH', `/v1/service-accounts/${viewed.id}`, { description: 'x' }, viewer.key));
});

test('owner and managers must be users that exist, listed once', async () => {
  const sa = await account();
  const bad = async (body: Record<string, unknown>, field: string) => {
    const res = await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, body, owner.key);
    expect([res.status, res.body.error.code, res.body.error.field]).toEqual([400, 'invalid_argument', field]);
  };
  await bad({ owner_user_id: 'usr_nobody' }, 'owner_user_id');
  await bad({ manager_user_ids: [manager.id, 'usr_nobody'] }, 'manager_user_ids[1]');
  await bad({ manager_user_ids: [manager.id, manager.id] }, 'manager_user_ids');
  await bad({ manager_user_ids: Array.from({ length: 33 }, (_, i) => `usr_${i}`) }, 'manager_user_ids');
  const create = await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, manager_user_ids: ['usr_nobody'] }, owner.key);
  expect([create.status, create.body.error.field]).toEqual([400, 'manager_user_ids[0]']);
  // Nothing half-written.
  expect((await svc.call('GET', `/v1/service-accounts/${sa.id}`)).body).toMatchObject({ owner_user_id: owner.id, manager_user_ids: [manager.id] });
  expect((await svc.call('GET', `/v1/service-accounts?name=sa-${n}`)).body.service_accounts).toEqual([]);
});

test('deleting a user leaves the accounts they owned to admins and ends their management', async () => {
  const leaving = await svc.person('developer');
  const owned = (await svc.call('POST', '/v1/service-accounts', { name: `sa-${++n}`, manager_user_ids: [manager.id] }, leaving.key)).body;
  const managed = await account();
  await svc.call('PATCH', `/v1/service-accounts/${managed.id}`, { manager_user_ids: [manager.id, leaving.id] }, owner.key);
  expect((await svc.call('DELETE', `/v1/users/${leaving.id}`)).status).toBe(204);
  expect((await svc.call('GET', `/v1/service-accounts/${owned.id}`)).body).toMatchObject({ owner_user_id: null, manager_user_ids: [manager.id] });
  expect((await svc.call('GET', `/v1/service-accounts/${managed.id}`)).body.manager_user_ids).toEqual([manager.id]);
});

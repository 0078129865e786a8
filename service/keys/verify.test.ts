import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let verifier: string;
beforeAll(async () => {
  svc = await startTestService();
  verifier = (await svc.call('POST', '/v1/api-keys', { name: 'verifier', role: 'viewer', scopes: ['keyplane.keys.verify'] })).body.secret;
  await svc.call('POST', '/v1/scopes', { name: 'billing.read', description: 'Read invoices' });
});
afterAll(() => svc.close());

const verify = (body: Record<string, unknown>, key = verifier) => svc.call('POST', '/v1/keys/verify', body, key);
const make = async (body: Record<string, unknown>) => (await svc.call('POST', '/v1/api-keys', { name: 'subject', ...body })).body;

test('a valid key answers its identity, role and scopes', async () => {
  const k = await make({ scopes: ['billing.read'], role: 'developer' });
  const res = await verify({ key: k.secret, required_scopes: ['billing.read'] });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    valid: true,
    key_id: k.api_key.id,
    name: 'subject',
    owner_type: 'user',
    owner_id: svc.adminUserId,
    role: 'developer',
    scopes: ['billing.read'],
    expires_at: null,
    matched_secret: 'current',
  });
});

test('each failure reason', async () => {
  expect((await verify({ key: `kp_${'0'.repeat(33)}${'0'.repeat(6)}` })).status).toBe(400); // checksum
  const unknownKey = (await make({})).secret;
  const id = (await svc.call('GET', '/v1/api-keys?name_prefix=subject')).body.api_keys.at(-1).id;
  await svc.call('DELETE', `/v1/api-keys/${id}`);
  expect((await verify({ key: unknownKey })).body).toEqual({ valid: false, reason: 'unknown' });

  const revoked = await make({});
  await svc.call('POST', `/v1/api-keys/${revoked.api_key.id}/revoke`, {});
  expect((await verify({ key: revoked.secret })).body).toMatchObject({ valid: false, reason: 'revoked', key_id: revoked.api_key.id });

  const expiring = await make({ expires_at: new Date(Date.now() + 300).toISOString() });
  await new Promise((r) => setTimeout(r, 400));
  expect((await verify({ key: expiring.secret })).body).toMatchObject({ valid: false, reason: 'expired' });

  const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24', '2001:db8::/32'] })).body;
  const fenced = await make({ allow_list_ids: [list.id] });
  expect((await verify({ key: fenced.secret, client_ip: '203.0.113.9' })).body.valid).toBe(true);
  expect((await verify({ key: fenced.secret, client_ip: '2001:db8::5' })).body.valid).toBe(true);
  expect((await verify({ key: fenced.secret, client_ip: '198.51.100.1' })).body).toMatchObject({ valid: false, reason: 'ip_not_allowed' });
  expect((await verify({ key: fenced.secret })).body).toMatchObject({ valid: false, reason: 'ip_not_allowed' });
  expect((await verify({ key: fenced.secret, client_ip: 'nonsense' })).body.error.field).toBe('client_ip');
  // changing the list applies on the next verification
  await svc.call('PATCH', `/v1/ip-allow-lists/${list.id}`, { cidrs: ['198.51.100.0/24'] });
  expect((await verify({ key: fenced.secret, client_ip: '198.51.100.1' })).body.valid).toBe(true);
  expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`)).status).toBe(409);

  const scoped = await make({ scopes: [] });
  expect((await verify({ key: scoped.secret, required_scopes: ['billing.read'] })).body).toMatchObject({
    valid: false,
    reason: 'scope_missing',
    missing_scopes: ['billing.read'],
  });

  const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'paused', role: 'developer' })).body;
  const owned = await make({ service_account_id: sa.id });
  await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: true });
  expect((await verify({ key: owned.secret })).body).toMatchObject({ valid: false, reason: 'owner_disabled' });
});

test('verifying needs admin or keyplane.keys.verify', async () => {
  const plain = (await make({ role: 'developer' })).secret;
  const res = await verify({ key: plain }, plain);
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('permission_denied');
});

test('last use is recorded in batches, not by each verification', async () => {
  const k = await make({});
  const writes: string[] = [];
  const original = svc.ctx.store.db.updateTable.bind(svc.ctx.store.db);
  // Count updates of api_keys issued outside the recorder's batch transaction.
  const spy = jest.spyOn(svc.ctx.store.db, 'updateTable').mockImplementation(((t: string) => {
    writes.push(t);
    return original(t as never);
  }) as never);
  for (let i = 0; i < 50; i++) expect((await verify({ key: k.secret, client_ip: '192.0.2.1' })).body.valid).toBe(true);
  spy.mockRestore();
  expect(writes).toEqual([]);
  await svc.ctx.lastUsed.flush();
  const row = (await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body;
  expect(row).toMatchObject({ last_used_ip: '127.0.0.1', last_used_claimed_ip: '192.0.2.1' });
  expect(Date.parse(row.last_used_at)).toBeGreaterThan(Date.now() - 10_000);
});

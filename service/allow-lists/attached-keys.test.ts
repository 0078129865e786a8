/**
 * An IP allow list protects the keys that use it: changing it needs at least the highest role among the
 * unrevoked keys attached, so a developer cannot widen (or empty) the list an admin key relies on.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc?.close();
});

const list = async (name: string) => (await svc.call('POST', '/v1/ip-allow-lists', { name, cidrs: ['203.0.113.0/24'] })).body.id as string;

test("a developer may not change a list an admin key uses, not even its name; the list and the key's reach stay as they were", async () => {
  const dev = await svc.person('developer');
  const id = await list('admin-office');
  const adminKey = (await svc.call('POST', '/v1/api-keys', { name: 'fenced-admin', role: 'admin', allow_list_ids: [id] })).body;
  // Every read says what changing the list needs, so a client can tell before it tries.
  expect((await svc.call('GET', `/v1/ip-allow-lists/${id}`, undefined, dev.key)).body.least_role_to_change).toBe('admin');
  const listed = (await svc.call('GET', '/v1/ip-allow-lists?page_size=200', undefined, dev.key)).body.ip_allow_lists;
  expect(listed.find((l: { id: string }) => l.id === id).least_role_to_change).toBe('admin');
  for (const body of [{ cidrs: ['0.0.0.0/0'] }, { cidrs: [] }, { name: 'renamed' }]) {
    const r = await svc.call('PATCH', `/v1/ip-allow-lists/${id}`, body, dev.key);
    expect([JSON.stringify(body), r.status, r.body.error?.code]).toEqual([JSON.stringify(body), 403, 'permission_denied']);
    expect(r.body.error.message).toMatch(/needs the admin role: an admin key uses it/);
  }
  expect((await svc.call('GET', `/v1/ip-allow-lists/${id}`)).body).toMatchObject({ name: 'admin-office', cidrs: ['203.0.113.0/24'] });
  expect((await svc.request({ method: 'GET', url: '/v1/whoami', key: adminKey.secret, remoteAddress: '198.51.100.1' })).status).toBe(403);
  // An admin may; once the admin key is revoked, the developer may too.
  expect((await svc.call('PATCH', `/v1/ip-allow-lists/${id}`, { cidrs: ['203.0.113.0/24', '198.51.100.0/24'] })).status).toBe(200);
  await svc.call('POST', `/v1/api-keys/${adminKey.api_key.id}/revoke`);
  const freed = await svc.call('PATCH', `/v1/ip-allow-lists/${id}`, { name: 'free-now' }, dev.key);
  expect([freed.status, freed.body.least_role_to_change]).toEqual([200, 'developer']);
});

test('a developer may change a list only developer and viewer keys use', async () => {
  const dev = await svc.person('developer');
  const id = await list('dev-office');
  await svc.call('POST', '/v1/api-keys', { name: 'fenced-dev', allow_list_ids: [id] }, dev.key);
  await svc.call('POST', '/v1/api-keys', { name: 'fenced-viewer', role: 'viewer', allow_list_ids: [id] });
  const r = await svc.call('PATCH', `/v1/ip-allow-lists/${id}`, { cidrs: ['192.0.2.0/24'] }, dev.key);
  expect([r.status, r.body.cidrs]).toEqual([200, ['192.0.2.0/24']]);
});

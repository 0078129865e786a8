/**
 * `/v1/ip-allow-lists`: CIDRs are stored normalised, de-duplicated and sorted; an invalid one names its index;
 * a list a live key uses cannot be deleted.
 */
import { startTestService, type TestService } from '../../test/helpers/service';
import { inTransaction } from '../db/transaction';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const create = async (body: Record<string, unknown>, key?: string) => {
  const res = await svc.call('POST', '/v1/ip-allow-lists', { name: 'list', ...body }, key);
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { id: string; name: string; cidrs: string[]; description: string; created_by: string };
};
const listCount = async () => (await svc.call('GET', '/v1/ip-allow-lists?page_size=200')).body.ip_allow_lists.length as number;

test('create stores CIDRs normalised, de-duplicated and sorted, and reads return the same', async () => {
  const dev = await svc.person('developer');
  const list = await create(
    { name: 'office', description: 'HQ', cidrs: ['10.1.2.3/8', ' 192.168.1.7 ', '2001:DB8:0:0::1/32', '10.0.0.0/8', '::ffff:172.16.5.4/108'] },
    dev.key,
  );
  expect(list).toEqual({
    id: expect.stringMatching(/^al_/),
    name: 'office',
    description: 'HQ',
    cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.1.7/32', '2001:db8::/32'],
    least_role_to_change: 'developer',
    created_by: dev.id,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  });
  expect((await svc.call('GET', `/v1/ip-allow-lists/${list.id}`)).body).toEqual(list);
  expect((await svc.call('GET', '/v1/ip-allow-lists?page_size=200')).body.ip_allow_lists).toContainEqual(list);
});

test.each([
  [['10.0.0.0/8', '10.0.0.0/33'], 'cidrs[1]', /10\.0\.0\.0\/33/],
  [['10.0.0.0/8', '192.168.1.1', 'example.com'], 'cidrs[2]', /example\.com/],
  [['fe80::1%eth0'], 'cidrs[0]', /zone/],
  [['10.0.0.0/8/8'], 'cidrs[0]', /not an IPv4 or IPv6/],
  [['10.0.0.0/x'], 'cidrs[0]', /prefix/],
  [[''], 'cidrs[0]', /empty/],
  [[10], 'cidrs[0]', /string/],
  ['10.0.0.0/8', 'cidrs', /array/],
  [Array.from({ length: 257 }, (_, i) => `10.0.${i % 256}.${Math.floor(i / 256)}`), 'cidrs', /256/],
])('%j is refused naming %s, and nothing is written', async (cidrs, field, message) => {
  const before = await listCount();
  const res = await svc.call('POST', '/v1/ip-allow-lists', { name: 'bad', cidrs });
  expect(res.body).toEqual({ error: { code: 'invalid_argument', message: expect.stringMatching(message), field } });
  expect(await listCount()).toBe(before);
  const ok = await create({ cidrs: ['10.0.0.0/8'] });
  const patched = await svc.call('PATCH', `/v1/ip-allow-lists/${ok.id}`, { cidrs });
  expect(patched.body.error).toMatchObject({ code: 'invalid_argument', field });
  expect((await svc.call('GET', `/v1/ip-allow-lists/${ok.id}`)).body.cidrs).toEqual(['10.0.0.0/8']);
});

test('a list needs a name and its CIDRs; unknown fields are refused', async () => {
  expect((await svc.call('POST', '/v1/ip-allow-lists', { cidrs: [] })).body.error.field).toBe('name');
  expect((await svc.call('POST', '/v1/ip-allow-lists', { name: 'x' })).body.error.field).toBe('cidrs');
  expect((await svc.call('POST', '/v1/ip-allow-lists', { name: 'x', cidrs: [], keys: [] })).body.error.field).toBe('keys');
});

test('PATCH changes only what is sent and is audited', async () => {
  const list = await create({ name: 'before', description: 'd', cidrs: ['10.0.0.0/8'] });
  const renamed = (await svc.call('PATCH', `/v1/ip-allow-lists/${list.id}`, { name: 'after' })).body;
  expect(renamed).toMatchObject({ name: 'after', description: 'd', cidrs: ['10.0.0.0/8'] });
  const recut = (await svc.call('PATCH', `/v1/ip-allow-lists/${list.id}`, { cidrs: ['192.0.2.1'] })).body;
  expect(recut).toMatchObject({ name: 'after', description: 'd', cidrs: ['192.0.2.1/32'] });
  const events = (await svc.call('GET', `/v1/audit-events?target_id=${list.id}`)).body.audit_events.map((e: { action: string; details: unknown }) => [
    e.action,
    e.details,
  ]);
  expect(events).toEqual([
    ['ip_allow_list.update', { fields: ['cidrs'] }],
    ['ip_allow_list.update', { fields: ['name'] }],
    ['ip_allow_list.create', { name: 'before' }],
  ]);
});

test('a list a live key uses cannot be deleted; once no live key uses it, it can', async () => {
  const list = await create({ cidrs: ['10.0.0.0/8'] });
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'user of the list', allow_list_ids: [list.id] })).body.api_key;
  const res = await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`);
  expect([res.status, res.body.error.code]).toEqual([409, 'conflict']);
  expect(res.body.error.message).toContain(key.id);
  expect((await svc.call('GET', `/v1/ip-allow-lists/${list.id}`)).status).toBe(200);
  expect((await svc.call('GET', `/v1/api-keys/${key.id}`)).body.allow_list_ids).toEqual([list.id]);
  await svc.call('PATCH', `/v1/api-keys/${key.id}`, { allow_list_ids: [] });
  expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`)).status).toBe(204);
  const gone = await svc.call('GET', `/v1/ip-allow-lists/${list.id}`);
  expect([gone.status, gone.body.error.code]).toEqual([404, 'not_found']);
  expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`)).status).toBe(404);
});

test('a revoked key, which can no longer be changed, does not keep a list from being deleted', async () => {
  const list = await create({ cidrs: ['10.0.0.0/8'] });
  const other = await create({ cidrs: ['192.0.2.0/24'] });
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'revoked user', allow_list_ids: [list.id, other.id] })).body.api_key;
  await svc.call('POST', `/v1/api-keys/${key.id}/revoke`, {});
  expect((await svc.call('PATCH', `/v1/api-keys/${key.id}`, { allow_list_ids: [] })).status).toBe(409);
  expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`)).status).toBe(204);
  expect((await svc.call('GET', `/v1/api-keys/${key.id}`)).body).toMatchObject({ status: 'revoked', allow_list_ids: [other.id] });
});

test('an expired key still holds its list: its expiry can be extended', async () => {
  const list = await create({ cidrs: ['10.0.0.0/8'] });
  const key = (
    await svc.call('POST', '/v1/api-keys', { name: 'expired user', allow_list_ids: [list.id], expires_at: new Date(Date.now() + 60_000).toISOString() })
  ).body.api_key;
  await inTransaction(svc.ctx, (trx) =>
    trx
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', key.id)
      .execute(),
  );
  expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`)).status).toBe(409);
});

test('lists page without duplicates or gaps', async () => {
  const made: string[] = [];
  for (let i = 0; i < 7; i++) made.push((await create({ name: `paged-${i}`, cidrs: [] })).id);
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res: { body: { ip_allow_lists: { id: string }[]; next_page_token: string | null } } = await svc.call(
      'GET',
      `/v1/ip-allow-lists?page_size=3${token ? `&page_token=${token}` : ''}`,
    );
    seen.push(...res.body.ip_allow_lists.map((l) => l.id));
    token = res.body.next_page_token;
    pages++;
  } while (token);
  expect(pages).toBeGreaterThan(2);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.filter((id) => made.includes(id))).toEqual(made);
});

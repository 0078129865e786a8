/**
 * `GET /v1/api-keys` filters and pages. Names and label values are compared exactly: case matters, and `_`
 * or `%` in a filter are plain characters, never wildcards (SQLite's LIKE is case-insensitive and has no
 * default escape character, so a LIKE-based filter gets both wrong).
 */
import { startTestService, type TestService } from '../../test/helpers/service';
import { inTransaction } from '../db/transaction';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const names = async (query: string) =>
  ((await svc.call('GET', `/v1/api-keys?page_size=200&${query}`)).body.api_keys as { name: string }[]).map((k) => k.name).sort();
const make = async (body: Record<string, unknown>) => {
  const res = await svc.call('POST', '/v1/api-keys', body);
  expect(res.status).toBe(201);
  return res.body.api_key as { id: string; name: string };
};

describe('name_prefix', () => {
  beforeAll(async () => {
    for (const name of ['ci_deploy', 'cixdeploy', 'CI_build', 'ci%', 'ci%x', 'ci\\x', 'ciné-1', 'other']) await make({ name });
  });

  test.each([
    ['ci_', ['ci_deploy']],
    ['ci', ['ci%', 'ci%x', 'ci\\x', 'ci_deploy', 'ciné-1', 'cixdeploy'].sort()],
    ['CI', ['CI_build']],
    ['ci%', ['ci%', 'ci%x']],
    ['ci\\', ['ci\\x']],
    ['ciné', ['ciné-1']],
    ['cine', []],
    ['ci_deploy', ['ci_deploy']],
    ['ci_deploy!', []],
  ])('%s matches exactly %j', async (prefix, expected) => {
    expect(await names(`name_prefix=${encodeURIComponent(prefix)}`)).toEqual(expected);
  });
});

describe('label=KEY=VALUE', () => {
  beforeAll(async () => {
    await make({ name: 'l-prod-1', labels: { env: 'prod_1', team: 'core' } });
    await make({ name: 'l-prodx1', labels: { env: 'prodx1', team: 'core' } });
    await make({ name: 'l-PROD', labels: { env: 'PROD_1' } });
    await make({ name: 'l-pct', labels: { env: '100%', 'a.b/c:d': 'x=y' } });
    await make({ name: 'l-quote', labels: { note: 'say "hi"', team: 'edge' } });
    await make({ name: 'l-empty', labels: { env: '' } });
  });

  test.each([
    ['env=prod_1', ['l-prod-1']],
    ['env=PROD_1', ['l-PROD']],
    ['env=prod', []],
    ['env=100%', ['l-pct']],
    ['env=100', []],
    ['a.b/c:d=x=y', ['l-pct']], // the first = separates key from value
    ['note=say "hi"', ['l-quote']],
    ['env=', ['l-empty']],
    ['team=core', ['l-prod-1', 'l-prodx1']],
  ])('%s matches exactly %j', async (pair, expected) => {
    expect(await names(`label=${encodeURIComponent(pair)}`)).toEqual(expected);
  });

  test('repeated labels must all match', async () => {
    expect(await names(`label=team=core&label=${encodeURIComponent('env=prod_1')}`)).toEqual(['l-prod-1']);
    expect(await names('label=team=core&label=team=edge')).toEqual([]);
  });
});

describe('owner, creator and status filters', () => {
  test('by owner, service account and creator', async () => {
    const dev = await svc.person('developer');
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'filter-sa', role: 'developer', owner_user_id: dev.id })).body;
    const own = (await svc.call('POST', '/v1/api-keys', { name: 'f-own' }, dev.key)).body.api_key;
    const saKey = (await svc.call('POST', '/v1/api-keys', { name: 'f-sa', service_account_id: sa.id }, dev.key)).body.api_key;
    expect(await names(`owner_id=${dev.id}`)).toEqual([`${dev.email} key`, 'f-own'].sort());
    expect(await names(`created_by=${dev.id}`)).toEqual(['f-own', 'f-sa']);
    expect(await names(`service_account_id=${sa.id}`)).toEqual(['f-sa']);
    expect(await names(`owner_type=service_account&created_by=${dev.id}`)).toEqual(['f-sa']);
    expect(await names(`owner_type=user&created_by=${dev.id}`)).toEqual(['f-own']);
    expect([own.id, saKey.id].every((id: string) => id.startsWith('key_'))).toBe(true);
  });

  test('active, revoked and expired are disjoint and follow the clock', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'status-sa', role: 'developer' })).body;
    const active = await make({ name: 's-active', service_account_id: sa.id, expires_at: '2099-01-01T00:00:00Z' });
    const forever = await make({ name: 's-forever', service_account_id: sa.id });
    const revoked = await make({ name: 's-revoked', service_account_id: sa.id });
    await svc.call('POST', `/v1/api-keys/${revoked.id}/revoke`, {});
    const expired = await make({ name: 's-expired', service_account_id: sa.id, expires_at: new Date(Date.now() + 60_000).toISOString() });
    // Move the expiry into the past behind the API's back: the API refuses past expiries.
    await inTransaction(svc.ctx, (trx) =>
      trx
        .updateTable('api_keys')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', expired.id)
        .execute(),
    );
    const ids = async (status: string) =>
      ((await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&status=${status}`)).body.api_keys as { id: string; status: string }[]).map((k) => [
        k.id,
        k.status,
      ]);
    expect(await ids('active')).toEqual([
      [active.id, 'active'],
      [forever.id, 'active'],
    ]);
    expect(await ids('revoked')).toEqual([[revoked.id, 'revoked']]);
    expect(await ids('expired')).toEqual([[expired.id, 'expired']]);
  });
});

describe('pagination', () => {
  test('pages of 4 over 11 keys return each key once, in order, and end with a null token', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'pages-sa', role: 'viewer' })).body;
    const made: string[] = [];
    for (let i = 0; i < 11; i++) made.push((await make({ name: `p-${i}`, service_account_id: sa.id })).id);
    const pages: string[][] = [];
    let token: string | null = null;
    do {
      const res: { body: { api_keys: { id: string }[]; next_page_token: string | null } } = await svc.call(
        'GET',
        `/v1/api-keys?service_account_id=${sa.id}&page_size=4${token ? `&page_token=${token}` : ''}`,
      );
      pages.push(res.body.api_keys.map((k) => k.id));
      token = res.body.next_page_token;
      // a key created between pages appears on a later page, never a repeat of an earlier one
      if (pages.length === 1) made.push((await make({ name: 'p-late', service_account_id: sa.id })).id);
    } while (token);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4]);
    expect(pages.flat()).toEqual(made);
  });

  test('an exact multiple of the page size ends without an empty page', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'exact-sa', role: 'viewer' })).body;
    for (let i = 0; i < 4; i++) await make({ name: `e-${i}`, service_account_id: sa.id });
    const first = (await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&page_size=2`)).body;
    const second = (await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&page_size=2&page_token=${first.next_page_token}`)).body;
    expect(second.api_keys).toHaveLength(2);
    expect(second.next_page_token).toBeNull();
  });

  test('a filter combined with paging keeps filtering on later pages', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'mixed-sa', role: 'viewer' })).body;
    const want: string[] = [];
    for (let i = 0; i < 9; i++) {
      const k = await make({ name: `m-${i}`, service_account_id: sa.id, labels: { odd: String(i % 2 === 1) } });
      if (i % 2 === 1) want.push(k.id);
    }
    const got: string[] = [];
    let token: string | null = null;
    do {
      const res: { body: { api_keys: { id: string }[]; next_page_token: string | null } } = await svc.call(
        'GET',
        `/v1/api-keys?service_account_id=${sa.id}&label=odd=true&page_size=3${token ? `&page_token=${token}` : ''}`,
      );
      got.push(...res.body.api_keys.map((k) => k.id));
      token = res.body.next_page_token;
    } while (token);
    expect(got).toEqual(want);
  });
});

describe('id=', () => {
  test('lists exactly the named keys, as GET /v1/api-keys/{id} answers each, and leaves out ids of no key', async () => {
    const a = await make({ name: 'id-a', labels: { x: '1' } });
    const b = await make({ name: 'id-b' });
    await make({ name: 'id-c' });
    await svc.call('POST', `/v1/api-keys/${b.id}/revoke`, {});
    const res = await svc.call('GET', `/v1/api-keys?id=${b.id}&id=key_doesnotexist&id=${a.id}`);
    expect(res.status).toBe(200);
    expect(res.body.next_page_token).toBeNull();
    const single = await Promise.all([a.id, b.id].map(async (id) => (await svc.call('GET', `/v1/api-keys/${id}`)).body));
    expect(res.body.api_keys).toEqual(single);
    expect(res.body.api_keys.map((k: { status: string }) => k.status)).toEqual(['active', 'revoked']);
  });

  test('one id, and ids combined with other filters', async () => {
    const a = await make({ name: 'id-one' });
    const b = await make({ name: 'id-two' });
    expect(await names(`id=${a.id}`)).toEqual(['id-one']);
    expect(await names(`id=${a.id}&id=${b.id}&name_prefix=id-t`)).toEqual(['id-two']);
    expect(await names('id=key_doesnotexist')).toEqual([]);
  });

  test('more ids than the limit is a 400 naming id', async () => {
    const query = Array.from({ length: 101 }, (_, i) => `id=key_${i}`).join('&');
    const res = await svc.call('GET', `/v1/api-keys?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_argument');
    expect(res.body.error.field).toMatch(/^id/);
  });
});

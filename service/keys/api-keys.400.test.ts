/**
 * Invalid requests to `/v1/api-keys`: each is a 400 `invalid_argument` naming the field (or 413/415 for the
 * body as a whole), and none of them leaves a trace: no new or changed key, no success event in the audit log.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let list: string;
beforeAll(async () => {
  svc = await startTestService();
  list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['10.0.0.0/8'] })).body.id;
  await svc.call('POST', '/v1/scopes', { name: 'billing.read', description: 'Read invoices' });
});
afterAll(() => svc.close());

const latestSuccess = async () => (await svc.call('GET', '/v1/audit-events?outcome=success&page_size=1')).body.audit_events[0].id as string;
const keyCount = async () => (await svc.call('GET', '/v1/api-keys?page_size=200')).body.api_keys.length as number;

/** Cases are built before the allow list exists: `$list` stands for its id. */
const withList = (body: Record<string, unknown>) => JSON.parse(JSON.stringify(body).replace(/\$list/g, list)) as Record<string, unknown>;

function expectInvalid(res: { status: number; body: any }, field: string, message?: RegExp) {
  expect(res.body).toEqual({ error: { code: 'invalid_argument', message: expect.any(String), field } });
  expect(res.status).toBe(400);
  if (message) expect(res.body.error.message).toMatch(message);
}

describe('POST /v1/api-keys', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['null name', { name: null }, 'name', /string/],
    ['labels not an object', { name: 'a', labels: ['team=core'] }, 'labels', /object/],
    ['label key of 64 characters', { name: 'a', labels: { ['k'.repeat(64)]: 'v' } }, `labels.${'k'.repeat(64)}`, /not an allowed key/],
    ['label key with a space', { name: 'a', labels: { 'a b': 'v' } }, 'labels.a b', /not an allowed key/],
    ['label value over 256 characters', { name: 'a', labels: { team: 'v'.repeat(257) } }, 'labels.team', /256/],
    ['scopes not a list', { name: 'a', scopes: 'billing.read' }, 'scopes', /array/],
    ['second scope unknown', { name: 'a', scopes: ['billing.read', 'billing.write'] }, 'scopes[1]', /billing\.write.*catalogue/],
    ['second scope malformed', { name: 'a', scopes: ['billing.read', 'Billing'] }, 'scopes[1]', /pattern/],
    ['scope with an empty segment', { name: 'a', scopes: ['billing..read'] }, 'scopes[0]', /pattern/],
    ['second allow list unknown', { name: 'a', allow_list_ids: ['$list', 'al_0000000000000000000z'] }, 'allow_list_ids[1]', /al_0000000000000000000z/],
    ['duplicate allow lists', { name: 'a', allow_list_ids: ['$list', '$list'] }, 'allow_list_ids', /repeat/],
    ['both owners', { name: 'a', user_id: 'usr_0000000000000000000a', service_account_id: 'sa_0000000000000000000a' }, 'user_id', /not both/],
    ['unknown user', { name: 'a', user_id: 'usr_0000000000000000000a' }, 'user_id', /does not exist/],
    ['role with a wrong case', { name: 'a', role: 'Admin' }, 'role', /admin, developer, viewer/],
    ['expiry as a number', { name: 'a', expires_at: 4102444800 }, 'expires_at', /string/],
    ['expiry on 30 February', { name: 'a', expires_at: '2099-02-30T00:00:00Z' }, 'expires_at', /RFC 3339/],
    ['expiry on 31 April', { name: 'a', expires_at: '2099-04-31T00:00:00Z' }, 'expires_at', /RFC 3339/],
    ['expiry at hour 24', { name: 'a', expires_at: '2099-01-01T24:00:00Z' }, 'expires_at', /RFC 3339/],
    ['expiry in month 13', { name: 'a', expires_at: '2099-13-01T00:00:00Z' }, 'expires_at', /RFC 3339/],
    ['expiry without an offset', { name: 'a', expires_at: '2099-01-01T00:00:00' }, 'expires_at', /RFC 3339/],
    ['expiry with an offset out of range', { name: 'a', expires_at: '2099-01-01T00:00:00+25:00' }, 'expires_at', /RFC 3339/],
    ['expiry as a date in words', { name: 'a', expires_at: 'Jan 1 2099' }, 'expires_at', /RFC 3339/],
    ['expiry a moment ago', { name: 'a', expires_at: new Date(Date.now() - 1000).toISOString() }, 'expires_at', /past/],
  ];
  test.each(cases)('%s: 400 on the field, nothing written', async (_name, body, field, message) => {
    const [count, event] = [await keyCount(), await latestSuccess()];
    expectInvalid(await svc.call('POST', '/v1/api-keys', withList(body)), field, message);
    expect(await keyCount()).toBe(count);
    expect(await latestSuccess()).toBe(event);
  });

  test('a key with an allow list and scopes is not created when the expiry is bad: no half-written links', async () => {
    const before = (await svc.call('DELETE', `/v1/ip-allow-lists/${list}`)).status;
    expect(before).toBe(204); // nothing was attached by the rejected requests above
    const fresh = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'again', cidrs: ['10.0.0.0/8'] })).body.id;
    expectInvalid(
      await svc.call('POST', '/v1/api-keys', { name: 'a', allow_list_ids: [fresh], scopes: ['billing.read'], expires_at: '2001-01-01T00:00:00Z' }),
      'expires_at',
      /past/,
    );
    expect((await svc.call('DELETE', `/v1/ip-allow-lists/${fresh}`)).status).toBe(204);
    list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['10.0.0.0/8'] })).body.id;
  });

  test('a body that is not JSON is a 415, an empty JSON body a 400', async () => {
    const text = await svc.request({ method: 'POST', url: '/v1/api-keys', body: 'name=a', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const form = await svc.request({ method: 'POST', url: '/v1/api-keys', body: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const empty = await svc.request({ method: 'POST', url: '/v1/api-keys', body: '', headers: { 'content-type': 'application/json' } });
    expectInvalid(empty, 'body', /JSON/);
    const array = await svc.call('POST', '/v1/api-keys', [{ name: 'a' }]);
    expectInvalid(array, 'body', /object/);
  });

  test('JSON with a trailing comma or a prototype key is refused', async () => {
    const count = await keyCount();
    expectInvalid(
      await svc.request({ method: 'POST', url: '/v1/api-keys', body: '{"name":"a",}', headers: { 'content-type': 'application/json' } }),
      'body',
      /JSON/,
    );
    const proto = await svc.request({
      method: 'POST',
      url: '/v1/api-keys',
      body: '{"name":"a","__proto__":{"role":"admin"}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    expect(proto.body.error.code).toBe('invalid_argument');
    expect(await keyCount()).toBe(count);
  });
});

describe('PATCH /v1/api-keys/{id}', () => {
  let id: string;
  let original: any;
  beforeAll(async () => {
    const created = await svc.call('POST', '/v1/api-keys', {
      name: 'patch-target',
      description: 'd',
      labels: { team: 'core' },
      scopes: ['billing.read'],
      allow_list_ids: [list],
    });
    id = created.body.api_key.id;
    original = created.body.api_key;
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['unknown field', { owner_id: 'usr_0000000000000000000a' }, 'owner_id', /not a known field/],
    ['role is not changeable', { role: 'viewer' }, 'role', /not a known field/],
    ['empty name', { name: '' }, 'name', /empty/],
    ['over-long description', { description: 'd'.repeat(1025) }, 'description', /1024/],
    ['unknown scope', { scopes: ['billing.read', 'nope.nope'] }, 'scopes[1]', /catalogue/],
    ['duplicate scopes', { scopes: ['billing.read', 'billing.read'] }, 'scopes', /repeat/],
    ['unknown allow list', { allow_list_ids: ['al_0000000000000000000z'] }, 'allow_list_ids[0]', /does not exist/],
    ['past expiry', { expires_at: '2020-01-01T00:00:00Z' }, 'expires_at', /past/],
    ['impossible expiry', { expires_at: '2099-02-29T00:00:00Z' }, 'expires_at', /RFC 3339/],
    ['bad label key', { labels: { 'no spaces': 'x' } }, 'labels.no spaces', /not an allowed key/],
    ['too many labels', { labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, 'labels', /64/],
  ];
  test.each(cases)('%s: 400 on the field, key unchanged', async (_name, body, field, message) => {
    const event = await latestSuccess();
    expectInvalid(await svc.call('PATCH', `/v1/api-keys/${id}`, body), field, message);
    expect((await svc.call('GET', `/v1/api-keys/${id}`)).body).toEqual(original);
    expect(await latestSuccess()).toBe(event);
  });

  test('a leap day in a leap year is a valid expiry', async () => {
    const res = await svc.call('PATCH', `/v1/api-keys/${id}`, { expires_at: '2096-02-29T23:59:59.999-00:30' });
    expect(res.status).toBe(200);
    expect(res.body.expires_at).toBe('2096-03-01T00:29:59.999Z');
  });
});

describe('POST /v1/api-keys/{id}/revoke', () => {
  test('takes no body, or a reason; anything else names the field', async () => {
    const a = (await svc.call('POST', '/v1/api-keys', { name: 'revoke-no-body' })).body.api_key.id;
    const bare = await svc.request({ method: 'POST', url: `/v1/api-keys/${a}/revoke` });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ id: a, status: 'revoked', revoke_reason: 'revoked' });
    const b = (await svc.call('POST', '/v1/api-keys', { name: 'revoke-bad-body' })).body.api_key.id;
    expectInvalid(await svc.call('POST', `/v1/api-keys/${b}/revoke`, { reason: '' }), 'reason', /empty/);
    expectInvalid(await svc.call('POST', `/v1/api-keys/${b}/revoke`, { reason: 'r'.repeat(257) }), 'reason', /256/);
    expectInvalid(await svc.call('POST', `/v1/api-keys/${b}/revoke`, { why: 'x' }), 'why', /not a known field/);
    expect((await svc.call('GET', `/v1/api-keys/${b}`)).body.status).toBe('active');
  });
});

describe('GET /v1/api-keys query', () => {
  test.each([
    ['status=bogus', 'status', /active, revoked, expired/],
    ['owner_type=robot', 'owner_type', /user, service_account/],
    ['page_size=0', 'page_size', /1/],
    ['page_size=abc', 'page_size', /integer/],
    ['label=team', 'label[0]', /./],
    ['label=team=core&label==x', 'label[1]', /./],
    ['colour=red', 'colour', /not a known field/],
    [`page_token=${Buffer.from('not an id').toString('base64url')}`, 'page_token', /token/],
  ])('%s names %s', async (query, field, message) => {
    expectInvalid(await svc.call('GET', `/v1/api-keys?${query}`), field, message);
  });
});

/**
 * A valid key used from an address its allow lists do not cover is a 403 `permission_denied`. The address is
 * the peer's, or the client named in X-Forwarded-For only when the peer is a trusted proxy
 * (`AppOptions.trustedProxies`); otherwise anyone could claim an allowed address in a header.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

async function fencedKey(svc: TestService, cidrs: string[]) {
  const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'fence', cidrs })).body;
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'fenced', allow_list_ids: [list.id] })).body;
  return { listId: list.id as string, keyId: key.api_key.id as string, secret: key.secret as string };
}
const expectDenied = (res: { status: number; body: any }) => {
  expect(res.body).toEqual({ error: { code: 'permission_denied', message: expect.stringMatching(/address/) } });
  expect(res.status).toBe(403);
};

describe('without trusted proxies', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc.close());

  test('the peer address decides, and X-Forwarded-For is ignored', async () => {
    const k = await fencedKey(svc, ['203.0.113.0/24', '2001:db8::/32']);
    const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
      svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress, headers });
    expect((await from('203.0.113.10')).status).toBe(200);
    expect((await from('2001:db8::10')).status).toBe(200);
    expect((await from('::ffff:203.0.113.10')).status).toBe(200);
    expectDenied(await from('198.51.100.10'));
    expectDenied(await from('127.0.0.1', { 'x-forwarded-for': '203.0.113.10' }));
    expectDenied(await from('198.51.100.10', { 'x-forwarded-for': '203.0.113.10', 'x-real-ip': '203.0.113.10', forwarded: 'for=203.0.113.10' }));
  });

  test('a refusal is audited with the key id and the peer address', async () => {
    const k = await fencedKey(svc, ['203.0.113.0/24']);
    await svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '198.51.100.77', headers: { 'x-forwarded-for': '203.0.113.1' } });
    const event = (await svc.call('GET', `/v1/audit-events?action=auth.failed&key_id=${k.keyId}`)).body.audit_events[0];
    expect(event).toMatchObject({ outcome: 'failure', key_id: k.keyId, address: '198.51.100.77', details: { reason: 'ip_not_allowed' } });
  });

  test('changing the list applies to the next request; detaching it frees the key', async () => {
    const k = await fencedKey(svc, ['203.0.113.0/24']);
    const fromOffice = () => svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '192.0.2.50' });
    expectDenied(await fromOffice());
    await svc.call('PATCH', `/v1/ip-allow-lists/${k.listId}`, { cidrs: ['203.0.113.0/24', '192.0.2.0/26'] });
    expect((await fromOffice()).status).toBe(200);
    await svc.call('PATCH', `/v1/ip-allow-lists/${k.listId}`, { cidrs: ['192.0.2.0/27'] });
    expectDenied(await fromOffice());
    await svc.call('PATCH', `/v1/api-keys/${k.keyId}`, { allow_list_ids: [] });
    expect((await fromOffice()).status).toBe(200);
  });

  test('an allow list with no ranges admits nobody', async () => {
    const k = await fencedKey(svc, []);
    expectDenied(await svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret }));
  });
});

describe('with trusted proxies', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ app: { trustedProxies: ['10.9.0.0/16', 'fd00::1'] } });
  });
  afterAll(() => svc.close());

  test('X-Forwarded-For is honoured only when the peer is a trusted proxy', async () => {
    const k = await fencedKey(svc, ['203.0.113.0/24']);
    const via = (remoteAddress: string, xff: string) =>
      svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress, headers: { 'x-forwarded-for': xff } });
    expect((await via('10.9.1.1', '203.0.113.5')).status).toBe(200);
    expect((await via('fd00::1', '203.0.113.5')).status).toBe(200);
    expectDenied(await via('10.10.1.1', '203.0.113.5')); // outside the trusted range
    expectDenied(await via('fd00::2', '203.0.113.5'));
    // an allowed peer that is no proxy: its header naming a refused address is ignored too
    expect((await via('203.0.113.9', '198.51.100.1')).status).toBe(200);
  });

  test('the client is the last untrusted hop: a forged first entry does not help', async () => {
    const k = await fencedKey(svc, ['203.0.113.0/24']);
    const via = (xff: string) =>
      svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': xff } });
    expect((await via('198.51.100.1, 203.0.113.5, 10.9.0.2')).status).toBe(200);
    expectDenied(await via('203.0.113.5, 198.51.100.1'));
    expectDenied(await via('203.0.113.5, 198.51.100.1, 10.9.0.2'));
  });

  test('the audit log and last use record the forwarded client address', async () => {
    const k = await fencedKey(svc, ['203.0.113.0/24']);
    await svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': '198.51.100.8' } });
    const denied = (await svc.call('GET', `/v1/audit-events?action=auth.failed&key_id=${k.keyId}`)).body.audit_events[0];
    expect(denied.address).toBe('198.51.100.8');
    await svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': '203.0.113.44' } });
    await svc.ctx.lastUsed.flush();
    expect((await svc.call('GET', `/v1/api-keys/${k.keyId}`)).body.last_used_ip).toBe('203.0.113.44');
    const created = await svc.request({
      method: 'POST',
      url: '/v1/ip-allow-lists',
      body: { name: 'audited', cidrs: ['10.0.0.0/8'] },
      remoteAddress: '10.9.0.1',
      headers: { 'x-forwarded-for': '192.0.2.200' },
    });
    const event = (await svc.call('GET', `/v1/audit-events?target_id=${created.body.id}`)).body.audit_events[0];
    expect(event).toMatchObject({ action: 'ip_allow_list.create', address: '192.0.2.200' });
  });
});

/**
 * The audit log: every mutation and every failed authentication is one event with the actor, the key that
 * acted, the client address, the request id and the time; filters and pages work; no key or secret value is
 * ever in it.
 */
import { startTestService, type Person, type TestService } from '../../test/helpers/service';

let svc: TestService;
let dev: Person;
beforeAll(async () => {
  svc = await startTestService();
  dev = await svc.person('developer');
});
afterAll(() => svc.close());

interface Done {
  action: string;
  requestId: string;
  target: string;
  actor: Person | 'admin';
}

test('every mutation is recorded once with actor, key, address, request id, time and target', async () => {
  const done: Done[] = [];
  const start = Date.now();
  /** Runs one mutation from a known address and remembers what its event must say. */
  const act = async (action: string, method: string, url: string, body: unknown, actor: Person | 'admin', target?: (res: any) => string) => {
    const res = await svc.request({ method, url, body, key: actor === 'admin' ? svc.adminKey : actor.key, remoteAddress: '198.51.100.61' });
    expect([action, res.status < 300]).toEqual([action, true]);
    done.push({ action, requestId: String(res.headers['x-request-id']), target: target ? target(res.body) : url.split('/')[3]!, actor });
    return res.body;
  };
  await act('scope.create', 'POST', '/v1/scopes', { name: 'audit.me', description: 'x' }, 'admin', (b) => b.name);
  const user = await act('user.create', 'POST', '/v1/users', { email: 'audited@example.com', name: 'A', role: 'viewer' }, 'admin', (b) => b.id);
  await act('user.update', 'PATCH', `/v1/users/${user.id}`, { name: 'B' }, 'admin');
  const sa = await act('service_account.create', 'POST', '/v1/service-accounts', { name: 'audited-sa', role: 'viewer' }, dev, (b) => b.id);
  await act('service_account.update', 'PATCH', `/v1/service-accounts/${sa.id}`, { description: 'd' }, dev);
  const list = await act('ip_allow_list.create', 'POST', '/v1/ip-allow-lists', { name: 'l', cidrs: ['10.0.0.0/8'] }, dev, (b) => b.id);
  await act('ip_allow_list.update', 'PATCH', `/v1/ip-allow-lists/${list.id}`, { name: 'l2' }, dev);
  const key = await act(
    'api_key.create',
    'POST',
    '/v1/api-keys',
    { name: 'audited key', service_account_id: sa.id, scopes: ['audit.me'] },
    dev,
    (b) => b.api_key.id,
  );
  await act('api_key.update', 'PATCH', `/v1/api-keys/${key.api_key.id}`, { description: 'x' }, dev);
  await act('api_key.revoke', 'POST', `/v1/api-keys/${key.api_key.id}/revoke`, { reason: 'test' }, dev);
  await act('api_key.delete', 'DELETE', `/v1/api-keys/${key.api_key.id}`, undefined, dev);
  const secret = await act('secret.create', 'POST', '/v1/secrets', { name: 'audited-secret' }, dev, (b) => b.id);
  await act('secret.update', 'PATCH', `/v1/secrets/${secret.id}`, { description: 'd' }, dev);
  await act('secret.version.create', 'POST', `/v1/secrets/${secret.id}/versions`, { entries: { a: 'audit-secret-value-1' } }, dev);
  await act('secret.read', 'GET', `/v1/secrets/${secret.id}/versions/latest`, undefined, dev);
  await act('secret.version.destroy', 'POST', `/v1/secrets/${secret.id}/versions/1/destroy`, {}, dev);
  await act('secret.delete', 'DELETE', `/v1/secrets/${secret.id}`, undefined, dev);
  await act('ip_allow_list.delete', 'DELETE', `/v1/ip-allow-lists/${list.id}`, undefined, dev);
  await act('service_account.delete', 'DELETE', `/v1/service-accounts/${sa.id}`, undefined, dev);
  await act('scope.delete', 'DELETE', '/v1/scopes/audit.me', undefined, 'admin', () => 'audit.me');
  await act('user.delete', 'DELETE', `/v1/users/${user.id}`, undefined, 'admin');

  const events = (await svc.call('GET', '/v1/audit-events?page_size=200')).body.audit_events as any[];
  for (const d of done) {
    const matching = events.filter((e) => e.request_id === d.requestId);
    expect([d.action, matching.length]).toEqual([d.action, 1]);
    const e = matching[0];
    expect([d.action, e]).toEqual([
      d.action,
      expect.objectContaining({
        action: d.action,
        outcome: 'success',
        actor_type: 'user',
        actor_id: d.actor === 'admin' ? svc.adminUserId : d.actor.id,
        key_id: d.actor === 'admin' ? expect.stringMatching(/^key_/) : d.actor.keyId,
        address: '198.51.100.61',
        target_id: d.target,
      }),
    ]);
    expect(Date.parse(e.time)).toBeGreaterThanOrEqual(start - 5);
    expect(Date.parse(e.time)).toBeLessThanOrEqual(Date.now());
  }
  // newest first, in the order the requests were made
  const ours = events.filter((e) => done.some((d) => d.requestId === e.request_id)).map((e) => e.action);
  expect(ours).toEqual(done.map((d) => d.action).reverse());
  expect(JSON.stringify(events)).not.toContain('audit-secret-value-1');
});

test('a refused mutation leaves no success event', async () => {
  const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'held', cidrs: ['10.0.0.0/8'] })).body;
  await svc.call('POST', '/v1/api-keys', { name: 'holder', allow_list_ids: [list.id] });
  const before = (await svc.call('GET', '/v1/audit-events?page_size=1')).body.audit_events[0].id;
  expect((await svc.call('DELETE', `/v1/ip-allow-lists/${list.id}`)).status).toBe(409);
  expect((await svc.call('POST', '/v1/users', { email: 'x@example.com', name: 'x', role: 'viewer' }, dev.key)).status).toBe(403);
  expect((await svc.call('PATCH', `/v1/users/${svc.adminUserId}`, { role: 'viewer' })).status).toBe(409);
  expect((await svc.call('GET', '/v1/audit-events?page_size=1')).body.audit_events[0].id).toBe(before);
});

test('filters by action, actor, key, target, outcome and time, and pages newest first', async () => {
  const t0 = new Date().toISOString();
  for (let i = 0; i < 7; i++) await svc.call('POST', '/v1/service-accounts', { name: `filter-${i}` }, dev.key);
  await svc.call('GET', '/v1/whoami', undefined, 'kp_nope');
  const t1 = new Date(Date.now() + 1).toISOString();
  const get = async (q: string) => (await svc.call('GET', `/v1/audit-events?${q}`)).body.audit_events as any[];
  const creates = await get(`action=service_account.create&actor_id=${dev.id}&since=${t0}`);
  expect(creates.map((e) => e.details.name)).toEqual(Array.from({ length: 7 }, (_, i) => `filter-${6 - i}`));
  expect((await get(`key_id=${dev.keyId}&since=${t0}&until=${t1}`)).map((e) => e.action)).toEqual(Array(7).fill('service_account.create'));
  expect((await get(`outcome=failure&since=${t0}`)).map((e) => [e.action, e.details.reason])).toEqual([['auth.failed', 'unknown']]);
  expect(await get(`since=${t1}`)).toEqual([]);
  expect((await get(`target_id=${creates[0].target_id}`)).map((e) => e.action)).toEqual(['service_account.create']);
  expect((await get(`until=${t0}&action=service_account.create&actor_id=${dev.id}`)).filter((e) => /^filter-/.test(e.details.name))).toEqual([]);

  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res: { body: { audit_events: { id: string }[]; next_page_token: string | null } } = await svc.call(
      'GET',
      `/v1/audit-events?since=${t0}&page_size=3${token ? `&page_token=${token}` : ''}`,
    );
    seen.push(...res.body.audit_events.map((e) => e.id));
    token = res.body.next_page_token;
    pages++;
  } while (token);
  expect(pages).toBe(3);
  expect(seen).toHaveLength(8);
  expect([...seen].sort().reverse()).toEqual(seen);
});

test('bad filters name their field', async () => {
  for (const [q, field] of [
    ['since=yesterday', 'since'],
    ['until=2030-02-30T00:00:00Z', 'until'],
    ['outcome=maybe', 'outcome'],
    ['actor=me', 'actor'],
    ['page_size=201', 'page_size'],
  ]) {
    const res = await svc.call('GET', `/v1/audit-events?${q}`);
    expect([q, res.status, res.body.error.field]).toEqual([q, 400, field]);
  }
});

test('readable by admins and holders of keyplane.audit.read only', async () => {
  expect((await svc.call('GET', '/v1/audit-events', undefined, dev.key)).status).toBe(403);
  const auditor = await svc.person('viewer', { scopes: ['keyplane.audit.read'] });
  expect((await svc.call('GET', '/v1/audit-events?page_size=1', undefined, auditor.key)).status).toBe(200);
});

test('no key or secret value is ever recorded', async () => {
  const k = (await svc.call('POST', '/v1/api-keys', { name: 'scan me' })).body.secret as string;
  await svc.call('GET', '/v1/whoami', undefined, k);
  await svc.call('GET', '/v1/whoami', undefined, `${k.slice(0, -1)}0`);
  await svc.call('POST', '/v1/keys/verify', { key: k });
  const s = (await svc.call('POST', '/v1/secrets', { name: 'scan-secret' })).body.id;
  await svc.call('POST', `/v1/secrets/${s}/versions`, { entries: { token: 'scan-value-0f9e8d7c' } });
  await svc.call('GET', `/v1/secrets/${s}/versions/latest`);
  const all = JSON.stringify((await svc.call('GET', '/v1/audit-events?page_size=200')).body);
  for (const secret of [k, svc.adminKey, dev.key, 'scan-value-0f9e8d7c']) {
    for (let i = 0; i + 10 <= secret.length; i += 5) expect(all).not.toContain(secret.slice(i, i + 10));
  }
});

/**
 * Who is not let in: every `/v1` route but the OpenAPI document and the console's sign-in and sign-out answers 401 `unauthenticated` without a
 * usable key, before looking at the request, and each refusal is audited without the key.
 */
import { generateKey } from '../../contract/key-format';
import { startTestService, type TestService } from '../../test/helpers/service';
import { inTransaction } from '../db/transaction';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const whoami = (key: string | null, headers: Record<string, string> = {}) => svc.call('GET', '/v1/whoami', undefined, key, headers);
function expectUnauthenticated(res: { status: number; body: any }, message: RegExp) {
  expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.stringMatching(message) } });
  expect(res.status).toBe(401);
}
const make = async (body: Record<string, unknown> = {}) =>
  (await svc.call('POST', '/v1/api-keys', { name: 'subject', ...body })).body as { api_key: any; secret: string };

test('every authenticated route refuses a request without a key, whatever its body', async () => {
  const doc = (await svc.call('GET', '/v1/openapi.json', undefined, null)).body;
  const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => [m.toUpperCase(), path] as const),
  );
  expect(routes.length).toBeGreaterThan(30);
  // The console's sign-in and sign-out take no key: they are how a browser gets a session and drops it
  // (service/console/session-routes.ts), and service/console/sessions.test.ts tests who they let in.
  const keyless = ['POST /v1/console/sessions', 'GET /v1/console/session', 'DELETE /v1/console/session'];
  expect(routes.filter(([method, path]) => keyless.includes(`${method} ${path}`))).toHaveLength(keyless.length);
  for (const [method, path] of routes.filter(([m, p]) => !keyless.includes(`${m} ${p}`))) {
    const url = path.replace('{id}', 'key_0000000000000000000a').replace('{name}', 'a.b').replace('{version}', '1');
    const res = await svc.call(method, url, method === 'GET' || method === 'DELETE' ? undefined : { not: 'valid' }, null);
    expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 401, 'unauthenticated']);
  }
});

test('a missing or malformed Authorization header', async () => {
  const key = (await make()).secret;
  expectUnauthenticated(await whoami(null), /Bearer/);
  for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Token ${key}`, `Bearer ${key} ${key}`, key]) {
    expectUnauthenticated(await whoami(null, { authorization }), /Bearer|not known/);
  }
  // the scheme is case-insensitive (RFC 9110 section 11.1)
  expect((await whoami(null, { authorization: `bearer ${key}` })).status).toBe(200);
});

test('a 401 names the Bearer scheme, and says a presented key was refused', async () => {
  const missing = await svc.request({ method: 'GET', url: '/v1/whoami', key: null });
  expect(missing.headers['www-authenticate']).toBe('Bearer realm="keyplane"');
  const refused = await svc.request({ method: 'GET', url: '/v1/whoami', key: generateKey() });
  expect(refused.headers['www-authenticate']).toBe('Bearer realm="keyplane", error="invalid_token"');
  expect((await svc.request({ method: 'GET', url: '/v1/whoami' })).headers['www-authenticate']).toBeUndefined();
});

test('a malformed key and a well-formed key nobody issued are both unknown', async () => {
  const key = (await make()).secret;
  for (const bad of [key.slice(0, -1), `${key.slice(0, -1)}${key.at(-1) === 'A' ? 'B' : 'A'}`, generateKey(), `kp_${'0'.repeat(39)}`]) {
    expectUnauthenticated(await whoami(bad), /not known/);
  }
});

test('a revoked key is refused on the very next request, and so is a deleted one', async () => {
  const k = await make();
  expect((await whoami(k.secret)).status).toBe(200);
  await svc.call('POST', `/v1/api-keys/${k.api_key.id}/revoke`, {});
  expectUnauthenticated(await whoami(k.secret), /revoked/);
  await svc.call('DELETE', `/v1/api-keys/${k.api_key.id}`);
  expectUnauthenticated(await whoami(k.secret), /not known/);
});

test('an expired key is refused', async () => {
  const k = await make({ expires_at: new Date(Date.now() + 60_000).toISOString() });
  expect((await whoami(k.secret)).status).toBe(200);
  await inTransaction(svc.ctx, (trx) =>
    trx
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .where('id', '=', k.api_key.id)
      .execute(),
  );
  expectUnauthenticated(await whoami(k.secret), /expired/);
});

test('a key whose owner is disabled, or whose creator is, is refused until they are enabled', async () => {
  const dev = await svc.person('developer');
  const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'runner', role: 'developer' }, dev.key)).body;
  const saKey = (await svc.call('POST', '/v1/api-keys', { name: 'runner key', service_account_id: sa.id }, dev.key)).body.secret as string;
  await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: true });
  expectUnauthenticated(await whoami(saKey), /disabled/);
  await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: false });
  expect((await whoami(saKey)).status).toBe(200);
  await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: true });
  expectUnauthenticated(await whoami(dev.key), /disabled/);
  expectUnauthenticated(await whoami(saKey), /disabled/);
  await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: false });
  expect((await whoami(saKey)).status).toBe(200);
});

test('authentication comes before validation and before the body limit', async () => {
  expectUnauthenticated(await svc.call('POST', '/v1/api-keys', { name: 42, bogus: true }, null), /Bearer/);
  const big = await svc.request({ method: 'POST', url: '/v1/api-keys', body: { name: 'a', description: 'x'.repeat(2 * 1024 * 1024) }, key: generateKey() });
  expect([big.status, big.body.error.code]).toEqual([401, 'unauthenticated']);
});

test('each refusal is audited with the reason, the key id when the key is known, and the address, never the key', async () => {
  const k = await make();
  await svc.call('POST', `/v1/api-keys/${k.api_key.id}/revoke`, {});
  const unknown = generateKey();
  await svc.request({ method: 'GET', url: '/v1/api-keys?page_size=1', key: k.secret, remoteAddress: '198.51.100.4' });
  await svc.request({ method: 'GET', url: '/v1/whoami', key: unknown, remoteAddress: '2001:db8::4' });
  await svc.request({ method: 'DELETE', url: '/v1/secrets/sec_0000000000000000000a', key: null, remoteAddress: '192.0.2.4' });
  const events = (await svc.call('GET', '/v1/audit-events?action=auth.failed&page_size=3')).body.audit_events;
  // Failures are counted per source (address, reason, key id); each source here failed once.
  const once = { count: 1, first_at: expect.any(String), last_at: expect.any(String) };
  expect(events).toEqual([
    expect.objectContaining({
      outcome: 'failure',
      actor_id: null,
      key_id: null,
      address: '192.0.2.4',
      details: { reason: 'missing', method: 'DELETE', path: '/v1/secrets/sec_0000000000000000000a', ...once },
    }),
    expect.objectContaining({
      outcome: 'failure',
      actor_id: null,
      key_id: null,
      address: '2001:db8::4',
      details: { reason: 'unknown', method: 'GET', path: '/v1/whoami', ...once },
    }),
    expect.objectContaining({
      outcome: 'failure',
      key_id: k.api_key.id,
      address: '198.51.100.4',
      details: { reason: 'revoked', method: 'GET', path: '/v1/api-keys', ...once },
    }),
  ]);
  for (const e of events) {
    expect(Date.now() - Date.parse(e.time)).toBeLessThan(60_000);
    expect([e.details.first_at, e.details.last_at]).toEqual([e.time, e.time]);
  }
  const all = JSON.stringify((await svc.call('GET', '/v1/audit-events?page_size=200')).body);
  for (const s of [k.secret, unknown]) expect(all).not.toContain(s.slice(3, 20));
});

test('a key pasted into the path of a refused request is not kept in the audit log', async () => {
  const pasted = (await svc.call('POST', '/v1/api-keys', { name: 'pasted-in-path' })).body.secret as string;
  expect((await svc.request({ method: 'GET', url: `/v1/api-keys/${pasted}`, key: null })).status).toBe(401);
  // The failure was recorded (reading the audit log writes the pending counts first), with the path's shape.
  const events = (await svc.call('GET', '/v1/audit-events?action=auth.failed&page_size=100')).body.audit_events;
  expect(events.some((e: { details: { path: string } }) => e.details.path === '/v1/api-keys/kp_[redacted]')).toBe(true);
  const rows = await svc.ctx.store.db.selectFrom('audit_events').select('details').execute();
  expect(rows.map((r) => r.details).join('\n')).not.toContain(pasted.slice(0, 20));
});

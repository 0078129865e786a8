/**
 * Console sessions through the API: a pasted key becomes a session cookie; the session acts as its key by the
 * key's role of the moment and ends with it; cookie-authenticated writes from another site are refused.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ app: { trustedProxies: ['127.0.0.1'] } });
});
afterAll(() => svc.close());

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' };

async function signIn(key: string, headers: Record<string, string> = SAME_ORIGIN) {
  const res = await svc.app.inject({ method: 'POST', url: '/v1/console/sessions', payload: { api_key: key }, headers });
  return res;
}

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = String(res.headers['set-cookie']);
  return set.split(';')[0]!;
}

async function asSession(cookie: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await svc.app.inject({
    method: method as never,
    url,
    headers: { cookie, ...headers },
    ...(body === undefined ? {} : { payload: body as never }),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
}

test('sign-in sets an HttpOnly, SameSite=Strict session cookie for / that no cache keeps, and stores only its hash', async () => {
  const res = await signIn(svc.adminKey);
  expect(res.statusCode).toBe(201);
  expect(res.headers['cache-control']).toBe('no-store');
  const set = String(res.headers['set-cookie']);
  expect(set).toMatch(/^keyplane_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  const token = cookieOf(res).split('=')[1]!;
  const rows = await svc.ctx.store.db.selectFrom('console_sessions').selectAll().execute();
  expect(JSON.stringify(rows)).not.toContain(token);
  expect(JSON.stringify(rows)).not.toContain(svc.adminKey);
  expect(res.body).not.toContain(svc.adminKey);
  const whoami = await asSession(cookieOf(res), 'GET', '/v1/whoami');
  expect(whoami.status).toBe(200);
  expect(whoami.body.api_key.id).toBe(JSON.parse(res.body).key_id);
});

test('over TLS the cookie is __Host- prefixed and Secure, and only that name is read', async () => {
  const tls = { ...SAME_ORIGIN, origin: 'https://localhost:80', 'x-forwarded-proto': 'https' };
  const res = await signIn(svc.adminKey, tls);
  expect(res.statusCode).toBe(201);
  expect(String(res.headers['set-cookie'])).toMatch(/^__Host-keyplane_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  const cookie = cookieOf(res);
  expect((await asSession(cookie, 'GET', '/v1/whoami', undefined, { 'x-forwarded-proto': 'https' })).status).toBe(200);
  // The same token under the plain name, over TLS, is no session.
  const plain = cookie.replace('__Host-', '');
  expect((await asSession(plain, 'GET', '/v1/whoami', undefined, { 'x-forwarded-proto': 'https' })).status).toBe(401);
});

test('a session acts by its key’s effective role of the moment, and ends when its owner is disabled', async () => {
  const dev = await svc.person('developer');
  const cookie = cookieOf(await signIn(dev.key));
  expect((await asSession(cookie, 'GET', '/v1/whoami')).body.effective_role).toBe('developer');
  expect((await svc.call('PATCH', `/v1/users/${dev.id}`, { role: 'viewer' })).status).toBe(200);
  expect((await asSession(cookie, 'GET', '/v1/whoami')).body.effective_role).toBe('viewer');
  const create = await asSession(cookie, 'POST', '/v1/api-keys', { name: 'by a viewer' }, SAME_ORIGIN);
  expect(create.status).toBe(403);
  expect((await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: true })).status).toBe(200);
  const refused = await asSession(cookie, 'GET', '/v1/whoami');
  expect(refused.status).toBe(401);
  expect(String(refused.headers['set-cookie'])).toMatch(/^keyplane_session=; Max-Age=0;/);
  // Ended, not merely refused: enabling the owner again does not bring the session back.
  expect((await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: false })).status).toBe(200);
  expect((await asSession(cookie, 'GET', '/v1/whoami')).body.error.message).toMatch(/session has ended/);
});

test('a session ends when its key is revoked', async () => {
  const dev = await svc.person('developer');
  const cookie = cookieOf(await signIn(dev.key));
  expect((await asSession(cookie, 'GET', '/v1/api-keys')).status).toBe(200);
  expect((await svc.call('POST', `/v1/api-keys/${dev.keyId}/revoke`, {})).status).toBe(200);
  const refused = await asSession(cookie, 'GET', '/v1/api-keys');
  expect(refused.status).toBe(401);
  expect(refused.body.error.message).toMatch(/revoked/);
  expect(await svc.ctx.store.db.selectFrom('console_sessions').select('id').where('key_id', '=', dev.keyId).execute()).toEqual([]);
});

test('a session opened with a secret that a rotation replaced ends with that secret', async () => {
  const dev = await svc.person('developer');
  const cookie = cookieOf(await signIn(dev.key));
  expect((await svc.call('POST', `/v1/api-keys/${dev.keyId}/rotate`, {})).status).toBe(200);
  const refused = await asSession(cookie, 'GET', '/v1/whoami');
  expect(refused.status).toBe(401);
  // The same answer the old secret gets as a bearer key: one rule for both.
  const bearer = await svc.call('GET', '/v1/whoami', undefined, dev.key);
  expect([bearer.status, bearer.body.error.message]).toEqual([401, refused.body.error.message]);
});

test('a refused key opens no session, and the refusal names no key', async () => {
  const dev = await svc.person('developer');
  expect((await svc.call('POST', `/v1/api-keys/${dev.keyId}/revoke`, {})).status).toBe(200);
  const res = await signIn(dev.key);
  expect(res.statusCode).toBe(401);
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.body).not.toContain(dev.key);
  expect((await signIn('kp_not_a_key')).statusCode).toBe(401);
  const both = await svc.app.inject({ method: 'POST', url: '/v1/console/sessions', payload: { api_key: dev.key, sign_in_token: 'x' }, headers: SAME_ORIGIN });
  expect(both.statusCode).toBe(400);
});

test('sign-out ends the session everywhere and is audited with sign-in', async () => {
  const dev = await svc.person('developer');
  const signedIn = await signIn(dev.key);
  const cookie = cookieOf(signedIn);
  const out = await asSession(cookie, 'DELETE', '/v1/console/session', undefined, SAME_ORIGIN);
  expect(out.status).toBe(204);
  expect(String(out.headers['set-cookie'])).toMatch(/^keyplane_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
  expect((await asSession(cookie, 'GET', '/v1/whoami')).status).toBe(401);
  const events = await svc.ctx.store.db.selectFrom('audit_events').selectAll().where('actor_key_id', '=', dev.keyId).orderBy('id').execute();
  expect(events.map((e) => [e.action, e.actor_id, e.target_type])).toEqual([
    ['console.sign_in', dev.id, 'console_session'],
    ['console.sign_out', dev.id, 'console_session'],
  ]);
  expect(JSON.parse(events[0]!.details).via).toBe('api_key');
});

describe('cross-site requests', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = cookieOf(await signIn(svc.adminKey));
  });
  const create = { name: 'made by a form elsewhere' };

  test.each([
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site', origin: 'http://other.localhost' }],
    ['a foreign Origin without Fetch Metadata', { origin: 'https://evil.example' }],
    ['same-origin Fetch Metadata with a foreign Origin', { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }],
    ['neither header', {}],
  ])('a cookie-authenticated write with %s is refused', async (_what, headers) => {
    const res = await asSession(cookie, 'POST', '/v1/api-keys', create, headers as Record<string, string>);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('permission_denied');
  });

  test('a same-origin write goes through, and so does a bearer write with no browser headers', async () => {
    expect((await asSession(cookie, 'POST', '/v1/api-keys', create, SAME_ORIGIN)).status).toBe(201);
    expect((await asSession(cookie, 'POST', '/v1/api-keys', create, { origin: 'http://localhost:80' })).status).toBe(201);
    expect((await svc.call('POST', '/v1/api-keys', create)).status).toBe(201);
  });

  test('a cross-site sign-in or sign-out is refused', async () => {
    expect((await signIn(svc.adminKey, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await asSession(cookie, 'DELETE', '/v1/console/session', undefined, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await asSession(cookie, 'GET', '/v1/whoami')).status).toBe(200);
  });
});

describe('one-time sign-in links', () => {
  test('a link signs in once, as the key that made it', async () => {
    const dev = await svc.person('developer');
    const made = await svc.call('POST', '/v1/console/sign-in-links', {}, dev.key);
    expect(made.status).toBe(201);
    expect(made.body.path).toMatch(/^\/#sign-in=[A-Za-z0-9_-]{43}$/);
    const token = made.body.path.split('=')[1];
    const redeem = () => svc.app.inject({ method: 'POST', url: '/v1/console/sessions', payload: { sign_in_token: token }, headers: SAME_ORIGIN });
    const first = await redeem();
    expect(first.statusCode).toBe(201);
    expect(JSON.parse(first.body).key_id).toBe(dev.keyId);
    const whoami = await asSession(cookieOf(first), 'GET', '/v1/whoami');
    expect(whoami.body.principal.id).toBe(dev.id);
    const again = await redeem();
    expect(again.statusCode).toBe(401);
    expect(JSON.parse(again.body).error.message).toMatch(/already used or expired/);
  });

  test('a session cannot make links, and a link of a revoked key signs nobody in', async () => {
    const dev = await svc.person('developer');
    const cookie = cookieOf(await signIn(dev.key));
    expect((await asSession(cookie, 'POST', '/v1/console/sign-in-links', {}, SAME_ORIGIN)).status).toBe(403);
    const made = await svc.call('POST', '/v1/console/sign-in-links', {}, dev.key);
    expect((await svc.call('POST', `/v1/api-keys/${dev.keyId}/revoke`, {})).status).toBe(200);
    const res = await svc.app.inject({
      method: 'POST',
      url: '/v1/console/sessions',
      payload: { sign_in_token: made.body.path.split('=')[1] },
      headers: SAME_ORIGIN,
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('GET /v1/console/session: is this browser signed in?', () => {
  test('a live session answers its key and expiry, and no cache keeps the answer', async () => {
    const opened = await signIn(svc.adminKey);
    const res = await asSession(cookieOf(opened), 'GET', '/v1/console/session');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(opened.body));
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('no cookie, or one of an ended session, is a 404 and never a failed authentication', async () => {
    const failures = async () => {
      await svc.ctx.failedAuth.flush();
      return (await svc.ctx.store.db.selectFrom('audit_events').select('id').where('action', '=', 'auth.failed').execute()).length;
    };
    const before = await failures();
    const none = await svc.app.inject({ method: 'GET', url: '/v1/console/session' });
    expect(none.statusCode).toBe(404);
    expect(JSON.parse(none.body).error.code).toBe('not_found');
    expect(none.headers['set-cookie']).toBeUndefined();

    const cookie = cookieOf(await signIn(svc.adminKey));
    expect((await asSession(cookie, 'DELETE', '/v1/console/session', undefined, SAME_ORIGIN)).status).toBe(204);
    const ended = await asSession(cookie, 'GET', '/v1/console/session');
    expect(ended.status).toBe(404);
    // The browser is told to drop the stale cookie.
    expect(String(ended.headers['set-cookie'])).toMatch(/^keyplane_session=; /);
    expect(await failures()).toBe(before);
    // Whereas asking /v1/whoami with no key at all is one.
    await svc.app.inject({ method: 'GET', url: '/v1/whoami' });
    expect(await failures()).toBe(before + 1);
  });
});

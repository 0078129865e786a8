/**
 * `/v1/users`: emails are unique without regard to case, fields are validated, PATCH changes only what is
 * sent, and deletion removes the user (their keys are revoked; see http/roles.each-rule.test.ts).
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const create = async (body: Record<string, unknown>) => {
  const res = await svc.call('POST', '/v1/users', { name: 'N', role: 'viewer', ...body });
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { id: string; email: string; role: string };
};

test('create answers the user; email is stored lower-case and unique without regard to case', async () => {
  const u = await create({ email: 'Mixed.Case@Example.COM', name: 'Mixed', role: 'developer' });
  expect(u).toEqual({
    id: expect.stringMatching(/^usr_/),
    email: 'mixed.case@example.com',
    name: 'Mixed',
    role: 'developer',
    disabled: false,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  });
  const dup = await svc.call('POST', '/v1/users', { email: 'MIXED.case@example.com', name: 'Again', role: 'viewer' });
  expect([dup.status, dup.body.error]).toEqual([409, { code: 'already_exists', message: expect.stringMatching(/mixed\.case@example\.com/), field: 'email' }]);
  expect((await svc.call('GET', '/v1/users?email=MIXED.CASE@example.com')).body.users.map((x: { id: string }) => x.id)).toEqual([u.id]);
});

test.each([
  [{ email: 'no-at-sign', name: 'x', role: 'viewer' }, 'email'],
  [{ email: 'a b@example.com', name: 'x', role: 'viewer' }, 'email'],
  [{ email: 'x@example.com', name: '', role: 'viewer' }, 'name'],
  [{ email: 'x@example.com', name: 'x', role: 'owner' }, 'role'],
  [{ email: 'x@example.com', name: 'x' }, 'role'],
  [{ email: 'x@example.com', name: 'x', role: 'viewer', disabled: true }, 'disabled'],
  [{ email: 'x@example.com', name: 'x', role: 'viewer', id: 'usr_0000000000000000000a' }, 'id'],
])('%j is refused naming %s', async (body, field) => {
  const res = await svc.call('POST', '/v1/users', body);
  expect([res.status, res.body.error.code, res.body.error.field]).toEqual([400, 'invalid_argument', field]);
  expect((await svc.call('GET', '/v1/users?email=x@example.com')).body.users).toEqual([]);
});

test('PATCH changes only what is sent; a taken email is a 409 and changes nothing', async () => {
  const a = await create({ email: 'a@example.com', name: 'A' });
  await create({ email: 'b@example.com', name: 'B' });
  expect((await svc.call('PATCH', `/v1/users/${a.id}`, { name: 'Alice' })).body).toMatchObject({
    email: 'a@example.com',
    name: 'Alice',
    role: 'viewer',
    disabled: false,
  });
  expect((await svc.call('PATCH', `/v1/users/${a.id}`, { email: 'ALICE@example.com' })).body).toMatchObject({ email: 'alice@example.com', name: 'Alice' });
  const taken = await svc.call('PATCH', `/v1/users/${a.id}`, { email: 'B@example.com', name: 'Bob?' });
  expect([taken.status, taken.body.error.code, taken.body.error.field]).toEqual([409, 'already_exists', 'email']);
  expect((await svc.call('GET', `/v1/users/${a.id}`)).body).toMatchObject({ email: 'alice@example.com', name: 'Alice' });
  expect((await svc.call('PATCH', `/v1/users/${a.id}`, { role: 'root' })).body.error).toMatchObject({ code: 'invalid_argument', field: 'role' });
});

test('list filters by role and pages', async () => {
  for (let i = 0; i < 5; i++) await create({ email: `dev${i}@example.com`, role: 'developer' });
  const devs: string[] = [];
  let token: string | null = null;
  do {
    const res: { body: { users: { role: string; email: string }[]; next_page_token: string | null } } = await svc.call(
      'GET',
      `/v1/users?role=developer&page_size=2${token ? `&page_token=${token}` : ''}`,
    );
    for (const u of res.body.users) expect(u.role).toBe('developer');
    devs.push(...res.body.users.map((u) => u.email));
    token = res.body.next_page_token;
  } while (token);
  expect(devs).toEqual(expect.arrayContaining(['dev0@example.com', 'dev4@example.com']));
  expect(new Set(devs).size).toBe(devs.length);
});

test('delete removes the user; reading or deleting again is 404; the email is free again', async () => {
  const u = await create({ email: 'leaving@example.com' });
  expect((await svc.call('DELETE', `/v1/users/${u.id}`)).status).toBe(204);
  for (const [method, body] of [
    ['GET', undefined],
    ['PATCH', { name: 'x' }],
    ['DELETE', undefined],
  ] as const) {
    const res = await svc.call(method, `/v1/users/${u.id}`, body);
    expect([method, res.status, res.body.error.code]).toEqual([method, 404, 'not_found']);
  }
  expect((await svc.call('POST', '/v1/users', { email: 'leaving@example.com', name: 'Back', role: 'viewer' })).status).toBe(201);
  const event = (await svc.call('GET', `/v1/audit-events?action=user.delete&target_id=${u.id}`)).body.audit_events[0];
  expect(event).toMatchObject({ actor_id: svc.adminUserId, details: { email: 'leaving@example.com', revoked_keys: 0 } });
});

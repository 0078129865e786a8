/**
 * `/v1/scopes`: the catalogue lists the built-in scopes, admins register and delete custom ones, the
 * `keyplane.` prefix is reserved, and a scope some key holds cannot be deleted.
 */
import { BUILTIN_SCOPES } from './builtin';
import { startTestService, type Person, type TestService } from '../../test/helpers/service';

let svc: TestService;
let dev: Person;
beforeAll(async () => {
  svc = await startTestService();
  dev = await svc.person('developer');
});
afterAll(() => svc.close());

const register = (name: string, key?: string) => svc.call('POST', '/v1/scopes', { name, description: `the ${name} scope` }, key);

test('the catalogue lists every built-in scope, marked built in', async () => {
  const res = await svc.call('GET', '/v1/scopes', undefined, dev.key);
  expect(res.status).toBe(200);
  const builtins = (res.body.scopes as { name: string; builtin: boolean; description: string }[]).filter((s) => s.builtin);
  expect(builtins.map((s) => s.name).sort()).toEqual(Object.keys(BUILTIN_SCOPES).sort());
  for (const s of builtins) expect(s.description).toBe(BUILTIN_SCOPES[s.name]);
});

test('an admin registers a custom scope; it is listed, usable, and audited', async () => {
  const res = await register('billing.read');
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ name: 'billing.read', description: 'the billing.read scope', builtin: false, created_at: expect.any(String) });
  expect((await svc.call('GET', '/v1/scopes')).body.scopes).toContainEqual(res.body);
  expect((await svc.call('POST', '/v1/api-keys', { name: 'k', scopes: ['billing.read'] }, dev.key)).status).toBe(201);
  const event = (await svc.call('GET', '/v1/audit-events?action=scope.create')).body.audit_events[0];
  expect(event).toMatchObject({ target_type: 'scope', target_id: 'billing.read', actor_id: svc.adminUserId });
});

test('a developer may not register or delete scopes', async () => {
  const res = await register('dev.made', dev.key);
  expect([res.status, res.body.error.code]).toEqual([403, 'permission_denied']);
  await register('dev.target');
  expect((await svc.call('DELETE', '/v1/scopes/dev.target', undefined, dev.key)).status).toBe(403);
  expect((await svc.call('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['dev.target']));
  expect((await svc.call('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).not.toContain('dev.made');
});

test('names under keyplane. are reserved, malformed names are refused, a name is registered once', async () => {
  for (const name of ['keyplane.keys.admin', 'keyplane.x']) {
    const res = await register(name);
    expect([name, res.status, res.body.error.field, res.body.error.message]).toEqual([name, 400, 'name', expect.stringMatching(/reserved/)]);
  }
  for (const name of ['Billing.read', 'billing read', '.billing', 'billing.', '9billing', '']) {
    const res = await register(name);
    expect([name, res.status, res.body.error.code, res.body.error.field]).toEqual([name, 400, 'invalid_argument', 'name']);
  }
  await register('orders.write');
  const again = await register('orders.write');
  expect([again.status, again.body.error]).toEqual([409, { code: 'already_exists', message: expect.stringMatching(/orders\.write/), field: 'name' }]);
  const noDescription = await svc.call('POST', '/v1/scopes', { name: 'orders.read' });
  expect([noDescription.status, noDescription.body.error.field]).toEqual([400, 'description']);
});

test.each(['reports.read', 'reports_api.read', 'reports-api.read_all', 'reports.*'])(
  '%s cannot be deleted while a key holds it, even a revoked one',
  async (name) => {
    expect((await register(name)).status).toBe(201);
    const holder = (await svc.call('POST', '/v1/api-keys', { name: 'holder', scopes: [name] })).body.api_key;
    const res = await svc.call('DELETE', `/v1/scopes/${encodeURIComponent(name)}`);
    expect([res.status, res.body.error.code]).toEqual([409, 'conflict']);
    expect(res.body.error.message).toContain(holder.id);
    await svc.call('POST', `/v1/api-keys/${holder.id}/revoke`, {});
    expect((await svc.call('DELETE', `/v1/scopes/${encodeURIComponent(name)}`)).status).toBe(409);
    await svc.call('DELETE', `/v1/api-keys/${holder.id}`);
    expect((await svc.call('DELETE', `/v1/scopes/${encodeURIComponent(name)}`)).status).toBe(204);
    expect((await svc.call('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).not.toContain(name);
    expect((await svc.call('POST', '/v1/api-keys', { name: 'late', scopes: [name] })).body.error).toMatchObject({
      code: 'invalid_argument',
      field: 'scopes[0]',
    });
  },
);

test('a scope whose name another held scope starts with can be deleted', async () => {
  await register('audit.read');
  await register('audit.read.all');
  await svc.call('POST', '/v1/api-keys', { name: 'longer', scopes: ['audit.read.all'] });
  expect((await svc.call('DELETE', '/v1/scopes/audit.read')).status).toBe(204);
  expect((await svc.call('DELETE', '/v1/scopes/audit.read.all')).status).toBe(409);
});

test('built-in scopes cannot be deleted; unknown ones are 404', async () => {
  const builtin = await svc.call('DELETE', '/v1/scopes/keyplane.keys.verify');
  expect([builtin.status, builtin.body.error.code]).toEqual([409, 'conflict']);
  const unknown = await svc.call('DELETE', '/v1/scopes/never.registered');
  expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
});

/**
 * keyplane_api_key's plan and apply branches, in process (test/helpers/in-process: Terraform's RPC sequence
 * and checks) against a real service over HTTP: create, update in place, replacement, import adopting a
 * secret output, drift (deleted, revoked, expired outside Terraform), read errors that must never read as
 * "gone", and the plan-time checks, each naming its field. What only Terraform shows (plan text, the state
 * file, `terraform import`, an import block, diagnostics in the CLI) is in test/e2e/keyplane.api-key.test.ts.
 */
import { diagnosticText as text, type InProcessProvider, inProcessProvider, unknown } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';
import { faultyProxy } from '../helpers/faulty-proxy';

let service: HttpService;
let p: InProcessProvider;

beforeAll(async () => {
  service = await startHttpService();
  await service.client.createScope({ name: 'billing.read', description: 'Read billing' });
  await service.client.createScope({ name: 'billing.write', description: 'Write billing' });
  p = await inProcessProvider(service);
});
afterAll(async () => {
  await service?.stop();
});

const keyCount = async () => (await service.client.listApiKeys({ page_size: 100 })).items.length;

test('creates a key, plans nothing more, updates in place, replaces on role or keepers change, destroys', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const first = { name: 'ci', scopes: ['billing.read'], labels: { team: 'platform' }, expires_at: '2099-01-02T18:04:05.5+03:00' };
  const plan = await k.plan(first);
  expect(plan.action).toBe('create');
  expect(plan.warnings.map((w) => w.summary)).toContain('Secret Stored In State');
  expect(plan.after).toMatchObject({ id: unknown, secret: unknown, status: unknown, name: 'ci' });
  const v = (await k.apply(plan)).state;
  expect(v).toMatchObject({
    name: 'ci',
    status: 'active',
    scopes: ['billing.read'],
    labels: { team: 'platform' },
    expires_at: '2099-01-02T18:04:05.5+03:00',
    description: '',
  });
  expect(v.secret).toMatch(/^kp_/);
  expect((await service.client.getApiKey(v.id)).expires_at).toBe('2099-01-02T15:04:05.500Z');
  expect((await k.plan(first)).action).toBe('no-op');

  // The same instant spelled another way is no change.
  expect((await k.plan({ ...first, expires_at: '2099-01-02T15:04:05.500Z' })).action).toBe('no-op');

  // In place.
  const inPlace = {
    name: 'ci-2',
    description: 'CI',
    scopes: ['billing.read', 'billing.write'],
    labels: { team: 'core' },
    expires_at: '2099-06-01T00:00:00Z',
  };
  const update = await k.plan(inPlace);
  expect(update.action).toBe('update');
  await k.apply(update);
  const after = await service.client.getApiKey(v.id);
  expect(after).toMatchObject({ name: 'ci-2', description: 'CI', labels: { team: 'core' }, expires_at: '2099-06-01T00:00:00.000Z' });
  expect([...after.scopes].sort()).toEqual(['billing.read', 'billing.write']);
  expect((await k.plan(inPlace)).action).toBe('no-op');

  // Replacement.
  const viewer = { name: 'ci-2', description: 'CI', role: 'viewer', keepers: { rotation: '1' } };
  const replace = await k.plan(viewer);
  expect(replace.action).toBe('replace');
  const replaced = (await k.apply(replace)).state;
  expect(replaced.id).not.toBe(v.id);
  expect(replaced.role).toBe('viewer');
  await expect(service.client.getApiKey(v.id)).rejects.toMatchObject({ status: 404 });
  expect((await k.plan(viewer)).action).toBe('no-op');
  const rotated = await k.plan({ ...viewer, keepers: { rotation: '2' } });
  expect(rotated.action).toBe('replace');
  expect(rotated.replacePaths).toEqual([['keepers']]);

  await k.destroy();
  expect(k.state).toBeNull();
  await expect(service.client.getApiKey(replaced.id)).rejects.toMatchObject({ status: 404 });
});

test('allow lists change in place; a new owner replaces the key; removing optional values changes in place', async () => {
  const office = await service.client.createAllowList({ name: 'office', cidrs: ['203.0.113.0/24'] });
  const vpn = await service.client.createAllowList({ name: 'vpn', cidrs: ['198.51.100.0/24'] });
  const sa1 = await service.client.createServiceAccount({ name: 'owner-1' });
  const sa2 = await service.client.createServiceAccount({ name: 'owner-2' });
  const k = p.resource('keyplane_api_key', 'k');
  const owned = { name: 'owned', description: 'd', service_account_id: sa1.id, allow_list_ids: [office.id], labels: { a: '1' } };
  const first = (await k.apply(owned)).state;
  expect((await service.client.getApiKey(first.id)).service_account_id).toBe(sa1.id);
  expect((await k.plan(owned)).action).toBe('no-op');

  const two = { name: 'owned', description: 'd', service_account_id: sa1.id, allow_list_ids: [office.id, vpn.id] };
  const update = await k.plan(two);
  expect(update.action).toBe('update');
  await k.apply(update);
  expect([...(await service.client.getApiKey(first.id)).allow_list_ids].sort()).toEqual([office.id, vpn.id].sort());
  expect((await service.client.getApiKey(first.id)).labels).toEqual({});
  expect((await k.plan(two)).action).toBe('no-op');

  const bare = { name: 'owned', service_account_id: sa1.id };
  const removal = await k.plan(bare);
  expect(removal.action).toBe('update');
  await k.apply(removal);
  expect(await service.client.getApiKey(first.id)).toMatchObject({ description: '', allow_list_ids: [] });
  expect((await k.plan(bare)).action).toBe('no-op');

  const moved = { name: 'owned', service_account_id: sa2.id };
  const plan = await k.plan(moved);
  expect(plan.action).toBe('replace');
  expect(plan.replacePaths).toEqual([['service_account_id']]);
  const second = (await k.apply(plan)).state;
  expect(second.id).not.toBe(first.id);
  expect((await service.client.getApiKey(second.id)).service_account_id).toBe(sa2.id);
  expect((await k.plan(moved)).action).toBe('no-op');
  await k.destroy();
});

test('import fills every attribute the service knows; the secret is null and a warning says why', async () => {
  const sa = await service.client.createServiceAccount({ name: 'importer' });
  const made = await service.client.createApiKey({
    name: 'legacy',
    description: 'made by hand',
    service_account_id: sa.id,
    role: 'viewer',
    scopes: ['billing.read'],
    labels: { env: 'prod' },
  });
  const k = p.resource('keyplane_api_key', 'k');
  const imported = await k.import(made.api_key.id);
  expect(imported.warnings.map((w) => w.summary)).toContain('API Key Secret Cannot Be Recovered');
  expect(k.state).toMatchObject({
    id: made.api_key.id,
    name: 'legacy',
    service_account_id: sa.id,
    role: 'viewer',
    scopes: ['billing.read'],
    labels: { env: 'prod' },
    status: 'active',
    secret: null,
    display_prefix: made.api_key.display_prefix,
    created_at: made.api_key.created_at,
    created_by: made.api_key.created_by,
  });
  const config = { name: 'legacy', description: 'made by hand', service_account_id: sa.id, role: 'viewer', scopes: ['billing.read'], labels: { env: 'prod' } };
  expect((await k.plan(config)).action).toBe('no-op');
});

test('an imported key adopts output_to_secret_store in place instead of being rotated', async () => {
  const secret = await service.client.createSecret({ name: 'adopt-target' });
  const made = await service.client.createApiKey({ name: 'adopted' });
  const k = p.resource('keyplane_api_key', 'k');
  await k.import(made.api_key.id);
  const config = { name: 'adopted', output_to_secret_store: { secret_id: secret.id } };
  const plan = await k.plan(config);
  expect(plan.action).toBe('update');
  expect(plan.warnings.map((w) => w.summary)).toContain('Secret Of An Imported Key Is Not Delivered');
  await k.apply(plan);
  expect(k.state).toMatchObject({
    id: made.api_key.id,
    secret: null,
    secret_store_version_id: null,
    output_to_secret_store: { secret_id: secret.id, entry_key: 'api_key' },
  });
  expect((await service.client.getApiKey(made.api_key.id)).status).toBe('active');
  expect((await service.client.listSecretVersions(secret.id)).items).toEqual([]);
  expect((await k.plan(config)).action).toBe('no-op');
});

describe('drift', () => {
  test('a key deleted outside Terraform is planned for creation', async () => {
    const k = p.resource('keyplane_api_key', 'k');
    const config = { name: 'drift-delete' };
    const { id } = (await k.apply(config)).state;
    await service.client.deleteApiKey(id);
    const plan = await k.plan(config);
    expect(plan.action).toBe('create');
    expect(plan.before).toBeNull();
    await k.apply(plan);
    expect(k.state.id).not.toBe(id);
    expect((await k.plan(config)).action).toBe('no-op');
  });

  test('a key revoked outside Terraform is planned for replacement, and the plan says why', async () => {
    const k = p.resource('keyplane_api_key', 'k');
    const config = { name: 'drift-revoke' };
    const { id } = (await k.apply(config)).state;
    await service.client.revokeApiKey(id);
    const plan = await k.plan(config);
    expect(plan.action).toBe('replace');
    expect(plan.warnings.map((w) => w.summary)).toContain('Key Revoked Outside Terraform');
    expect(text(plan.warnings)).toMatch(new RegExp(`API key ${id} is revoked`));
    await k.apply(plan);
    expect(k.state.id).not.toBe(id);
    expect(k.state.status).toBe('active');
    expect((await k.plan(config)).action).toBe('no-op');
  });

  test('a key expired outside Terraform is planned for replacement, and the plan says why', async () => {
    const k = p.resource('keyplane_api_key', 'k');
    const config = { name: 'drift-expire' };
    const { id } = (await k.apply(config)).state;
    const expiresAt = Date.now() + 1000;
    await service.client.updateApiKey(id, { expires_at: new Date(expiresAt).toISOString() });
    await new Promise((r) => setTimeout(r, expiresAt + 100 - Date.now()));
    const plan = await k.plan(config);
    expect(plan.action).toBe('replace');
    expect(plan.warnings.map((w) => w.summary)).toContain('Key Expired Outside Terraform');
    await k.apply(plan);
    expect(k.state.status).toBe('active');
    expect((await k.plan(config)).action).toBe('no-op');
  });
});

test.each([
  ['a transient 503', { status: 503, code: 'unavailable', message: 'try again later' }, /503 unavailable/],
  ['an auth error', { status: 401, code: 'unauthenticated', message: 'the key was revoked' }, /401 unauthenticated/],
])('%s on read is an error, never "gone": nothing is planned and the state keeps the key', async (_, fault, detail) => {
  const proxy = await faultyProxy(service);
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 0 } });
    const k = via.resource('keyplane_api_key', 'k');
    const config = { name: 'read-errors' };
    const { id } = (await k.apply(config)).state;
    proxy.fail('GET', `/v1/api-keys/${id}`, fault);
    const failed = await k.plan(config, { expectError: true });
    const error = failed.errors.find((e) => e.summary === 'Cannot Read API Key');
    expect(error?.detail).toMatch(detail);
    expect(failed.action).toBeUndefined();
    expect(k.state.id).toBe(id);
    proxy.fail('GET', `/v1/api-keys/${id}`, null);
    expect((await k.plan(config)).action).toBe('no-op');
    await k.destroy();
  } finally {
    await proxy.close();
  }
});

describe('refresh reads waiting together are one request to the service', () => {
  test('present, deleted and revoked keys each get their own answer', async () => {
    const proxy = await faultyProxy(service);
    try {
      const via = await inProcessProvider(service, { endpoint: proxy.endpoint });
      const names = ['batch-kept', 'batch-deleted', 'batch-revoked'];
      const ks = names.map((name) => via.resource('keyplane_api_key', name));
      const ids = await Promise.all(ks.map(async (k, i) => (await k.apply({ name: names[i] })).state.id as string));
      await service.client.deleteApiKey(ids[1]!);
      await service.client.revokeApiKey(ids[2]!);
      const plans = await Promise.all(ks.map((k, i) => k.plan({ name: names[i] })));
      expect(plans.map((p) => p.action)).toEqual(['no-op', 'create', 'replace']);
      expect(plans[2]!.warnings.map((w) => w.summary)).toContain('Key Revoked Outside Terraform');
      expect(ids.map((id) => proxy.hits('GET', `/v1/api-keys/${id}`))).toEqual([0, 0, 0]);
      expect(proxy.hits('GET', `/v1/api-keys?${ids.map((id) => `id=${id}`).join('&')}&page_size=3`)).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test('a listing that fails fails each read with its error, naming the key, and never as "gone"', async () => {
    const proxy = await faultyProxy(service);
    try {
      const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 0 } });
      const ks = ['fail-1', 'fail-2'].map((name) => via.resource('keyplane_api_key', name));
      const ids = await Promise.all(ks.map(async (k, i) => (await k.apply({ name: `fail-${i + 1}` })).state.id as string));
      proxy.fail('GET', /^\/v1\/api-keys\?/, { status: 503, code: 'unavailable', message: 'try again later' });
      const failed = await Promise.all(ks.map((k, i) => k.plan({ name: `fail-${i + 1}` }, { expectError: true })));
      failed.forEach((f, i) => {
        const error = f.errors.find((e) => e.summary === 'Cannot Read API Key');
        expect(error?.detail).toMatch(/503 unavailable/);
        expect(error?.detail).toContain(`reading API key ${ids[i]} (in one request with 1 other key)`);
        expect(f.action).toBeUndefined();
        expect(ks[i]!.state.id).toBe(ids[i]);
      });
      proxy.fail('GET', /^\/v1\/api-keys\?/, null);
      expect((await Promise.all(ks.map((k, i) => k.plan({ name: `fail-${i + 1}` })))).map((p) => p.action)).toEqual(['no-op', 'no-op']);
    } finally {
      await proxy.close();
    }
  });
});

test.each([
  ['an expiry in the past', { expires_at: '2001-01-01T00:00:00Z' }, /Expiry In The Past/, 'expires_at'],
  ['a timestamp that is not RFC 3339', { expires_at: 'tomorrow' }, /Invalid RFC 3339 Timestamp/, 'expires_at'],
  ['a scope not in the catalogue', { scopes: ['billing.reed'] }, /Unknown Scope/, 'scopes'],
  ['an allow list that does not exist', { allow_list_ids: ['ipl_missing'] }, /Unknown IP Allow List/, 'allow_list_ids'],
  ['a service account that does not exist', { service_account_id: 'sa_missing' }, /Unknown Service Account/, 'service_account_id'],
  ['an unknown role', { role: 'owner' }, /Invalid Attribute Value: "owner" is not allowed here\. Use one of "admin", "developer", "viewer"/, 'role'],
])('%s fails at plan naming the field, and no key is created', async (_, extra, summary, field) => {
  const before = await keyCount();
  const failed = await p.resource('keyplane_api_key', 'k').plan({ name: 'x', ...extra }, { expectError: true });
  expect(text(failed.errors)).toMatch(summary);
  expect(failed.errors.map((e) => e.attribute)).toContain(field);
  expect(await keyCount()).toBe(before);
});

test('moving a key to a service account that does not exist fails at plan too (the replacement is planned as a create, which checks it), and the key stays', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const { id } = (await k.apply({ name: 'moves' })).state;
  const failed = await k.plan({ name: 'moves', service_account_id: 'sa_missing' }, { expectError: true });
  expect(text(failed.errors)).toMatch(/Unknown Service Account/);
  expect(failed.errors.map((e) => e.attribute)).toContain('service_account_id');
  expect((await service.client.getApiKey(id)).status).toBe('active');
  await k.destroy();
});

test('a service account the provider key neither owns nor manages fails at plan, at service_account_id; once a manager, the key applies', async () => {
  const user = await service.client.createUser({ email: 'steward@example.com', name: 'Steward', role: 'developer' });
  const key = await service.client.createApiKey({ name: 'steward', user_id: user.id, role: 'developer' });
  const dev = await inProcessProvider(service, { apiKey: key.secret });
  const sa = await service.client.createServiceAccount({ name: 'not-yet-yours', role: 'developer' });
  const k = dev.resource('keyplane_api_key', 'k');
  const failed = await k.plan({ name: 'for-sa', service_account_id: sa.id }, { expectError: true });
  expect(failed.errors[0]).toMatchObject({ summary: 'Not A Steward Of The Service Account', attribute: 'service_account_id' });
  expect(failed.errors[0]!.detail).toMatch(new RegExp(`acts for user ${user.id} as developer.*add ${user.id} to manager_user_ids`));
  await service.client.updateServiceAccount(sa.id, { manager_user_ids: [user.id] });
  const applied = (await k.apply({ name: 'for-sa', service_account_id: sa.id })).state;
  expect(applied.service_account_id).toBe(sa.id);
  await k.destroy();
});

test('rate_limit: set, changed in place, drift planned back, removed; a bad number fails at plan at its attribute', async () => {
  const k = p.resource('keyplane_api_key', 'limited');
  const config = { name: 'limited', role: 'viewer', rate_limit: { limit: 100, window_seconds: 60 } };
  const created = (await k.apply(config)).state;
  expect(created.rate_limit).toEqual({ limit: 100, window_seconds: 60 });
  expect((await service.client.getApiKey(created.id)).rate_limit).toEqual({ limit: 100, window_seconds: 60 });
  expect((await k.plan(config)).action).toBe('no-op');

  const raised = { ...config, rate_limit: { limit: 1000, window_seconds: 60 } };
  const update = await k.plan(raised);
  expect(update.action).toBe('update');
  const after = (await k.apply(update)).state;
  expect(after.id).toBe(created.id);
  expect((await service.client.getApiKey(created.id)).rate_limit).toEqual({ limit: 1000, window_seconds: 60 });

  await service.client.updateApiKey(created.id, { rate_limit: null });
  const drift = await k.plan(raised);
  expect(drift.action).toBe('update');
  await k.apply(drift);
  expect((await service.client.getApiKey(created.id)).rate_limit).toEqual({ limit: 1000, window_seconds: 60 });

  await k.apply({ name: 'limited', role: 'viewer' });
  expect((await service.client.getApiKey(created.id)).rate_limit).toBeNull();
  // The window defaults to a minute.
  expect((await k.apply({ name: 'limited', role: 'viewer', rate_limit: { limit: 5 } })).state.rate_limit).toEqual({ limit: 5, window_seconds: 60 });
  expect((await service.client.getApiKey(created.id)).rate_limit).toEqual({ limit: 5, window_seconds: 60 });

  for (const [block, attr] of [
    [{ limit: 0, window_seconds: 60 }, 'limit'],
    [{ limit: 10, window_seconds: 86_401 }, 'window_seconds'],
  ] as const) {
    const bad = await k.plan({ name: 'limited', role: 'viewer', rate_limit: block }, { expectError: true });
    expect(bad.errors[0]).toMatchObject({ summary: 'Invalid Attribute Value', attribute: `rate_limit.${attr}` });
  }
  await k.destroy();
});

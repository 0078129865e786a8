/**
 * keyplane_service_account, keyplane_ip_allow_list and keyplane_secret, in process (test/helpers/in-process)
 * against a real service over HTTP: what their plans and applies decide (defaults, spelling that does not
 * diff, drift planned back or re-created, import), the checks that name their attribute, and failures that
 * must keep the object in state. Each type's Terraform story (its example, plan text, `terraform import`,
 * a diagnostic in the CLI) is in test/e2e/keyplane.resources.test.ts.
 */
import { KeyplaneClient } from '../../client';
import { type Diagnostic, diagnosticText as text, type InProcessProvider, inProcessProvider } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';
import { type Fault, faultyProxy } from '../helpers/faulty-proxy';

let service: HttpService;
let p: InProcessProvider;

beforeAll(async () => {
  service = await startHttpService();
  p = await inProcessProvider(service);
});
afterAll(async () => {
  await service?.stop();
});

describe('keyplane_service_account', () => {
  test('applies, changes in place with the service defaults, imports with every attribute, is re-created after deletion, destroys', async () => {
    const sa = p.resource('keyplane_service_account', 'deployer');
    const config = { name: 'billing-deployer', description: 'Deploys the billing service from CI', role: 'developer' };
    const plan = await sa.plan(config);
    expect(plan.action).toBe('create');
    const v = (await sa.apply(plan)).state;
    expect(v).toMatchObject(config);
    expect(v.id).toMatch(/^sa_/);
    expect(await service.client.getServiceAccount(v.id)).toMatchObject({ ...config, created_at: v.created_at, created_by: v.created_by });
    expect((await sa.plan(config)).action).toBe('no-op');

    // Name, description and role change in place; description and role fall back to the service's defaults.
    const renamed = { name: 'billing-deployer-2' };
    const update = await sa.plan(renamed);
    expect(update.action).toBe('update');
    expect([update.before.role, update.after.role]).toEqual(['developer', 'viewer']);
    await sa.apply(update);
    expect(await service.client.getServiceAccount(v.id)).toMatchObject({ id: v.id, name: 'billing-deployer-2', description: '', role: 'viewer' });
    expect((await sa.plan(renamed)).action).toBe('no-op');

    const imported = p.resource('keyplane_service_account', 'deployer');
    await imported.import(v.id);
    expect(imported.state).toEqual(sa.state);
    expect((await imported.plan(renamed)).action).toBe('no-op');

    // Deleted outside Terraform: planned for creation, not an error.
    await service.client.deleteServiceAccount(v.id);
    const drift = await sa.plan(renamed);
    expect(drift.action).toBe('create');
    const recreated = (await sa.apply(drift)).state;
    expect(recreated.id).not.toBe(v.id);

    await sa.destroy();
    await expect(service.client.getServiceAccount(recreated.id)).rejects.toMatchObject({ status: 404 });
  });

  test('owner and managers: the creator owns it by default, managers change in place and drift back, an unknown user fails at its attribute', async () => {
    const ops = await service.client.createUser({ email: 'ops@example.com', name: 'Ops', role: 'developer' });
    const sa = p.resource('keyplane_service_account', 'owned');
    const created = (await sa.apply({ name: 'owned' })).state;
    const admin = (await service.client.getServiceAccount(created.id)).owner_user_id;
    expect(admin).toMatch(/^usr_/);
    expect(created).toMatchObject({ owner_user_id: admin, manager_user_ids: [] });
    expect((await sa.plan({ name: 'owned' })).action).toBe('no-op');

    const managed = { name: 'owned', manager_user_ids: [ops.id] };
    const update = await sa.plan(managed);
    expect([update.action, update.after.owner_user_id]).toEqual(['update', admin]);
    await sa.apply(update);
    expect(await service.client.getServiceAccount(created.id)).toMatchObject({ owner_user_id: admin, manager_user_ids: [ops.id] });
    expect((await sa.plan(managed)).action).toBe('no-op');

    // A manager added outside Terraform is planned away: the configuration is the list.
    await service.client.updateServiceAccount(created.id, { manager_user_ids: [ops.id, admin!] });
    const drift = await sa.plan(managed);
    expect(drift.action).toBe('update');
    await sa.apply(drift);
    expect((await service.client.getServiceAccount(created.id)).manager_user_ids).toEqual([ops.id]);

    const handed = { ...managed, owner_user_id: ops.id };
    await sa.apply(handed);
    expect((await service.client.getServiceAccount(created.id)).owner_user_id).toBe(ops.id);

    const unknown = await sa.apply({ ...handed, manager_user_ids: ['usr_nobody'] }, { expectError: true });
    expect(unknown.errors[0]).toMatchObject({ summary: 'Cannot Update Service Account', attribute: 'manager_user_ids' });
    expect((await service.client.getServiceAccount(created.id)).manager_user_ids).toEqual([ops.id]);
    const tooMany = await sa.plan({ ...handed, manager_user_ids: Array.from({ length: 33 }, (_, i) => `usr_${i}`) }, { expectError: true });
    expect(tooMany.errors[0]).toMatchObject({ summary: 'Too Many Managers', attribute: 'manager_user_ids' });
    await sa.destroy();
    await service.client.deleteUser(ops.id);
  });

  test('a role outside the three is refused at plan, naming role', async () => {
    const failed = await p.resource('keyplane_service_account', 'sa').plan({ name: 'x', role: 'owner' }, { expectError: true });
    expect(failed.errors[0]).toMatchObject({ summary: 'Invalid Attribute Value', attribute: 'role' });
    expect(failed.errors[0]!.detail).toMatch(/"admin", "developer", "viewer"/);
  });

  test('a name the service already has fails apply at name and leaves nothing', async () => {
    await service.client.createServiceAccount({ name: 'taken' });
    const sa = p.resource('keyplane_service_account', 'sa');
    const failed = await sa.apply({ name: 'taken' }, { expectError: true });
    expect(failed.errors[0]).toMatchObject({ summary: 'Cannot Create Service Account', attribute: 'name' });
    expect(failed.errors[0]!.detail).toMatch(/already_exists/);
    expect(sa.state).toBeNull();
  });

  test("a role above the provider key's fails at plan, at role, before anything is created; within its role the key manages accounts", async () => {
    const user = await service.client.createUser({ email: 'dev@example.com', name: 'Dev', role: 'developer' });
    const key = await service.client.createApiKey({ name: 'dev', user_id: user.id, role: 'developer' });
    const dev = await inProcessProvider(service, { apiKey: key.secret });
    const failed = await dev.resource('keyplane_service_account', 'sa').plan({ name: 'too-high', role: 'admin' }, { expectError: true });
    expect(failed.errors[0]).toMatchObject({ summary: 'Role Above The Provider Key', attribute: 'role' });
    expect(failed.errors[0]!.detail).toMatch(/acts as developer/);
    expect((await service.client.listServiceAccounts({ name: 'too-high' })).items).toEqual([]);

    const sa = dev.resource('keyplane_service_account', 'sa');
    const config = { name: 'dev-made', role: 'developer' };
    await sa.apply(config);
    expect((await sa.plan(config)).action).toBe('no-op');
    await sa.destroy();
  });

  test('a viewer key may manage no service account: the plan fails at role, as the service would refuse it', async () => {
    const user = await service.client.createUser({ email: 'viewer@example.com', name: 'Viewer', role: 'viewer' });
    const key = await service.client.createApiKey({ name: 'viewer', user_id: user.id, role: 'viewer' });
    const viewer = await inProcessProvider(service, { apiKey: key.secret });
    const failed = await viewer.resource('keyplane_service_account', 'sa').plan({ name: 'by-viewer', role: 'viewer' }, { expectError: true });
    expect(failed.errors[0]).toMatchObject({ summary: 'Role Too Low To Manage Service Accounts', attribute: 'role' });
    expect(failed.errors[0]!.detail).toMatch(/acts as viewer; .* needs the developer role or higher/);
    const asViewer = new KeyplaneClient({ endpoint: service.endpoint, apiKey: key.secret, retries: 0 });
    await expect(asViewer.createServiceAccount({ name: 'by-viewer' })).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
  });
});

describe('keyplane_ip_allow_list', () => {
  const normalised = ['198.51.100.7/32', '2001:db8:1234::/48', '203.0.113.0/24'];

  test("a change the provider key's role may not make fails at plan, at the changed attribute; once the admin key goes, it applies", async () => {
    const user = await service.client.createUser({ email: 'lists@example.com', name: 'Lists', role: 'developer' });
    const key = await service.client.createApiKey({ name: 'lists', user_id: user.id, role: 'developer' });
    const dev = await inProcessProvider(service, { apiKey: key.secret });
    const l = dev.resource('keyplane_ip_allow_list', 'fence');
    const config = { name: 'fence', cidrs: ['203.0.113.0/24'] };
    expect((await l.apply(config)).state).toMatchObject({ least_role_to_change: 'developer' });
    const adminKey = await service.client.createApiKey({ name: 'fenced admin', role: 'admin', allow_list_ids: [l.state!.id] });
    // Refresh reads the new requirement; an unchanged configuration still plans nothing.
    const same = await l.plan(config);
    expect([same.action, same.after.least_role_to_change]).toEqual(['no-op', 'admin']);
    const widened = await l.plan({ ...config, cidrs: ['0.0.0.0/0'] }, { expectError: true });
    expect(widened.errors[0]).toMatchObject({ summary: 'Role Too Low To Change This List', attribute: 'cidrs' });
    expect(widened.errors[0]!.detail).toMatch(/used by a key with the admin role.*acts as developer/);
    const renamed = await l.plan({ ...config, name: 'fence-2' }, { expectError: true });
    expect(renamed.errors[0]).toMatchObject({ summary: 'Role Too Low To Change This List', attribute: 'name' });
    expect((await service.client.getAllowList(l.state!.id)).cidrs).toEqual(['203.0.113.0/24']);

    await service.client.revokeApiKey(adminKey.api_key.id);
    expect((await l.apply({ ...config, cidrs: ['198.51.100.0/24'] })).state).toMatchObject({ cidrs: ['198.51.100.0/24'], least_role_to_change: 'developer' });
    await l.destroy();
  });

  test('the plan holds the normalised set, spelling does not diff, CIDRs change in place, drift is planned back, import, re-creation, destroy', async () => {
    const l = p.resource('keyplane_ip_allow_list', 'office');
    const config = { name: 'office', description: 'Office network and VPN egress', cidrs: ['203.0.113.0/24', '198.51.100.7', '2001:db8:1234::/48'] };
    const plan = await l.plan(config);
    expect(plan.action).toBe('create');
    // Known at plan: what the service will store.
    expect(plan.after.normalised_cidrs).toEqual(normalised);
    const v = (await l.apply(plan)).state;
    expect(v.id).toMatch(/^al_/);
    expect(v.normalised_cidrs).toEqual(normalised);
    expect(await service.client.getAllowList(v.id)).toMatchObject({ name: 'office', description: 'Office network and VPN egress', cidrs: normalised });
    expect((await l.plan(config)).action).toBe('no-op');

    // The same set spelled otherwise (upper case, zeros written out, the /32 spelled out, a duplicate) is no change.
    const respelled = { ...config, cidrs: ['203.0.113.0/24', '198.51.100.7/32', '198.51.100.7', '2001:DB8:1234:0::/48'] };
    expect((await l.plan(respelled)).action).toBe('no-op');

    // In place; attached keys follow at once (the service's rule).
    const changed = { name: 'office', cidrs: ['10.0.0.0/8', '192.0.2.1'] };
    const update = await l.plan(changed);
    expect(update.action).toBe('update');
    expect(update.after.normalised_cidrs).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    await l.apply(update);
    expect(await service.client.getAllowList(v.id)).toMatchObject({ id: v.id, description: '', cidrs: ['10.0.0.0/8', '192.0.2.1/32'] });
    expect((await l.plan(changed)).action).toBe('no-op');

    // Changed outside Terraform: planned back.
    await service.client.updateAllowList(v.id, { cidrs: ['10.0.0.0/8'] });
    const drift = await l.plan(changed);
    expect(drift.action).toBe('update');
    await l.apply(drift);
    expect((await service.client.getAllowList(v.id)).cidrs).toEqual(['10.0.0.0/8', '192.0.2.1/32']);

    // Import (the state takes the service's spelling) with a configuration spelled otherwise: no diff.
    const imported = p.resource('keyplane_ip_allow_list', 'office');
    await imported.import(v.id);
    expect(imported.state).toMatchObject({ id: v.id, name: 'office', description: '', created_at: v.created_at, created_by: v.created_by });
    expect(imported.state.cidrs).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    expect((await imported.plan({ name: 'office', cidrs: ['192.0.2.1', '10.0.0.0/8'] })).action).toBe('no-op');

    await service.client.deleteAllowList(v.id);
    const gone = await l.plan(changed);
    expect(gone.action).toBe('create');
    const recreated = (await l.apply(gone)).state;
    await l.destroy();
    await expect(service.client.getAllowList(recreated.id)).rejects.toMatchObject({ status: 404 });
  });

  test('bad CIDRs are refused at plan, naming cidrs and the value; more than 256 too', async () => {
    const l = p.resource('keyplane_ip_allow_list', 'l');
    const failed = await l.plan({ name: 'l', cidrs: ['10.1.2.3/8', '300.0.0.1', 'fe80::1%eth0'] }, { expectError: true });
    expect(failed.errors.map((e) => e.summary)).toEqual(['Invalid CIDR Block', 'Invalid CIDR Block', 'Invalid CIDR Block']);
    for (const e of failed.errors) expect(e.attribute).toBe('cidrs');
    const details = failed.errors.map((e) => e.detail).join('\n');
    expect(details).toMatch(/"10\.1\.2\.3\/8" has bits set after its prefix; the service would store 10\.0\.0\.0\/8/);
    expect(details).toMatch(/"300\.0\.0\.1" is not an IPv4 or IPv6 address/);
    expect(details).toMatch(/"fe80::1%eth0" has an IPv6 zone/);

    const many = Array.from({ length: 257 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const tooMany = await l.plan({ name: 'l', cidrs: many }, { expectError: true });
    expect(tooMany.errors[0]).toMatchObject({ summary: 'Too Many CIDR Blocks', attribute: 'cidrs' });
  });

  test('a list a key still uses is not destroyed, and stays in state', async () => {
    const l = p.resource('keyplane_ip_allow_list', 'l');
    const { id } = (await l.apply({ name: 'in-use', cidrs: ['10.0.0.0/8'] })).state;
    const key = await service.client.createApiKey({ name: 'pinned', allow_list_ids: [id] });
    const failed = await l.destroy({ expectError: true });
    expect(failed.errors[0]!.summary).toBe('Cannot Delete IP Allow List');
    expect(text(failed.errors)).toMatch(/conflict/);
    expect(l.state.id).toBe(id);
    await service.client.revokeApiKey(key.api_key.id);
    await l.destroy();
    expect(l.state).toBeNull();
  });
});

describe('keyplane_secret', () => {
  test('applies, ignores versions written by others, changes in place, imports, is re-created after deletion, destroys', async () => {
    const s = p.resource('keyplane_secret', 'billing');
    const config = { name: 'billing-service', description: 'Credentials the billing service reads at start-up' };
    const v = (await s.apply(config)).state;
    expect(v).toMatchObject({ ...config, owner_type: 'user' });
    expect(v.id).toMatch(/^sec_/);
    expect(v.owner_id).toBe((await service.client.whoami()).principal.id);
    expect(await service.client.getSecret(v.id)).toMatchObject({ name: 'billing-service', latest_version: 0, created_at: v.created_at });
    expect((await s.plan(config)).action).toBe('no-op');

    // Versions written into it by others are not Terraform's business: no diff, and not in state.
    await service.client.writeSecretVersion(v.id, { entries: { token: 'shh' } });
    expect((await s.plan(config)).action).toBe('no-op');
    expect(JSON.stringify(s.state)).not.toMatch(/shh/);

    const renamed = { name: 'billing' };
    const update = await s.plan(renamed);
    expect(update.action).toBe('update');
    await s.apply(update);
    expect(await service.client.getSecret(v.id)).toMatchObject({ name: 'billing', description: '', latest_version: 1 });
    expect((await s.plan(renamed)).action).toBe('no-op');

    const imported = p.resource('keyplane_secret', 'billing');
    await imported.import(v.id);
    expect(imported.state).toEqual(s.state);
    expect((await imported.plan(renamed)).action).toBe('no-op');

    await service.client.deleteSecret(v.id);
    expect((await s.plan(renamed)).action).toBe('create');
    const recreated = (await s.apply(renamed)).state;
    await s.destroy();
    await expect(service.client.getSecret(recreated.id)).rejects.toMatchObject({ status: 404 });
  });
});

test('import of an id the service does not have is an error naming it', async () => {
  const failed = await p.resource('keyplane_secret', 's').import('sec_doesnotexist', { expectError: true });
  expect(failed.errors.map((e) => e.summary)).toEqual(['Cannot import non-existent remote object']);
});

test('a read that fails for any reason but "not found" is an error, and the object stays in state', async () => {
  // No retries, so the 503 and the reset are reported at once.
  const proxy = await faultyProxy(service);
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 0 } });
    const configs = {
      keyplane_service_account: { name: 'kept' },
      keyplane_ip_allow_list: { name: 'kept', cidrs: ['10.0.0.0/8'] },
      keyplane_secret: { name: 'kept' },
    };
    const objects = Object.entries(configs).map(([type, config]) => ({ r: via.resource(type, 'kept'), config }));
    for (const { r, config } of objects) await r.apply(config);
    const before = objects.map(({ r }) => r.state);
    // Configure's whoami passed; every read of the three objects meets the fault.
    const reads = /^\/v1\/(service-accounts|ip-allow-lists|secrets)\//;
    const cases: [Fault, RegExp][] = [
      [{ status: 503, code: 'unavailable', message: 'injected by the test proxy' }, /503 unavailable/],
      [{ status: 401, code: 'unauthenticated', message: 'injected by the test proxy' }, /401 unauthenticated/],
      [{ status: 403, code: 'permission_denied', message: 'injected by the test proxy' }, /403 permission_denied/],
      ['reset', /No usable answer from the Keyplane service/],
    ];
    for (const [fault, detail] of cases) {
      proxy.fail('GET', reads, fault);
      const errors: Diagnostic[] = [];
      for (const { r, config } of objects) {
        const failed = await r.plan(config, { expectError: true });
        expect(failed.action).toBeUndefined();
        errors.push(...failed.errors);
      }
      expect(errors.map((e) => e.summary).sort()).toEqual(['Cannot Read IP Allow List', 'Cannot Read Secret', 'Cannot Read Service Account']);
      for (const e of errors) expect(e.detail).toMatch(detail);
    }
    // A refresh that errors changes nothing: the objects are still in state.
    expect(objects.map(({ r }) => r.state)).toEqual(before);
    proxy.fail('GET', reads, null);
    for (const { r, config } of objects) expect((await r.plan(config)).action).toBe('no-op');
    for (const { r } of objects) await r.destroy();
  } finally {
    await proxy.close();
  }
});

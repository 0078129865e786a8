/**
 * keyplane_service_account, keyplane_ip_allow_list and keyplane_secret end to end: the real terraform, the
 * bundled provider, a real `keyplane server` on SQLite. Each story applies the type's example, proves a
 * second plan is empty, changes it in place, imports it into a fresh workspace (every attribute filled, no
 * diff), plans a re-creation after it is deleted outside Terraform, and destroys it; plan-time checks name
 * the attribute.
 */
import {
  type Fault,
  type KeyplaneService,
  KeyplaneWorkspace,
  ROOT,
  describeTerraform,
  faultyProxy,
  plannedActions,
  startKeyplaneService,
} from '../helpers/keyplane';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { diagnostics, example, importExample } from '../helpers/keyplane-extra';
import { TERRAFORM_BIN } from '../helpers/terraform';

jest.setTimeout(240_000);

describeTerraform('keyplane resources', () => {
  let service: KeyplaneService;
  const workspaces: KeyplaneWorkspace[] = [];
  const workspace = async () => {
    const ws = await KeyplaneWorkspace.create(service);
    workspaces.push(ws);
    return ws;
  };

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  afterEach(() => {
    for (const ws of workspaces.splice(0)) ws.remove();
  });

  /**
   * Runs the command of `examples/resources/<type>/import.sh` with `id` in a fresh workspace holding
   * `config`; returns it with the imported values.
   */
  async function importInto(config: string, type: string, id: string) {
    const { address, args } = importExample(type);
    const ws = await workspace();
    ws.writeConfig(config);
    await ws.terraform(args(id));
    return { ws, values: await ws.values(address) };
  }

  test('keyplane_service_account: the example applies, changes in place, imports, is re-created after deletion, destroys', async () => {
    const ws = await workspace();
    const config = example('resources/keyplane_service_account/resource.tf');
    ws.writeConfig(config);
    const { plan } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_service_account.deployer': 'create' });
    await ws.terraform(['apply', 'tfplan']);
    const v = await ws.values('keyplane_service_account.deployer');
    expect(v).toMatchObject({ name: 'billing-deployer', description: 'Deploys the billing service from CI', role: 'developer' });
    expect(v.id).toMatch(/^sa_/);
    const remote = await service.client.getServiceAccount(v.id);
    expect(remote).toMatchObject({
      name: 'billing-deployer',
      description: 'Deploys the billing service from CI',
      role: 'developer',
      created_at: v.created_at,
      created_by: v.created_by,
    });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Name, description and role change in place; description and role fall back to the service's defaults.
    ws.writeConfig('resource "keyplane_service_account" "deployer" {\n  name = "billing-deployer-2"\n}\n');
    const update = await ws.savedPlan();
    expect(plannedActions(update.plan)).toEqual({ 'keyplane_service_account.deployer': 'update' });
    expect(update.result.output).toMatch(/~ role\s+= "developer" -> "viewer"/);
    await ws.terraform(['apply', 'tfplan']);
    expect(await service.client.getServiceAccount(v.id)).toMatchObject({ id: v.id, name: 'billing-deployer-2', description: '', role: 'viewer' });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Import fills every attribute, and the configuration it was written from plans nothing.
    const imported = await importInto('resource "keyplane_service_account" "deployer" {\n  name = "billing-deployer-2"\n}\n', 'keyplane_service_account', v.id);
    expect(imported.values).toEqual(await ws.values('keyplane_service_account.deployer'));
    expect((await imported.ws.planIsEmpty()).empty).toBe(true);
    imported.ws.remove();

    // Deleted outside Terraform: planned for creation, not an error.
    await service.client.deleteServiceAccount(v.id);
    const drift = await ws.savedPlan();
    expect(plannedActions(drift.plan)).toEqual({ 'keyplane_service_account.deployer': 'create' });
    await ws.terraform(['apply', 'tfplan']);
    const recreated = await ws.values('keyplane_service_account.deployer');
    expect(recreated.id).not.toBe(v.id);

    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getServiceAccount(recreated.id)).rejects.toMatchObject({ status: 404 });
  });

  test('keyplane_service_account: a role outside the three is refused at plan, naming role', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_service_account" "sa" {\n  name = "x"\n  role = "owner"\n}\n');
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    const d = diagnostics(r.output).find((x) => x.severity === 'Error');
    expect(d).toMatchObject({ summary: 'Invalid Attribute Value', address: 'keyplane_service_account.sa', source: 'role = "owner"' });
    expect(d!.detail).toMatch(/"admin", "developer", "viewer"/);
  });

  test('keyplane_service_account: a name the service already has fails apply at name and leaves nothing', async () => {
    await service.client.createServiceAccount({ name: 'taken' });
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_service_account" "sa" {\n  name = "taken"\n}\n');
    const r = await ws.apply({ expectCode: [1] });
    const d = diagnostics(r.output).find((x) => x.severity === 'Error');
    expect(d).toMatchObject({ summary: 'Cannot Create Service Account', source: 'name = "taken"' });
    expect(d!.detail).toMatch(/already_exists/);
    expect(ws.stateFileText()).not.toMatch(/keyplane_service_account/);
  });

  test("keyplane_service_account: a role above the provider key's fails at plan, at role, before anything is created", async () => {
    const user = await service.client.createUser({ email: 'dev@example.com', name: 'Dev', role: 'developer' });
    const key = await service.client.createApiKey({ name: 'dev', user_id: user.id, role: 'developer' });
    const ws = await KeyplaneWorkspace.create(service, { KEYPLANE_API_KEY: key.secret });
    workspaces.push(ws);
    ws.writeConfig('resource "keyplane_service_account" "sa" {\n  name = "too-high"\n  role = "admin"\n}\n');
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    const d = diagnostics(r.output).find((x) => x.severity === 'Error');
    expect(d).toMatchObject({ summary: 'Role Above The Provider Key', source: 'role = "admin"' });
    expect(d!.detail).toMatch(/acts as developer/);
    expect((await service.client.listServiceAccounts({ name: 'too-high' })).items).toEqual([]);

    // Within its role the same key manages accounts.
    ws.writeConfig('resource "keyplane_service_account" "sa" {\n  name = "dev-made"\n  role = "developer"\n}\n');
    await ws.apply();
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('keyplane_ip_allow_list: the plan shows the normalised set, spelling does not diff, CIDRs change in place, import, drift, destroy', async () => {
    const ws = await workspace();
    ws.writeConfig(example('resources/keyplane_ip_allow_list/resource.tf'));
    const { plan, result } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_ip_allow_list.office': 'create' });
    const normalised = ['198.51.100.7/32', '2001:db8:1234::/48', '203.0.113.0/24'];
    // Known at plan: what the service will store.
    const change = plan.resource_changes!.find((c) => c.address === 'keyplane_ip_allow_list.office')!;
    expect([...change.change.after.normalised_cidrs].sort()).toEqual(normalised);
    expect(result.output).toMatch(/"198\.51\.100\.7\/32"/);
    await ws.terraform(['apply', 'tfplan']);
    const v = await ws.values('keyplane_ip_allow_list.office');
    expect(v.id).toMatch(/^al_/);
    expect([...v.normalised_cidrs].sort()).toEqual(normalised);
    const remote = await service.client.getAllowList(v.id);
    expect(remote).toMatchObject({ name: 'office', description: 'Office network and VPN egress', cidrs: normalised });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // The same set spelled otherwise (upper case, zeros written out, the /32 spelled out, a duplicate) is no change.
    const respelled =
      'resource "keyplane_ip_allow_list" "office" {\n  name        = "office"\n  description = "Office network and VPN egress"\n  cidrs       = ["203.0.113.0/24", "198.51.100.7/32", "198.51.100.7", "2001:DB8:1234:0::/48"]\n}\n';
    ws.writeConfig(respelled);
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // In place; attached keys follow at once (the service's rule).
    ws.writeConfig('resource "keyplane_ip_allow_list" "office" {\n  name  = "office"\n  cidrs = ["10.0.0.0/8", "192.0.2.1"]\n}\n');
    const update = await ws.savedPlan();
    expect(plannedActions(update.plan)).toEqual({ 'keyplane_ip_allow_list.office': 'update' });
    const after = update.plan.resource_changes!.find((c) => c.address === 'keyplane_ip_allow_list.office')!.change.after;
    expect([...after.normalised_cidrs].sort()).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    await ws.terraform(['apply', 'tfplan']);
    expect(await service.client.getAllowList(v.id)).toMatchObject({ id: v.id, description: '', cidrs: ['10.0.0.0/8', '192.0.2.1/32'] });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Changed outside Terraform: planned back.
    await service.client.updateAllowList(v.id, { cidrs: ['10.0.0.0/8'] });
    const drift = await ws.savedPlan();
    expect(plannedActions(drift.plan)).toEqual({ 'keyplane_ip_allow_list.office': 'update' });
    await ws.terraform(['apply', 'tfplan']);
    expect((await service.client.getAllowList(v.id)).cidrs).toEqual(['10.0.0.0/8', '192.0.2.1/32']);

    // Import (the state takes the service's spelling) with a configuration spelled otherwise: no diff.
    const imported = await importInto(
      'resource "keyplane_ip_allow_list" "office" {\n  name  = "office"\n  cidrs = ["192.0.2.1", "10.0.0.0/8"]\n}\n',
      'keyplane_ip_allow_list',
      v.id,
    );
    expect(imported.values).toMatchObject({ id: v.id, name: 'office', description: '', created_at: v.created_at, created_by: v.created_by });
    expect([...imported.values.cidrs].sort()).toEqual(['10.0.0.0/8', '192.0.2.1/32']);
    expect((await imported.ws.planIsEmpty()).empty).toBe(true);
    imported.ws.remove();

    await service.client.deleteAllowList(v.id);
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_ip_allow_list.office': 'create' });
    await ws.terraform(['apply', 'tfplan']);
    const recreated = await ws.values('keyplane_ip_allow_list.office');
    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getAllowList(recreated.id)).rejects.toMatchObject({ status: 404 });
  });

  test('keyplane_ip_allow_list: bad CIDRs are refused at plan, naming cidrs and the value', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_ip_allow_list" "l" {\n  name  = "l"\n  cidrs = ["10.1.2.3/8", "300.0.0.1", "fe80::1%eth0"]\n}\n');
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    const errors = diagnostics(r.output).filter((x) => x.severity === 'Error');
    expect(errors.map((e) => e.summary)).toEqual(['Invalid CIDR Block', 'Invalid CIDR Block', 'Invalid CIDR Block']);
    for (const e of errors) expect(e).toMatchObject({ address: 'keyplane_ip_allow_list.l', source: 'cidrs = ["10.1.2.3/8", "300.0.0.1", "fe80::1%eth0"]' });
    expect(errors.map((e) => e.detail).join('\n')).toMatch(/"10\.1\.2\.3\/8" has bits set after its prefix; the service would store 10\.0\.0\.0\/8/);
    expect(errors.map((e) => e.detail).join('\n')).toMatch(/"300\.0\.0\.1" is not an IPv4 or IPv6 address/);
    expect(errors.map((e) => e.detail).join('\n')).toMatch(/"fe80::1%eth0" has an IPv6 zone/);

    const many = Array.from({ length: 257 }, (_, i) => `"10.0.${i >> 8}.${i & 255}"`).join(', ');
    ws.writeConfig(`resource "keyplane_ip_allow_list" "l" {\n  name  = "l"\n  cidrs = [${many}]\n}\n`);
    const tooMany = await ws.terraform(['plan'], { expectCode: [1] });
    expect(diagnostics(tooMany.output).find((x) => x.severity === 'Error')).toMatchObject({
      summary: 'Too Many CIDR Blocks',
      address: 'keyplane_ip_allow_list.l',
    });
  });

  test('keyplane_ip_allow_list: a list a key still uses is not destroyed, and stays in state', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_ip_allow_list" "l" {\n  name  = "in-use"\n  cidrs = ["10.0.0.0/8"]\n}\n');
    await ws.apply();
    const { id } = await ws.values('keyplane_ip_allow_list.l');
    const key = await service.client.createApiKey({ name: 'pinned', allow_list_ids: [id] });
    const r = await ws.terraform(['destroy', '-auto-approve'], { expectCode: [1] });
    expect(diagnostics(r.output).find((x) => x.severity === 'Error')).toMatchObject({ summary: 'Cannot Delete IP Allow List' });
    expect(r.output).toMatch(/conflict/);
    expect((await ws.values('keyplane_ip_allow_list.l')).id).toBe(id);
    await service.client.revokeApiKey(key.api_key.id);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('keyplane_secret: the example applies, changes in place, imports, is re-created after deletion, destroys', async () => {
    const ws = await workspace();
    ws.writeConfig(example('resources/keyplane_secret/resource.tf'));
    await ws.apply();
    const v = await ws.values('keyplane_secret.billing');
    expect(v).toMatchObject({ name: 'billing-service', description: 'Credentials the billing service reads at start-up', owner_type: 'user' });
    expect(v.id).toMatch(/^sec_/);
    const whoami = await service.client.whoami();
    expect(v.owner_id).toBe(whoami.principal.id);
    expect(await service.client.getSecret(v.id)).toMatchObject({ name: 'billing-service', latest_version: 0, created_at: v.created_at });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Versions written into it by others are not Terraform's business: no diff.
    await service.client.writeSecretVersion(v.id, { entries: { token: 'shh' } });
    expect((await ws.planIsEmpty()).empty).toBe(true);
    expect(ws.stateFileText()).not.toMatch(/shh/);

    ws.writeConfig('resource "keyplane_secret" "billing" {\n  name = "billing"\n}\n');
    const update = await ws.savedPlan();
    expect(plannedActions(update.plan)).toEqual({ 'keyplane_secret.billing': 'update' });
    await ws.terraform(['apply', 'tfplan']);
    const remote = await service.client.getSecret(v.id);
    expect(remote).toMatchObject({ name: 'billing', description: '', latest_version: 1 });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    const imported = await importInto('resource "keyplane_secret" "billing" {\n  name = "billing"\n}\n', 'keyplane_secret', v.id);
    expect(imported.values).toEqual(await ws.values('keyplane_secret.billing'));
    expect((await imported.ws.planIsEmpty()).empty).toBe(true);
    imported.ws.remove();

    await service.client.deleteSecret(v.id);
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_secret.billing': 'create' });
    await ws.terraform(['apply', 'tfplan']);
    const recreated = await ws.values('keyplane_secret.billing');
    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getSecret(recreated.id)).rejects.toMatchObject({ status: 404 });
  });

  test('import of an id the service does not have is an error naming it', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_secret" "s" {\n  name = "s"\n}\n');
    const r = await ws.terraform(['import', 'keyplane_secret.s', 'sec_doesnotexist'], { expectCode: [1] });
    expect(r.output).toMatch(/Cannot import non-existent remote object/);
  });

  test('the examples are formatted as terraform fmt writes them', () => {
    execFileSync(TERRAFORM_BIN!, ['fmt', '-check', '-recursive', '-diff', join(ROOT, 'examples')], {
      stdio: 'pipe',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
    });
  });

  test('a read that fails for any reason but "not found" is an error, and the object stays in state', async () => {
    const ws = await workspace();
    // No retries, so the 503 and the reset are reported at once.
    ws.writeConfig(
      'provider "keyplane" {\n  max_retries = 0\n}\nresource "keyplane_service_account" "sa" {\n  name = "kept"\n}\nresource "keyplane_ip_allow_list" "l" {\n  name  = "kept"\n  cidrs = ["10.0.0.0/8"]\n}\nresource "keyplane_secret" "s" {\n  name = "kept"\n}\n',
    );
    await ws.apply();
    const before = ws.stateFileText();
    // Configure's whoami passes; every read of the three objects meets the fault.
    const proxy = await faultyProxy(service);
    const reads = /^\/v1\/(service-accounts|ip-allow-lists|secrets)\//;
    try {
      const cases: [Fault, RegExp][] = [
        [{ status: 503, code: 'unavailable', message: 'injected by the test proxy' }, /503 unavailable/],
        [{ status: 401, code: 'unauthenticated', message: 'injected by the test proxy' }, /401 unauthenticated/],
        [{ status: 403, code: 'permission_denied', message: 'injected by the test proxy' }, /403 permission_denied/],
        ['reset', /No usable answer from the Keyplane service/],
      ];
      for (const [f, detail] of cases) {
        proxy.fail('GET', reads, f);
        const r = await ws.terraform(['plan', '-refresh=true'], { env: { KEYPLANE_ENDPOINT: proxy.endpoint }, expectCode: [1] });
        const errors = diagnostics(r.output).filter((d) => d.severity === 'Error');
        expect(errors.map((e) => e.summary).sort()).toEqual(['Cannot Read IP Allow List', 'Cannot Read Secret', 'Cannot Read Service Account']);
        for (const e of errors) expect(e.detail).toMatch(detail);
        expect(r.output).not.toMatch(/will be created/);
      }
      // A refresh that errors writes nothing: the objects are still in state.
      expect(ws.stateFileText()).toBe(before);
    } finally {
      await proxy.close();
    }
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });
});

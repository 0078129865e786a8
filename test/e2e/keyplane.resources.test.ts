/**
 * keyplane_service_account, keyplane_ip_allow_list and keyplane_secret under the real terraform, with the
 * bundled provider and a real `keyplane server` on SQLite: one story per type for what only Terraform shows.
 * Each applies the type's example as written, plans nothing more, is imported into a fresh workspace with
 * the command of its import.sh (every attribute filled, no diff), and is destroyed; the plan text and a
 * diagnostic pinned to its line are checked where a type has them; so is what the state file keeps when the
 * service refuses a create or a destroy, and an import of an id the service does not have. Every plan and
 * apply branch (drift, re-creation, spelling, faults, checks) is tested in process in
 * test/provider/resources.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describeTerraform, diagnostics, plannedActions, TERRAFORM_BIN, type Workspace } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { ROOT } from '../helpers/root';
import { example, importExample } from '../helpers/examples';

jest.setTimeout(240_000);

describeTerraform('keyplane resources under Terraform', () => {
  let service: KeyplaneService;
  const workspaces: Workspace[] = [];
  const workspace = () => {
    const ws = keyplaneWorkspace(service);
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

  test('keyplane_service_account: the example applies, the plan shows the role falling back to the default, import.sh imports it, destroy', async () => {
    const ws = await workspace();
    ws.writeConfig(example('resources/keyplane_service_account/resource.tf'));
    const { plan } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_service_account.deployer': 'create' });
    await ws.terraform(['apply', 'tfplan']);
    const v = await ws.values('keyplane_service_account.deployer');
    expect(v).toMatchObject({ name: 'billing-deployer', description: 'Deploys the billing service from CI', role: 'developer' });
    expect(v.id).toMatch(/^sa_/);
    expect(await service.client.getServiceAccount(v.id)).toMatchObject({
      name: 'billing-deployer',
      description: 'Deploys the billing service from CI',
      role: 'developer',
      created_at: v.created_at,
      created_by: v.created_by,
    });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Description and role fall back to the service's defaults, in place, and the plan text shows it.
    const renamed = 'resource "keyplane_service_account" "deployer" {\n  name = "billing-deployer-2"\n}\n';
    ws.writeConfig(renamed);
    const update = await ws.savedPlan();
    expect(plannedActions(update.plan)).toEqual({ 'keyplane_service_account.deployer': 'update' });
    expect(update.result.output).toMatch(/~ role\s+= "developer" -> "viewer"/);
    await ws.terraform(['apply', 'tfplan']);
    expect(await service.client.getServiceAccount(v.id)).toMatchObject({ id: v.id, name: 'billing-deployer-2', description: '', role: 'viewer' });

    // Import fills every attribute, and the configuration it was written from plans nothing.
    const imported = await importInto(renamed, 'keyplane_service_account', v.id);
    expect(imported.values).toEqual(await ws.values('keyplane_service_account.deployer'));
    expect((await imported.ws.planIsEmpty()).empty).toBe(true);

    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getServiceAccount(v.id)).rejects.toMatchObject({ status: 404 });
  });

  test('keyplane_service_account: a role outside the three is refused at plan, pinned to its line', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_service_account" "sa" {\n  name = "x"\n  role = "owner"\n}\n');
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    const d = diagnostics(r.output).find((x) => x.severity === 'Error');
    expect(d).toMatchObject({ summary: 'Invalid Attribute Value', address: 'keyplane_service_account.sa', source: 'role = "owner"' });
    expect(d!.detail).toMatch(/"admin", "developer", "viewer"/);
  });

  test('keyplane_ip_allow_list: the plan of the example shows the normalised set; import.sh with the CIDRs spelled otherwise plans nothing; destroy', async () => {
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
    expect(await service.client.getAllowList(v.id)).toMatchObject({ name: 'office', description: 'Office network and VPN egress', cidrs: normalised });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Import (the state takes the service's spelling) with a configuration spelled otherwise: no diff.
    const imported = await importInto(
      'resource "keyplane_ip_allow_list" "office" {\n  name        = "office"\n  description = "Office network and VPN egress"\n  cidrs       = ["2001:DB8:1234:0::/48", "198.51.100.7", "203.0.113.0/24"]\n}\n',
      'keyplane_ip_allow_list',
      v.id,
    );
    expect(imported.values).toMatchObject({ id: v.id, name: 'office', created_at: v.created_at, created_by: v.created_by });
    expect([...imported.values.cidrs].sort()).toEqual(normalised);
    expect((await imported.ws.planIsEmpty()).empty).toBe(true);

    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getAllowList(v.id)).rejects.toMatchObject({ status: 404 });
  });

  test('keyplane_ip_allow_list: bad CIDRs are refused at plan, each pinned to the cidrs line', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_ip_allow_list" "l" {\n  name  = "l"\n  cidrs = ["10.1.2.3/8", "300.0.0.1", "fe80::1%eth0"]\n}\n');
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    const errors = diagnostics(r.output).filter((x) => x.severity === 'Error');
    expect(errors.map((e) => e.summary)).toEqual(['Invalid CIDR Block', 'Invalid CIDR Block', 'Invalid CIDR Block']);
    for (const e of errors) expect(e).toMatchObject({ address: 'keyplane_ip_allow_list.l', source: 'cidrs = ["10.1.2.3/8", "300.0.0.1", "fe80::1%eth0"]' });
    expect(errors.map((e) => e.detail).join('\n')).toMatch(/"10\.1\.2\.3\/8" has bits set after its prefix; the service would store 10\.0\.0\.0\/8/);
  });

  test('keyplane_secret: the example applies, versions written by others neither diff nor enter the state file, import.sh imports it, destroy', async () => {
    const ws = await workspace();
    const config = example('resources/keyplane_secret/resource.tf');
    ws.writeConfig(config);
    await ws.apply();
    const v = await ws.values('keyplane_secret.billing');
    expect(v).toMatchObject({ name: 'billing-service', description: 'Credentials the billing service reads at start-up', owner_type: 'user' });
    expect(v.id).toMatch(/^sec_/);
    expect(v.owner_id).toBe((await service.client.whoami()).principal.id);
    expect(await service.client.getSecret(v.id)).toMatchObject({ name: 'billing-service', latest_version: 0, created_at: v.created_at });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    await service.client.writeSecretVersion(v.id, { entries: { token: 'shh' } });
    expect((await ws.planIsEmpty()).empty).toBe(true);
    expect(ws.stateFileText()).not.toMatch(/shh/);

    const imported = await importInto(config, 'keyplane_secret', v.id);
    expect(imported.values).toEqual(await ws.values('keyplane_secret.billing'));
    expect((await imported.ws.planIsEmpty()).empty).toBe(true);

    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getSecret(v.id)).rejects.toMatchObject({ status: 404 });
  });

  // Failures Terraform records: what the state file keeps when the service refuses, and an import of nothing.
  test('keyplane_service_account: a name the service already has fails apply at name and leaves nothing in the state file', async () => {
    await service.client.createServiceAccount({ name: 'taken' });
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_service_account" "sa" {\n  name = "taken"\n}\n');
    const r = await ws.apply({ expectCode: [1] });
    const d = diagnostics(r.output).find((x) => x.severity === 'Error');
    expect(d).toMatchObject({ summary: 'Cannot Create Service Account', source: 'name = "taken"' });
    expect(d!.detail).toMatch(/already_exists/);
    expect(ws.stateFileText()).not.toMatch(/keyplane_service_account/);
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
    await expect(service.client.getAllowList(id)).rejects.toMatchObject({ status: 404 });
  });

  test('terraform import of an id the service does not have is an error, and the state stays empty', async () => {
    const ws = await workspace();
    ws.writeConfig('resource "keyplane_secret" "s" {\n  name = "s"\n}\n');
    const r = await ws.terraform(['import', 'keyplane_secret.s', 'sec_doesnotexist'], { expectCode: [1] });
    expect(r.output).toMatch(/Cannot import non-existent remote object/);
    expect(ws.stateFileText()).not.toMatch(/keyplane_secret/);
  });

  test('the examples are formatted as terraform fmt writes them', () => {
    execFileSync(TERRAFORM_BIN!, ['fmt', '-check', '-recursive', '-diff', join(ROOT, 'examples')], {
      stdio: 'pipe',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
    });
  });
});

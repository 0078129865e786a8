/**
 * keyplane_api_key under the real terraform, with the bundled provider and a real `keyplane server` on
 * SQLite: what only Terraform shows. The warning that the secret goes to state, rendered, and the secret in
 * the state file; a respelled expiry accepted as no change; a replacement with Terraform's replace_paths,
 * applied; an error pinned to its line; keys revoked or expired outside Terraform replaced with the reason
 * rendered, and a replacement Terraform plans as a create refused at plan; `terraform import` and an import
 * block, with the secret kept out of the state. Every plan and apply branch is tested in process in
 * test/provider/api-key.test.ts.
 */
import { describeTerraform, plannedActions, type Workspace } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';

jest.setTimeout(240_000);

const key = (body: string) => `resource "keyplane_api_key" "k" {\n${body}\n}\n`;

describeTerraform('keyplane_api_key under Terraform', () => {
  let service: KeyplaneService;
  let ws: Workspace;

  beforeAll(async () => {
    service = await startKeyplaneService();
    await service.client.createScope({ name: 'billing.read', description: 'Read billing' });
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(async () => {
    ws = keyplaneWorkspace(service);
  });
  afterEach(() => ws.remove());

  test('the plan warns that the secret goes to state, apply puts it there, a respelled expiry is no change, a replacement names its path, an error is pinned to its line, destroy deletes the key', async () => {
    const body = '  name = "ci"\n  scopes = ["billing.read"]\n  labels = { team = "platform" }\n  expires_at = "2099-01-02T18:04:05.5+03:00"';
    ws.writeConfig(key(body));
    const { plan, result } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'create' });
    expect(result.output).toMatch(/Secret Stored In State/);
    await ws.terraform(['apply', 'tfplan']);
    const v = await ws.values('keyplane_api_key.k');
    expect(v).toMatchObject({
      name: 'ci',
      status: 'active',
      scopes: ['billing.read'],
      labels: { team: 'platform' },
      expires_at: '2099-01-02T18:04:05.5+03:00',
      description: '',
    });
    expect(v.secret).toMatch(/^kp_/);
    expect(ws.stateFileText()).toContain(v.secret);
    expect((await service.client.getApiKey(v.id)).expires_at).toBe('2099-01-02T15:04:05.500Z');
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // The same instant spelled another way: Terraform takes the prior value the provider kept as no change.
    ws.writeConfig(key(body.replace('2099-01-02T18:04:05.5+03:00', '2099-01-02T15:04:05.500Z')));
    const respelled = await ws.planIsEmpty();
    expect(respelled.result.output).toMatch(/No changes/);
    expect(respelled.empty).toBe(true);

    ws.writeConfig(key(`${body}\n  keepers = { rotation = "2" }`));
    const replace = await ws.savedPlan();
    expect(plannedActions(replace.plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
    expect(replace.plan.resource_changes?.[0]?.change.replace_paths).toEqual([['keepers']]);
    await ws.terraform(['apply', 'tfplan']);
    const replaced = await ws.values('keyplane_api_key.k');
    expect(replaced.id).not.toBe(v.id);
    expect(replaced).toMatchObject({ name: 'ci', status: 'active', keepers: { rotation: '2' } });
    await expect(service.client.getApiKey(v.id)).rejects.toMatchObject({ status: 404 });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    ws.writeConfig(key('  name = "ci"\n  expires_at = "2001-01-01T00:00:00Z"'));
    const refused = await ws.terraform(['plan'], { expectCode: [1] });
    expect(refused.output).toMatch(/Expiry In The Past/);
    expect(refused.output).toMatch(/with keyplane_api_key\.k,[\s\S]*expires_at/);

    ws.writeConfig(key(`${body}\n  keepers = { rotation = "2" }`));
    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getApiKey(replaced.id)).rejects.toMatchObject({ status: 404 });
  });

  test('keys revoked or expired outside Terraform are replaced, the plan says why; a move to an unknown service account fails at plan and the key stays', async () => {
    const names = ['revoked', 'expired', 'moves'];
    const config = (moveTo = '') =>
      names.map((n) => `resource "keyplane_api_key" "${n}" {\n  name = "drift-${n}"${n === 'moves' ? moveTo : ''}\n}\n`).join('\n');
    ws.writeConfig(config());
    await ws.apply();
    const before: Record<string, string> = {};
    for (const n of names) before[n] = (await ws.values(`keyplane_api_key.${n}`)).id;
    const expiresAt = Date.now() + 1000;
    await service.client.updateApiKey(before.expired, { expires_at: new Date(expiresAt).toISOString() });
    await service.client.revokeApiKey(before.revoked);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt + 100 - Date.now())));

    const { plan, result } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.revoked': 'replace', 'keyplane_api_key.expired': 'replace' });
    expect(result.output).toMatch(/Key Revoked Outside Terraform/);
    expect(result.output).toMatch(new RegExp(`API key ${before.revoked} is revoked`));
    expect(result.output).toMatch(/Key Expired Outside Terraform/);
    await ws.terraform(['apply', 'tfplan']);
    for (const n of ['revoked', 'expired']) {
      const now = await ws.values(`keyplane_api_key.${n}`);
      expect([n, now.id === before[n], now.status]).toEqual([n, false, 'active']);
    }
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // A new service_account_id replaces the key; Terraform plans the replacement as a create, which checks it.
    ws.writeConfig(config('\n  service_account_id = "sa_missing"'));
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    expect(r.output).toMatch(/Unknown Service Account/);
    expect(r.output).toMatch(/with keyplane_api_key\.moves,[\s\S]*service_account_id/);
    expect((await service.client.getApiKey(before.moves)).status).toBe('active');

    ws.writeConfig(config());
    await ws.terraform(['destroy', '-auto-approve']);
    expect((await service.client.listApiKeys({ name_prefix: 'drift-', status: 'active' })).items).toEqual([]);
  });

  test('terraform import fills the state with the secret null, a warning says why, and the secret stays out of the state file', async () => {
    const sa = await service.client.createServiceAccount({ name: 'importer' });
    const made = await service.client.createApiKey({
      name: 'legacy',
      description: 'made by hand',
      service_account_id: sa.id,
      role: 'viewer',
      scopes: ['billing.read'],
      labels: { env: 'prod' },
    });
    ws.writeConfig(
      key(
        `  name = "legacy"\n  description = "made by hand"\n  service_account_id = "${sa.id}"\n  role = "viewer"\n  scopes = ["billing.read"]\n  labels = { env = "prod" }`,
      ),
    );
    const imported = await ws.terraform(['import', 'keyplane_api_key.k', made.api_key.id]);
    expect(imported.output).toMatch(/API Key Secret Cannot Be Recovered/);
    expect(await ws.values('keyplane_api_key.k')).toMatchObject({ id: made.api_key.id, name: 'legacy', secret: null, created_by: made.api_key.created_by });
    expect(ws.stateFileText()).not.toContain(made.secret);
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test('an import {} block imports by id with an empty plan after it', async () => {
    const made = await service.client.createApiKey({ name: 'block-import' });
    ws.writeConfig(`import {\n  to = keyplane_api_key.k\n  id = "${made.api_key.id}"\n}\n\n${key('  name = "block-import"')}`);
    const { plan, result } = await ws.savedPlan();
    expect(result.output).toMatch(/1 to import, 0 to add, 0 to change, 0 to destroy/);
    expect(plan.resource_changes?.[0]?.change.importing?.id).toBe(made.api_key.id);
    await ws.terraform(['apply', 'tfplan']);
    expect((await ws.values('keyplane_api_key.k')).secret).toBeNull();
    expect(ws.stateFileText()).not.toContain(made.secret);
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });
});

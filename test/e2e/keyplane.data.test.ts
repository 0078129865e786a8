/**
 * The data sources under the real terraform (keyplane_api_key, keyplane_api_keys, keyplane_service_account,
 * keyplane_scopes): each example applied against a real `keyplane server` whose contents the test made with
 * the client, its outputs checked against what the service holds, no secret in the state file, a second plan
 * empty, then destroyed; a lookup that finds nothing is pinned to its line. What each read returns, and every
 * lookup error, is tested in process in test/provider/data-sources.test.ts.
 */
import { KeyplaneClient } from '../../client';
import { describeTerraform, diagnostics, type Workspace } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { afterLastUse } from '../helpers/last-use';
import { example } from '../helpers/examples';

jest.setTimeout(240_000);

describeTerraform('keyplane data sources', () => {
  let service: KeyplaneService;
  const workspaces: Workspace[] = [];
  const workspace = () => {
    const ws = keyplaneWorkspace(service);
    workspaces.push(ws);
    return ws;
  };
  const outputs = async (ws: Workspace): Promise<Record<string, any>> => {
    const raw = JSON.parse((await ws.terraform(['output', '-json'])).stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
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

  test('keyplane_api_key: the example shows status and when and where the key was last used, never the secret', async () => {
    const created = await service.client.createApiKey({ name: 'used-by-ci', labels: { team: 'platform' } });
    const id = created.api_key.id;
    // Use the key once; the service records last use with a short delay.
    await new KeyplaneClient({ endpoint: service.endpoint, apiKey: created.secret, retries: 0 }).whoami();
    const remote = await afterLastUse(service.client, id);
    expect(remote.last_used_at).not.toBeNull();

    const ws = await workspace();
    ws.writeConfig(example('data-sources/keyplane_api_key/data-source.tf'));
    await ws.terraform(['apply', '-auto-approve', `-var=key_id=${id}`]);
    expect((await outputs(ws)).ci_key_last_used).toEqual({ status: 'active', last_used_at: remote.last_used_at, last_used_ip: '127.0.0.1' });
    const state = await ws.showState();
    const data = state.values!.root_module!.resources!.find((r) => r.address === 'data.keyplane_api_key.ci')!;
    expect(data.values).toMatchObject({
      id,
      name: 'used-by-ci',
      owner_type: 'user',
      role: remote.role,
      labels: { team: 'platform' },
      display_prefix: remote.display_prefix,
      created_at: remote.created_at,
      revoked_at: null,
    });
    expect(ws.stateFileText()).not.toContain(created.secret);
    expect((await ws.terraform(['plan', '-detailed-exitcode', `-var=key_id=${id}`], { expectCode: [0, 2] })).code).toBe(0);
    await ws.terraform(['destroy', '-auto-approve', `-var=key_id=${id}`]);
  });

  test('keyplane_api_key: an id the service does not know is an error pinned to the line of id', async () => {
    const ws = await workspace();
    ws.writeConfig(example('data-sources/keyplane_api_key/data-source.tf'));
    const r = await ws.terraform(['plan', '-var=key_id=key_doesnotexist'], { expectCode: [1] });
    expect(diagnostics(r.output).find((d) => d.severity === 'Error')).toMatchObject({
      summary: 'API Key Not Found',
      address: 'data.keyplane_api_key.ci',
      source: 'id = var.key_id',
    });
  });

  test('keyplane_api_keys: the example lists exactly the keys matching status, name prefix and labels, and no secret enters the state', async () => {
    const c = service.client;
    const want = await c.createApiKey({ name: 'ci-deploy', labels: { team: 'platform', env: 'prod' } });
    const want2 = await c.createApiKey({ name: 'ci-test', labels: { team: 'platform' } });
    const revoked = await c.createApiKey({ name: 'ci-old', labels: { team: 'platform' } });
    await c.revokeApiKey(revoked.api_key.id);
    await c.createApiKey({ name: 'ci-core', labels: { team: 'core' } });
    await c.createApiKey({ name: 'deploy-ci', labels: { team: 'platform' } });

    const ws = await workspace();
    ws.writeConfig(example('data-sources/keyplane_api_keys/data-source.tf'));
    await ws.apply();
    const ids = [want.api_key.id, want2.api_key.id].sort();
    expect((await outputs(ws)).platform_ci_key_ids).toEqual(ids);
    const v = await ws.values('data.keyplane_api_keys.platform_ci');
    expect(v.api_keys.map((k: { id: string }) => k.id)).toEqual(ids);
    expect(v.api_keys.find((k: { id: string }) => k.id === want.api_key.id)).toMatchObject({
      name: 'ci-deploy',
      status: 'active',
      labels: { team: 'platform', env: 'prod' },
    });
    for (const secret of [want.secret, want2.secret]) expect(ws.stateFileText()).not.toContain(secret);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('keyplane_service_account: the example finds the account by name', async () => {
    const ws = await workspace();
    ws.writeConfig(example('data-sources/keyplane_service_account/data-source.tf'));
    await ws.apply();
    expect((await outputs(ws)).reporter_role).toBe('viewer');
    const resource = await ws.values('keyplane_service_account.reporter');
    const data = await ws.values('data.keyplane_service_account.reporter');
    const remote = await service.client.getServiceAccount(resource.id);
    expect(data).toEqual({
      id: remote.id,
      name: 'nightly-reporter',
      description: '',
      role: 'viewer',
      disabled: false,
      owner_user_id: remote.owner_user_id,
      manager_user_ids: [],
      created_by: remote.created_by,
      created_at: remote.created_at,
      updated_at: remote.updated_at,
    });
    expect(remote.owner_user_id).toMatch(/^usr_/);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('keyplane_scopes: the example lists the catalogue as the service holds it', async () => {
    await service.client.createScope({ name: 'billing.read', description: 'Read billing data' });
    const ws = await workspace();
    ws.writeConfig(example('data-sources/keyplane_scopes/data-source.tf'));
    await ws.apply();
    const catalogue = await service.client.listScopes();
    expect((await outputs(ws)).custom_scopes).toEqual(['billing.read']);
    const v = await ws.values('data.keyplane_scopes.all');
    expect(v.names).toEqual(catalogue.map((s) => s.name).sort());
    expect(v.names).toEqual(expect.arrayContaining(['keyplane.keys.verify', 'keyplane.secrets.read', 'billing.read']));
    expect(v.scopes.find((s: { name: string }) => s.name === 'billing.read')).toEqual({
      name: 'billing.read',
      description: 'Read billing data',
      builtin: false,
      created_at: catalogue.find((s) => s.name === 'billing.read')!.created_at,
    });
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });
});

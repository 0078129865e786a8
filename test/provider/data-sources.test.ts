/**
 * The data sources (keyplane_api_key, keyplane_api_keys, keyplane_service_account, keyplane_scopes), in
 * process (test/helpers/in-process) against a real service over HTTP whose contents the test made with the
 * client: what each read returns, and lookups that find nothing (or are asked wrongly) as errors naming the
 * attribute. Each example applied under Terraform, with its outputs and state file, is in
 * test/e2e/keyplane.data.test.ts.
 */
import { KeyplaneClient } from '../../client';
import { diagnosticText as text, type InProcessProvider, inProcessProvider } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';
import { afterLastUse } from '../helpers/last-use';

let service: HttpService;
let p: InProcessProvider;

beforeAll(async () => {
  service = await startHttpService();
  p = await inProcessProvider(service);
});
afterAll(async () => {
  await service?.stop();
});

test('keyplane_api_key: status and when and where the key was last used, never the secret; revoked since, it says so', async () => {
  const created = await service.client.createApiKey({ name: 'ci-used', labels: { team: 'platform' } });
  const id = created.api_key.id;
  // Use the key once; the service records last use with a short delay.
  await new KeyplaneClient({ endpoint: service.endpoint, apiKey: created.secret, retries: 0 }).whoami();
  const remote = await afterLastUse(service.client, id);
  expect(remote.last_used_at).not.toBeNull();

  const { state } = await p.readData('keyplane_api_key', { id });
  expect(state).toMatchObject({
    id,
    name: 'ci-used',
    owner_type: 'user',
    role: remote.role,
    labels: { team: 'platform' },
    display_prefix: remote.display_prefix,
    created_at: remote.created_at,
    revoked_at: null,
    status: 'active',
    last_used_at: remote.last_used_at,
    last_used_ip: '127.0.0.1',
    last_used_claimed_ip: null,
  });
  expect(JSON.stringify(state)).not.toContain(created.secret);
  // Read again, nothing changed: the same object (Terraform plans no change).
  expect((await p.readData('keyplane_api_key', { id })).state).toEqual(state);

  // Checked through verify, the key's last use holds the verifier's address and, apart, the client it reported.
  await service.client.verify({ key: created.secret!, client_ip: '192.0.2.15' });
  await service.ctx.lastUsed.flush();
  expect((await p.readData('keyplane_api_key', { id })).state).toMatchObject({ last_used_ip: '127.0.0.1', last_used_claimed_ip: '192.0.2.15' });

  await service.client.revokeApiKey(id, { reason: 'rotated' });
  expect((await p.readData('keyplane_api_key', { id })).state).toMatchObject({ status: 'revoked', revoke_reason: 'rotated' });
});

test('keyplane_api_key: an id the service does not know is an error at id', async () => {
  const failed = await p.readData('keyplane_api_key', { id: 'key_doesnotexist' }, { expectError: true });
  expect(failed.errors[0]).toMatchObject({ summary: 'API Key Not Found', attribute: 'id' });
});

test('keyplane_api_keys: exactly the keys matching status, name prefix and labels; by owner, all of its keys', async () => {
  const c = service.client;
  const want = await c.createApiKey({ name: 'ci-deploy', labels: { team: 'platform', env: 'prod' } });
  const want2 = await c.createApiKey({ name: 'ci-test', labels: { team: 'platform' } });
  const revoked = await c.createApiKey({ name: 'ci-old', labels: { team: 'platform' } });
  await c.revokeApiKey(revoked.api_key.id);
  await c.createApiKey({ name: 'ci-core', labels: { team: 'core' } });
  await c.createApiKey({ name: 'deploy-ci', labels: { team: 'platform' } });

  const config = { status: 'active', name_prefix: 'ci-', labels: { team: 'platform' } };
  const { state } = await p.readData('keyplane_api_keys', config);
  const ids = [want.api_key.id, want2.api_key.id].sort();
  expect(state.ids).toEqual(ids);
  expect(state.api_keys.map((k: { id: string }) => k.id)).toEqual(ids);
  expect(state.api_keys.find((k: { id: string }) => k.id === want.api_key.id)).toMatchObject({
    name: 'ci-deploy',
    status: 'active',
    labels: { team: 'platform', env: 'prod' },
  });
  for (const secret of [want.secret, want2.secret]) expect(JSON.stringify(state)).not.toContain(secret);
  expect((await p.readData('keyplane_api_keys', config)).state).toEqual(state);

  // By owner: the keys of one service account.
  const sa = await c.createServiceAccount({ name: 'many-keys', role: 'viewer' });
  const owned = [];
  for (let i = 0; i < 3; i++) owned.push((await c.createApiKey({ name: `sa-key-${i}`, service_account_id: sa.id })).api_key.id);
  expect((await p.readData('keyplane_api_keys', { owner_id: sa.id })).state.ids).toEqual(owned.sort());
});

test('keyplane_api_keys: a status outside the three is refused, naming status', async () => {
  const failed = await p.readData('keyplane_api_keys', { status: 'live' }, { expectError: true });
  expect(failed.errors[0]).toMatchObject({ summary: 'Invalid Attribute Value', attribute: 'status' });
});

test('keyplane_service_account: found by name and by id; a deleted or missing one is an error at the attribute; id and name together are refused', async () => {
  const sa = p.resource('keyplane_service_account', 'reporter');
  const created = (await sa.apply({ name: 'nightly-reporter' })).state;
  const remote = await service.client.getServiceAccount(created.id);
  expect((await p.readData('keyplane_service_account', { name: 'nightly-reporter' })).state).toEqual({
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
  await sa.destroy();

  // Destroying the resource above deleted the account.
  const deleted = await p.readData('keyplane_service_account', { id: remote.id }, { expectError: true });
  expect(deleted.errors[0]).toMatchObject({ summary: 'Service Account Not Found', attribute: 'id' });
  const byId = await service.client.createServiceAccount({ name: 'by-id', description: 'found by id', role: 'developer', owner_user_id: null });
  await service.client.updateServiceAccount(byId.id, { manager_user_ids: [remote.created_by] });
  expect((await p.readData('keyplane_service_account', { id: byId.id })).state).toMatchObject({
    id: byId.id,
    name: 'by-id',
    description: 'found by id',
    role: 'developer',
    owner_user_id: null,
    manager_user_ids: [remote.created_by],
  });

  const missing = await p.readData('keyplane_service_account', { name: 'no-such-account' }, { expectError: true });
  expect(missing.errors[0]).toMatchObject({ summary: 'Service Account Not Found', attribute: 'name' });

  const both = await p.readData('keyplane_service_account', { id: byId.id, name: 'by-id' }, { expectError: true });
  expect(text(both.errors)).toMatch(/Set Exactly One Of id And name/);
});

test('keyplane_scopes: the catalogue as the service holds it', async () => {
  await service.client.createScope({ name: 'billing.read', description: 'Read billing data' });
  const catalogue = await service.client.listScopes();
  const { state } = await p.readData('keyplane_scopes', {});
  expect(state.names).toEqual(catalogue.map((s) => s.name).sort());
  expect(state.names).toEqual(expect.arrayContaining(['keyplane.keys.verify', 'keyplane.secrets.read', 'billing.read']));
  expect(state.scopes.filter((s: { builtin: boolean }) => !s.builtin).map((s: { name: string }) => s.name)).toEqual(['billing.read']);
  expect(state.scopes.find((s: { name: string }) => s.name === 'billing.read')).toEqual({
    name: 'billing.read',
    description: 'Read billing data',
    builtin: false,
    created_at: catalogue.find((s) => s.name === 'billing.read')!.created_at,
  });
});

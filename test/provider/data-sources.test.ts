/**
 * The data sources (keyplane_api_key, keyplane_api_keys, keyplane_service_account, keyplane_scopes), in
 * process (test/helpers/in-process) against a real service over HTTP whose contents the test made with the
 * client: what each read returns, and lookups that find nothing (or are asked wrongly) as errors naming the
 * attribute. Each example applied under Terraform, with its outputs and state file, is in
 * test/e2e/keyplane.data.test.ts.
 */
import { KeyplaneClient } from '../../client';
import { LIMITS } from '../../contract/limits';
import { encodeMsgpack } from '../../provider/sdk/cty/msgpack';
import { diagnosticText as text, type InProcessProvider, type Plain, inProcessProvider, unknown } from '../helpers/in-process';
import { configValue } from '../helpers/in-process/schema';
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

describe('keyplane_api_keys: label filters are held to the label rules (provider/keyplane/limits.ts), each at its key', () => {
  /**
   * Filter keys the service would split differently ("team=platform" = "v" is sent as team=platform=v, read as
   * team = "platform=v"), refuse (empty), or that no label can have (so they would match nothing).
   */
  const badKeys = { 'team=platform': 'v', '': 'v', 'has space': 'v', ['k'.repeat(64)]: 'v' };
  const badPaths = ['labels[""]', 'labels["has space"]', `labels["${'k'.repeat(64)}"]`, 'labels["team=platform"]'];

  /** The data source's configuration as Terraform sends it (msgpack), with `labels` as given. */
  function config(labels: Plain) {
    const block = p.schema('data', 'keyplane_api_keys').block;
    return { msgpack: Buffer.from(encodeMsgpack(configValue(block, { labels }), block.type)) };
  }
  const errorsAt = (diags: { severity: string; summary: string; attribute?: { steps: unknown[] } }[] | undefined) =>
    (diags ?? []).filter((d) => d.severity === 'ERROR').map((d) => [d.summary, JSON.stringify(d.attribute?.steps)]);
  const keyPath = (key: string) => JSON.stringify([{ attribute_name: 'labels' }, { element_key_string: key }]);

  test('a key no label can have fails the read at that key; a key holding "=" is not read as another split', async () => {
    const failed = await p.readData('keyplane_api_keys', { labels: { ...badKeys, team: 'platform' } }, { expectError: true });
    expect(failed.errors.map((e) => [e.summary, e.attribute]).sort()).toEqual(badPaths.map((at) => ['Invalid Label Key', at]));
    expect(failed.errors.find((e) => e.attribute === 'labels["team=platform"]')!.detail).toContain(LIMITS.labels.keyPattern);
    // A value no label can hold, and more filters than the service takes, are errors as well.
    const long = await p.readData('keyplane_api_keys', { labels: { team: 'x'.repeat(LIMITS.labels.valueMax + 1) } }, { expectError: true });
    expect(long.errors.map((e) => [e.summary, e.attribute])).toEqual([['Label Value Too Long', 'labels["team"]']]);
    const tooMany = Object.fromEntries(Array.from({ length: LIMITS.labelFilters.max + 1 }, (_, i) => [`l${i}`, 'v']));
    const many = await p.readData('keyplane_api_keys', { labels: tooMany }, { expectError: true });
    expect(many.errors.map((e) => [e.summary, e.attribute])).toEqual([['Too Many Label Filters', 'labels']]);
    expect(many.errors[0]!.detail).toContain(`at most ${LIMITS.labelFilters.max}`);
    // At the limits the read goes through.
    const atLimit = Object.fromEntries(Array.from({ length: LIMITS.labelFilters.max }, (_, i) => [`l${i}`, 'x'.repeat(LIMITS.labels.valueMax)]));
    expect((await p.readData('keyplane_api_keys', { labels: atLimit })).state.ids).toEqual([]);
  });

  test('validate refuses the keys while the values are still unknown, and read refuses them once known', async () => {
    const unknownValues = Object.fromEntries(Object.keys(badKeys).map((k) => [k, unknown]));
    const validated = await p.validator.validateDataResourceConfig(
      { type_name: 'keyplane_api_keys', config: config({ ...unknownValues, team: unknown }) },
      p.ctx('ValidateDataResourceConfig'),
    );
    expect(errorsAt(validated.diagnostics).sort()).toEqual(
      Object.keys(badKeys)
        .sort()
        .map((k) => ['Invalid Label Key', keyPath(k)]),
    );
    // Read checks again what it sends, whatever validate saw (a configuration known only then).
    const read = await p.server.readDataSource(
      {
        type_name: 'keyplane_api_keys',
        config: config({ ...badKeys, team: 'platform' }),
        client_capabilities: { deferral_allowed: false, write_only_attributes_allowed: true },
      },
      p.ctx('ReadDataSource'),
    );
    expect(errorsAt(read.diagnostics).sort()).toEqual(
      Object.keys(badKeys)
        .sort()
        .map((k) => ['Invalid Label Key', keyPath(k)]),
    );
  });
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

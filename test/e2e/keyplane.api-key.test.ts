/**
 * keyplane_api_key end to end: the real terraform, the bundled provider, a real `keyplane server` on SQLite.
 * Lifecycle: create, second plan empty, update in place, replacement, import, drift (deleted, revoked,
 * expired through the CLI), destroy; plan-time checks naming the field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyplane } from '../helpers/cli';
import {
  type KeyplaneService,
  KeyplaneWorkspace,
  describeTerraform,
  faultyProxy,
  plannedActions,
  secretFragmentsIn,
  startKeyplaneService,
} from '../helpers/keyplane';

jest.setTimeout(240_000);

const key = (body: string) => `resource "keyplane_api_key" "k" {\n${body}\n}\n`;

describeTerraform('keyplane_api_key lifecycle', () => {
  let service: KeyplaneService;
  let ws: KeyplaneWorkspace;

  beforeAll(async () => {
    service = await startKeyplaneService();
    await service.client.createScope({ name: 'billing.read', description: 'Read billing' } as never);
    await service.client.createScope({ name: 'billing.write', description: 'Write billing' } as never);
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(async () => {
    ws = await KeyplaneWorkspace.create(service);
  });
  afterEach(() => ws.remove());

  test('creates a key, plans nothing more, updates in place, replaces on role change, destroys', async () => {
    ws.writeConfig(key('  name = "ci"\n  scopes = ["billing.read"]\n  labels = { team = "platform" }\n  expires_at = "2099-01-02T18:04:05.5+03:00"'));
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
    const remote = await service.client.getApiKey(v.id);
    expect(remote.expires_at).toBe('2099-01-02T15:04:05.500Z');
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // The same instant spelled another way is no change.
    ws.writeConfig(key('  name = "ci"\n  scopes = ["billing.read"]\n  labels = { team = "platform" }\n  expires_at = "2099-01-02T15:04:05.500Z"'));
    const respelled = await ws.planIsEmpty();
    expect(respelled.result.output).toMatch(/No changes/);
    expect(respelled.empty).toBe(true);

    // In place.
    ws.writeConfig(
      key(
        '  name = "ci-2"\n  description = "CI"\n  scopes = ["billing.read", "billing.write"]\n  labels = { team = "core" }\n  expires_at = "2099-06-01T00:00:00Z"',
      ),
    );
    const update = await ws.savedPlan();
    expect(plannedActions(update.plan)).toEqual({ 'keyplane_api_key.k': 'update' });
    await ws.terraform(['apply', 'tfplan']);
    const after = await service.client.getApiKey(v.id);
    expect(after).toMatchObject({ name: 'ci-2', description: 'CI', labels: { team: 'core' }, expires_at: '2099-06-01T00:00:00.000Z' });
    expect([...after.scopes].sort()).toEqual(['billing.read', 'billing.write']);
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Replacement.
    ws.writeConfig(key('  name = "ci-2"\n  description = "CI"\n  role = "viewer"\n  keepers = { rotation = "1" }'));
    const replace = await ws.savedPlan();
    expect(plannedActions(replace.plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
    await ws.terraform(['apply', 'tfplan']);
    const replaced = await ws.values('keyplane_api_key.k');
    expect(replaced.id).not.toBe(v.id);
    expect(replaced.role).toBe('viewer');
    await expect(service.client.getApiKey(v.id)).rejects.toMatchObject({ status: 404 });
    expect((await ws.planIsEmpty()).empty).toBe(true);
    ws.writeConfig(key('  name = "ci-2"\n  description = "CI"\n  role = "viewer"\n  keepers = { rotation = "2" }'));
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_api_key.k': 'replace' });

    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getApiKey(replaced.id)).rejects.toMatchObject({ status: 404 });
  });

  test('allow lists change in place; a new owner replaces the key; removing optional values changes in place', async () => {
    const office = await service.client.createAllowList({ name: 'office', cidrs: ['203.0.113.0/24'] } as never);
    const vpn = await service.client.createAllowList({ name: 'vpn', cidrs: ['198.51.100.0/24'] } as never);
    const sa1 = await service.client.createServiceAccount({ name: 'owner-1' } as never);
    const sa2 = await service.client.createServiceAccount({ name: 'owner-2' } as never);
    ws.writeConfig(
      key(`  name = "owned"\n  description = "d"\n  service_account_id = "${sa1.id}"\n  allow_list_ids = ["${office.id}"]\n  labels = { a = "1" }`),
    );
    await ws.apply();
    const first = await ws.values('keyplane_api_key.k');
    expect((await service.client.getApiKey(first.id)).service_account_id).toBe(sa1.id);
    expect((await ws.planIsEmpty()).empty).toBe(true);

    ws.writeConfig(key(`  name = "owned"\n  description = "d"\n  service_account_id = "${sa1.id}"\n  allow_list_ids = ["${office.id}", "${vpn.id}"]`));
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_api_key.k': 'update' });
    await ws.terraform(['apply', 'tfplan']);
    expect([...(await service.client.getApiKey(first.id)).allow_list_ids].sort()).toEqual([office.id, vpn.id].sort());
    expect((await service.client.getApiKey(first.id)).labels).toEqual({});
    expect((await ws.planIsEmpty()).empty).toBe(true);

    ws.writeConfig(key(`  name = "owned"\n  service_account_id = "${sa1.id}"`));
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_api_key.k': 'update' });
    await ws.terraform(['apply', 'tfplan']);
    expect(await service.client.getApiKey(first.id)).toMatchObject({ description: '', allow_list_ids: [] });
    expect((await ws.planIsEmpty()).empty).toBe(true);

    ws.writeConfig(key(`  name = "owned"\n  service_account_id = "${sa2.id}"`));
    const { plan } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
    expect(plan.resource_changes?.[0]?.change.replace_paths).toEqual([['service_account_id']]);
    await ws.terraform(['apply', 'tfplan']);
    const second = await ws.values('keyplane_api_key.k');
    expect(second.id).not.toBe(first.id);
    expect((await service.client.getApiKey(second.id)).service_account_id).toBe(sa2.id);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('terraform import fills every attribute the service knows, the secret is null and a warning says why', async () => {
    const sa = await service.client.createServiceAccount({ name: 'importer' } as never);
    const made = await service.client.createApiKey({
      name: 'legacy',
      description: 'made by hand',
      service_account_id: sa.id,
      role: 'viewer',
      scopes: ['billing.read'],
      labels: { env: 'prod' },
    });
    const cfg = `  name = "legacy"\n  description = "made by hand"\n  service_account_id = "${sa.id}"\n  role = "viewer"\n  scopes = ["billing.read"]\n  labels = { env = "prod" }`;
    ws.writeConfig(key(cfg));
    const imported = await ws.terraform(['import', 'keyplane_api_key.k', made.api_key.id]);
    expect(imported.output).toMatch(/API Key Secret Cannot Be Recovered/);
    const v = await ws.values('keyplane_api_key.k');
    expect(v).toMatchObject({
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
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test('an imported key adopts output_to_secret_store in place instead of being rotated', async () => {
    const secret = await service.client.createSecret({ name: 'adopt-target' } as never);
    const made = await service.client.createApiKey({ name: 'adopted' });
    ws.writeConfig(key(`  name = "adopted"\n  output_to_secret_store {\n    secret_id = "${secret.id}"\n  }`));
    await ws.terraform(['import', 'keyplane_api_key.k', made.api_key.id]);
    const { plan, result } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'update' });
    expect(result.output).toMatch(/Secret Of An Imported Key Is Not Delivered/);
    await ws.terraform(['apply', 'tfplan']);
    const v = await ws.values('keyplane_api_key.k');
    expect(v).toMatchObject({
      id: made.api_key.id,
      secret: null,
      secret_store_version_id: null,
      output_to_secret_store: { secret_id: secret.id, entry_key: 'api_key' },
    });
    expect((await service.client.getApiKey(made.api_key.id)).status).toBe('active');
    expect(await service.client.listSecretVersions(secret.id)).toEqual([]);
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test('drift: a key deleted outside Terraform is planned for creation', async () => {
    ws.writeConfig(key('  name = "drift-delete"'));
    await ws.apply();
    const { id } = await ws.values('keyplane_api_key.k');
    expect(keyplane(['api-key', 'delete', id], service.env).status).toBe(0);
    const { plan } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'create' });
    await ws.terraform(['apply', 'tfplan']);
    expect((await ws.values('keyplane_api_key.k')).id).not.toBe(id);
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test('drift: a key revoked outside Terraform is planned for replacement, and the plan says why', async () => {
    ws.writeConfig(key('  name = "drift-revoke"'));
    await ws.apply();
    const { id } = await ws.values('keyplane_api_key.k');
    expect(keyplane(['api-key', 'revoke', id], service.env).status).toBe(0);
    const { plan, result } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
    expect(result.output).toMatch(/Key Revoked Outside Terraform/);
    expect(result.output).toMatch(new RegExp(`API key ${id} is revoked`));
    await ws.terraform(['apply', 'tfplan']);
    const v = await ws.values('keyplane_api_key.k');
    expect(v.id).not.toBe(id);
    expect(v.status).toBe('active');
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test('drift: a key expired outside Terraform is planned for replacement, and the plan says why', async () => {
    ws.writeConfig(key('  name = "drift-expire"'));
    await ws.apply();
    const { id } = await ws.values('keyplane_api_key.k');
    const soon = new Date(Date.now() + 1500).toISOString();
    expect(keyplane(['api-key', 'update', id, '--expires-at', soon], service.env).status).toBe(0);
    await new Promise((r) => setTimeout(r, 2500));
    const { plan, result } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
    expect(result.output).toMatch(/Key Expired Outside Terraform/);
    await ws.terraform(['apply', 'tfplan']);
    expect((await ws.values('keyplane_api_key.k')).status).toBe('active');
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test.each([
    ['a transient 503', { status: 503, code: 'unavailable', message: 'try again later' }, /Cannot Read API Key[\s\S]*503 unavailable/],
    ['an auth error', { status: 401, code: 'unauthenticated', message: 'the key was revoked' }, /Cannot Read API Key[\s\S]*401 unauthenticated/],
  ])('%s on read is an error, never "gone": nothing is planned for creation and the state keeps the key', async (_, fault, message) => {
    const proxy = await faultyProxy(service);
    const via = await KeyplaneWorkspace.create(service, { KEYPLANE_ENDPOINT: proxy.endpoint });
    try {
      via.writeConfig(`provider "keyplane" {\n  max_retries = 0\n}\n\n${key('  name = "read-errors"')}`);
      await via.apply();
      const { id } = await via.values('keyplane_api_key.k');
      proxy.fail('GET', `/v1/api-keys/${id}`, fault);
      const r = await via.terraform(['plan'], { expectCode: [1] });
      expect(r.output).toMatch(message);
      expect(r.output).not.toMatch(/will be created/);
      proxy.fail('GET', `/v1/api-keys/${id}`, null);
      expect((await via.values('keyplane_api_key.k')).id).toBe(id);
      expect((await via.planIsEmpty()).empty).toBe(true);
      await via.terraform(['destroy', '-auto-approve']);
    } finally {
      via.remove();
      await proxy.close();
    }
  });

  test.each([
    ['an expiry in the past', '  name = "x"\n  expires_at = "2001-01-01T00:00:00Z"', /Expiry In The Past/, 'expires_at'],
    ['a timestamp that is not RFC 3339', '  name = "x"\n  expires_at = "tomorrow"', /Invalid RFC 3339 Timestamp/, 'expires_at'],
    ['a scope not in the catalogue', '  name = "x"\n  scopes = ["billing.reed"]', /Unknown Scope/, 'scopes'],
    ['an allow list that does not exist', '  name = "x"\n  allow_list_ids = ["ipl_missing"]', /Unknown IP Allow List/, 'allow_list_ids'],
    ['a service account that does not exist', '  name = "x"\n  service_account_id = "sa_missing"', /Unknown Service Account/, 'service_account_id'],
    ['an unknown role', '  name = "x"\n  role = "owner"', /role/, 'role'],
  ])('%s fails at plan naming the field, and no key is created', async (_, body, summary, field) => {
    const before = (await service.client.listApiKeys({ page_size: 100 })).items.length;
    ws.writeConfig(key(body));
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    expect(r.output).toMatch(summary);
    expect(r.output).toMatch(new RegExp(`with keyplane_api_key\\.k,[\\s\\S]*${field}`));
    expect((await service.client.listApiKeys({ page_size: 100 })).items.length).toBe(before);
  });

  test('moving a key to a service account that does not exist fails at plan too (Terraform plans the replacement as a create, which checks it), and the key stays', async () => {
    ws.writeConfig(key('  name = "moves"'));
    await ws.apply();
    const { id } = await ws.values('keyplane_api_key.k');
    ws.writeConfig(key('  name = "moves"\n  service_account_id = "sa_missing"'));
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    expect(r.output).toMatch(/Unknown Service Account/);
    expect(r.output).toMatch(/with keyplane_api_key\.k,[\s\S]*service_account_id/);
    expect((await service.client.getApiKey(id)).status).toBe('active');
    ws.writeConfig(key('  name = "moves"'));
    await ws.terraform(['destroy', '-auto-approve']);
  });
});

describeTerraform('keyplane provider configuration', () => {
  let service: KeyplaneService;
  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('429 and 5xx answers are retried with backoff; other 4xx answers are not', async () => {
    const proxy = await faultyProxy(service);
    const ws = await KeyplaneWorkspace.create(service, { KEYPLANE_ENDPOINT: proxy.endpoint });
    try {
      ws.writeConfig(`provider "keyplane" {\n  max_retries = 3\n}\n\n${key('  name = "retried"\n  scopes = []')}`);
      proxy.fail('GET', '/v1/whoami', { status: 429, code: 'rate_limited', message: 'slow down' }, 2);
      await ws.terraform(['plan']);
      // Terraform configures the provider once in this plan; three attempts reached the proxy.
      expect(proxy.hits('GET', '/v1/whoami')).toBe(3);
      proxy.fail('GET', '/v1/whoami', { status: 503, code: 'unavailable', message: 'restarting' }, 1);
      await ws.terraform(['plan']);
      expect(proxy.hits('GET', '/v1/whoami')).toBe(5);
      proxy.fail('GET', '/v1/whoami', { status: 400, code: 'invalid_argument', message: 'no' }, 1);
      const r = await ws.terraform(['plan'], { expectCode: [1] });
      expect(r.output).toMatch(/Keyplane Service Error/);
      expect(proxy.hits('GET', '/v1/whoami')).toBe(6);
    } finally {
      ws.remove();
      await proxy.close();
    }
  });

  test('the sensitive attributes are exactly the secret and the provider key, and every attribute is described', async () => {
    const ws = await KeyplaneWorkspace.create(service);
    try {
      ws.writeConfig(key('  name = "schema"'));
      const schemas = JSON.parse((await ws.terraform(['providers', 'schema', '-json'])).stdout).provider_schemas['registry.terraform.io/keyplane/keyplane'];
      const sensitive = (block: { attributes: Record<string, { sensitive?: boolean }> }) =>
        Object.entries(block.attributes)
          .filter(([, a]) => a.sensitive)
          .map(([n]) => n);
      expect(sensitive(schemas.provider.block)).toEqual(['api_key']);
      const apiKey = schemas.resource_schemas.keyplane_api_key.block;
      expect(sensitive(apiKey)).toEqual(['secret']);
      expect(Object.keys(apiKey.attributes)).not.toContain('last_used_at');
      for (const [name, a] of Object.entries(apiKey.attributes as Record<string, { description?: string }>))
        expect([name, a.description]).toEqual([name, expect.any(String)]);
    } finally {
      ws.remove();
    }
  });

  test('a missing key is reported once, at configure time, with what to set', async () => {
    const ws = await KeyplaneWorkspace.create(service, { KEYPLANE_API_KEY: undefined });
    try {
      ws.writeConfig(`${key('  name = "a"')}\n${key('  name = "b"').replace('"k"', '"k2"')}`);
      const r = await ws.terraform(['plan'], { expectCode: [1] });
      expect(r.output.match(/Missing Keyplane API Key/g)).toHaveLength(1);
      expect(r.output).toMatch(/KEYPLANE_API_KEY/);
    } finally {
      ws.remove();
    }
  });

  test('a rejected key is reported once, naming what to check, and never printed', async () => {
    const sa = await service.client.createServiceAccount({ name: 'revoked-provider' } as never);
    const made = await service.client.createApiKey({ name: 'p', service_account_id: sa.id });
    await service.client.revokeApiKey(made.api_key.id);
    const ws = await KeyplaneWorkspace.create(service, { KEYPLANE_API_KEY: undefined });
    try {
      ws.writeConfig(
        `variable "kp_key" {\n  type      = string\n  sensitive = true\n}\n\nprovider "keyplane" {\n  api_key = var.kp_key\n}\n\n${key('  name = "a"')}\n${key('  name = "b"').replace('"k"', '"k2"')}`,
      );
      const log = join(ws.dir, 'trace.log');
      const r = await ws.terraform(['plan'], { expectCode: [1], env: { TF_VAR_kp_key: made.secret, TF_LOG: 'trace', TF_LOG_PATH: log } });
      expect(r.output.match(/Keyplane API Key Rejected/g)).toHaveLength(1);
      expect(r.output).toMatch(/has not been revoked or\s+expired/);
      expect(secretFragmentsIn(r.output + readFileSync(log, 'utf8'), made.secret)).toEqual([]);
    } finally {
      ws.remove();
    }
  });

  test.each([
    ['an unreadable ca_cert_file', (e: string) => `endpoint = "${e}"\n  ca_cert_file = "/nonexistent/ca.pem"`, /Cannot Read CA Certificate/, 'ca_cert_file'],
    ['an endpoint that is not a URL', () => 'endpoint = "keyplane.internal"', /Invalid Keyplane Endpoint/, 'endpoint'],
    ['an endpoint nobody listens on', () => 'endpoint = "http://127.0.0.1:9"\n  max_retries = 0', /Cannot Reach The Keyplane Service/, 'endpoint'],
    ['a negative timeout', (e: string) => `endpoint = "${e}"\n  request_timeout_seconds = -1`, /Invalid Request Timeout/, 'request_timeout_seconds'],
  ])('%s is reported at configure time, naming the field', async (_, body, summary, field) => {
    const ws = await KeyplaneWorkspace.create(service);
    try {
      ws.writeConfig(`provider "keyplane" {\n  ${body(service.endpoint)}\n}\n\n${key('  name = "a"')}`);
      const r = await ws.terraform(['plan'], { expectCode: [1] });
      expect(r.output).toMatch(summary);
      expect(r.output).toMatch(new RegExp(`in provider "keyplane"[\\s\\S]*${field}`));
    } finally {
      ws.remove();
    }
  });

  test('endpoint and api_key come from the provider block, the key from an ephemeral-capable variable', async () => {
    const ws = await KeyplaneWorkspace.create(service, { KEYPLANE_API_KEY: undefined, KEYPLANE_ENDPOINT: undefined });
    try {
      ws.writeConfig(
        `variable "kp_key" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n\nprovider "keyplane" {\n  endpoint = "${service.endpoint}"\n  api_key  = var.kp_key\n  request_timeout_seconds = 10\n  max_retries = 1\n}\n\n${key('  name = "from-block"')}`,
      );
      await ws.terraform(['apply', '-auto-approve'], { env: { TF_VAR_kp_key: service.adminKey } });
      expect((await ws.values('keyplane_api_key.k')).name).toBe('from-block');
      await ws.terraform(['destroy', '-auto-approve'], { env: { TF_VAR_kp_key: service.adminKey } });
    } finally {
      ws.remove();
    }
  });
});

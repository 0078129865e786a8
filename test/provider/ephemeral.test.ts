/**
 * The ephemeral resources, in process (test/helpers/in-process) against a real service over HTTP:
 * keyplane_secret_version opens to a secret's entries (the latest version or a given one) and its lookups
 * that find nothing are errors naming the attribute; keyplane_api_key opens to a new short-lived key that
 * closing revokes, and refuses a ttl it cannot use. Their values reaching other providers and staying out of
 * plan and state are shown under Terraform in test/e2e/keyplane.ephemeral.test.ts.
 */
import { type InProcessProvider, inProcessProvider } from '../helpers/in-process';
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

test('keyplane_secret_version: the latest entries by default, a given version on request; a destroyed version is an error at version', async () => {
  const c = service.client;
  const secret = await c.createSecret({ name: 'db-password' });
  await c.writeSecretVersion(secret.id, { entries: { password: 'first-password-value-1' } });
  await c.writeSecretVersion(secret.id, { entries: { password: 'second-password-value-2' } });
  const latest = await p.open('keyplane_secret_version', { secret_id: secret.id });
  expect(latest.result).toMatchObject({ secret_id: secret.id, version: 2, entries: { password: 'second-password-value-2' }, entry_keys: ['password'] });
  await latest.close();
  const first = await p.open('keyplane_secret_version', { secret_id: secret.id, version: 1 });
  expect(first.result.entries).toEqual({ password: 'first-password-value-1' });
  expect((await c.listAuditEvents({ action: 'secret.read', target_id: secret.id })).items.length).toBeGreaterThanOrEqual(2);

  await c.destroySecretVersion(secret.id, 1);
  const destroyed = await p.open('keyplane_secret_version', { secret_id: secret.id, version: 1 }, { expectError: true });
  expect(destroyed.errors[0]).toMatchObject({ summary: 'Secret Version Destroyed', attribute: 'version' });
});

test('keyplane_secret_version: a stored key configures another provider instance, which acts with it', async () => {
  const c = service.client;
  const reporter = await c.createApiKey({ name: 'reporter', role: 'viewer' });
  const secret = await c.createSecret({ name: 'reporter-credentials' });
  await c.writeSecretVersion(secret.id, { entries: { api_key: reporter.secret! } });
  const opened = await p.open('keyplane_secret_version', { secret_id: secret.id });
  const asReporter = await inProcessProvider(service, { apiKey: opened.result.entries.api_key });
  expect((await asReporter.readData('keyplane_scopes', {})).state.names).toContain('keyplane.keys.verify');
  expect((await afterLastUse(c, reporter.api_key.id)).last_used_at).not.toBeNull();
  await opened.close();
});

test('keyplane_secret_version: a secret with no versions, or none at all, is an error naming secret_id; version 0 is refused at version', async () => {
  const empty = await service.client.createSecret({ name: 'empty' });
  for (const id of [empty.id, 'sec_doesnotexist']) {
    const failed = await p.open('keyplane_secret_version', { secret_id: id }, { expectError: true });
    expect(failed.errors[0]).toMatchObject({ summary: 'Secret Version Not Found', attribute: 'secret_id' });
  }
  const zero = await p.open('keyplane_secret_version', { secret_id: empty.id, version: 0 }, { expectError: true });
  expect(zero.errors[0]).toMatchObject({ summary: 'Invalid Secret Version', attribute: 'version' });
});

test('keyplane_api_key: open makes a key with the configured role and labels expiring after ttl; another provider acts with it; close revokes it', async () => {
  const c = service.client;
  const before = Date.now();
  const opened = await p.open('keyplane_api_key', { name: 'ci-run', role: 'viewer', ttl: '30m', labels: { purpose: 'ci' } });
  expect(opened.result.secret).toMatch(/^kp_/);
  const asRun = await inProcessProvider(service, { apiKey: opened.result.secret });
  expect((await asRun.readData('keyplane_scopes', {})).state.names).toContain('keyplane.keys.verify');
  const key = await c.getApiKey(opened.result.id);
  expect(key).toMatchObject({ name: 'ci-run', role: 'viewer', labels: { purpose: 'ci' }, status: 'active' });
  expect(Date.parse(key.expires_at!)).toBe(Date.parse(opened.result.expires_at));
  const ttl = Date.parse(key.expires_at!) - Date.parse(key.created_at);
  expect(ttl).toBeGreaterThan(29 * 60_000);
  expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 1000);
  expect(Date.parse(key.created_at)).toBeGreaterThanOrEqual(before - 1000);
  expect(opened.renewAt).toBeInstanceOf(Date);

  await opened.close();
  expect(await c.getApiKey(opened.result.id)).toMatchObject({ status: 'revoked', revoke_reason: 'ephemeral key closed by Terraform' });
});

test('keyplane_api_key: a ttl that is not a duration, or out of range, is refused naming ttl', async () => {
  for (const [ttl, summary] of [
    ['soon', 'Invalid Duration'],
    ['30s', 'Duration Out Of Range'],
    ['48h', 'Duration Out Of Range'],
  ] as const) {
    const failed = await p.open('keyplane_api_key', { name: 'k', ttl }, { expectError: true });
    expect(failed.errors[0]).toMatchObject({ summary, attribute: 'ttl' });
  }
});

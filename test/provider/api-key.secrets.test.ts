/**
 * keyplane_api_key's secret outputs, in process (test/helpers/in-process) against a real service over HTTP:
 * pgp_key (encrypted_secret decrypts, with the test's private key, to a key that authenticates; bad,
 * corrupt, signing-only, expired and private keys fail at plan naming pgp_key, with no key created) and
 * output_to_secret_store (the version holds a key that authenticates; moving the block keeps the key,
 * removing it replaces the key, destroy destroys the version; an unwritable secret fails at plan; a store
 * failure during apply leaves no live key). The secret is never in a diagnostic or a provider log line.
 * That it stays out of the state file, `show -json` and TF_LOG=trace is shown under Terraform, in
 * test/e2e/keyplane.api-key.secrets.test.ts.
 */
import * as openpgp from 'openpgp';
import { KeyplaneClient } from '../../client';
import { diagnosticText as text, type InProcessProvider, inProcessProvider } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';
import { secretFragmentsIn } from '../helpers/keyplane';
import { faultyProxy } from '../helpers/faulty-proxy';
import { pgpDecrypt, pgpKeyPair } from '../helpers/pgp';

let service: HttpService;
let p: InProcessProvider;
const authenticates = async (secret: string) => (await new KeyplaneClient({ endpoint: service.endpoint, apiKey: secret, retries: 0 }).whoami()).api_key.id;
const keyCount = async () => (await service.client.listApiKeys({ page_size: 100 })).items.length;

beforeAll(async () => {
  service = await startHttpService();
  p = await inProcessProvider(service);
});
afterAll(async () => {
  await service?.stop();
});

test('pgp_key: encrypted_secret decrypts to a key that authenticates; no secret in state, diagnostics or logs', async () => {
  const { publicKey, privateKey } = await pgpKeyPair();
  const k = p.resource('keyplane_api_key', 'k');
  const config = { name: 'pgp', pgp_key: publicKey };
  const plan = await k.plan(config);
  expect(plan.warnings.map((w) => w.summary)).not.toContain('Secret Stored In State');
  const applied = await k.apply(plan);
  const v = applied.state;
  expect(v.secret).toBeNull();
  expect(v.encrypted_secret).toMatch(/^-----BEGIN PGP MESSAGE-----/);
  expect(v.key_fingerprint).toBe((await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase());
  const secret = await pgpDecrypt(v.encrypted_secret, privateKey);
  expect(await authenticates(secret)).toBe(v.id);
  expect(secretFragmentsIn(JSON.stringify(v) + text([...plan.diagnostics, ...applied.diagnostics]) + p.logText(), secret)).toEqual([]);
  expect((await k.plan(config)).action).toBe('no-op');
  await k.destroy();
});

test('pgp_key given as base64 of the binary key works too', async () => {
  const { publicKey, privateKey } = await pgpKeyPair();
  const binary = Buffer.from((await openpgp.readKey({ armoredKey: publicKey })).write()).toString('base64');
  const k = p.resource('keyplane_api_key', 'k');
  const config = { name: 'pgp-binary', pgp_key: binary };
  const v = (await k.apply(config)).state;
  expect(await authenticates(await pgpDecrypt(v.encrypted_secret, privateKey))).toBe(v.id);
  expect((await k.plan(config)).action).toBe('no-op');
  await k.destroy();
});

test.each([
  ['not a key at all', async () => 'hello, world!', /Invalid PGP Key/],
  [
    'armored but corrupt',
    async () => {
      const lines = (await pgpKeyPair()).publicKey.split('\n');
      const body = lines.indexOf('') + 2;
      return [...lines.slice(0, body), ...lines.slice(body + 2)].join('\n');
    },
    /Invalid PGP Key|PGP Key Cannot Encrypt/,
  ],
  ['signing-only', async () => (await pgpKeyPair({ subkeys: [] })).publicKey, /PGP Key Cannot Encrypt/],
  ['expired', async () => (await pgpKeyPair({ date: new Date(Date.now() - 10 * 86400_000), keyExpirationTime: 86400 })).publicKey, /PGP Key Expired/],
  ['a private key', async () => (await pgpKeyPair()).privateKey, /PGP Private Key Given/],
])('a pgp_key that is %s fails at plan naming pgp_key, and no key is created', async (_, make, summary) => {
  const before = await keyCount();
  const failed = await p.resource('keyplane_api_key', 'k').plan({ name: 'bad-pgp', pgp_key: await make() }, { expectError: true });
  expect(text(failed.errors)).toMatch(summary);
  expect(failed.errors.map((e) => e.attribute)).toContain('pgp_key');
  expect(await keyCount()).toBe(before);
});

test('pgp_key with output_to_secret_store is refused at plan', async () => {
  const { publicKey } = await pgpKeyPair();
  const secret = await service.client.createSecret({ name: 'both' });
  const failed = await p
    .resource('keyplane_api_key', 'k')
    .plan({ name: 'both', pgp_key: publicKey, output_to_secret_store: { secret_id: secret.id } }, { expectError: true });
  expect(text(failed.errors)).toMatch(/Conflicting Secret Outputs/);
});

test('output_to_secret_store: an entry_key the store would refuse fails at validate, at entry_key, saying what it may hold', async () => {
  const secret = await service.client.createSecret({ name: 'entry-key-check' });
  const failed = await p
    .resource('keyplane_api_key', 'k')
    .plan({ name: 'bad-entry', output_to_secret_store: { secret_id: secret.id, entry_key: 'api key!' } }, { expectError: true });
  expect(failed.errors).toHaveLength(1);
  expect(failed.errors[0]).toMatchObject({ summary: 'Invalid Attribute Value', attribute: 'output_to_secret_store.entry_key' });
  expect(failed.errors[0]!.detail).toBe('"api key!" is not valid: it must be 1 to 128 letters, digits, _ . or -.');
});

test('output_to_secret_store: the version holds a key that authenticates, moving it keeps the key, removing the block replaces it, destroy destroys the version', async () => {
  const a = await service.client.createSecret({ name: 'store-a' });
  const b = await service.client.createSecret({ name: 'store-b' });
  const k = p.resource('keyplane_api_key', 'k');
  const cfg = (secretId: string, entry?: string) => ({
    name: 'stored',
    output_to_secret_store: { secret_id: secretId, ...(entry ? { entry_key: entry } : {}) },
  });
  const created = await k.apply(cfg(a.id));
  const v = created.state;
  expect(v.secret).toBeNull();
  expect(v.secret_store_version_id).toBe(`${a.id}/1`);
  const stored = (await service.client.readSecretVersion(a.id, 1)).entries!.api_key!;
  expect(await authenticates(stored)).toBe(v.id);
  expect(secretFragmentsIn(JSON.stringify(v) + text(created.diagnostics) + p.logText(), stored)).toEqual([]);
  expect((await k.plan(cfg(a.id))).action).toBe('no-op');

  // Moving: a new version at the new place, the old one destroyed, the same key.
  const move = await k.plan(cfg(b.id, 'token'));
  expect(move.action).toBe('update');
  const moved = (await k.apply(move)).state;
  expect(moved.id).toBe(v.id);
  expect(moved.secret_store_version_id).toBe(`${b.id}/1`);
  expect((await service.client.readSecretVersion(b.id, 1)).entries).toEqual({ token: stored });
  expect(await service.client.readSecretVersion(a.id, 1)).toMatchObject({ entries: {}, destroyed_entries: ['api_key'] });
  expect(secretFragmentsIn(JSON.stringify(moved) + p.logText(), stored)).toEqual([]);
  expect((await k.plan(cfg(b.id, 'token'))).action).toBe('no-op');

  // Removing the block never copies the secret into state: a new key.
  expect((await k.plan({ name: 'stored' })).action).toBe('replace');

  // Destroy deletes the key and destroys the version it wrote.
  await k.destroy();
  await expect(service.client.getApiKey(v.id)).rejects.toMatchObject({ status: 404 });
  expect(await service.client.readSecretVersion(b.id, 1)).toMatchObject({ entries: {}, destroyed_entries: ['token'] });
});

test('a secret the provider key may not write fails at plan, naming secret_id, and no key is created', async () => {
  const user = await service.client.createUser({ email: 'dev@example.com', name: 'Dev', role: 'developer' });
  const devKey = await service.client.createApiKey({ name: 'dev-provider', user_id: user.id });
  const adminsSecret = await service.client.createSecret({ name: 'admins-only' });
  const dev = await inProcessProvider(service, { apiKey: devKey.secret });
  const failed = await dev
    .resource('keyplane_api_key', 'k')
    .plan({ name: 'dev', output_to_secret_store: { secret_id: adminsSecret.id } }, { expectError: true });
  expect(text(failed.errors)).toMatch(/Secret Not Writable/);
  expect(failed.errors.map((e) => e.attribute)).toContain('output_to_secret_store.secret_id');
  expect((await service.client.listApiKeys({ created_by: user.id })).items.map((k) => k.name)).toEqual([]);
});

test('a secret-store failure during apply deletes the new key: no live key, nothing in state', async () => {
  const failing = await service.client.createSecret({ name: 'failing-store' });
  // The real service behind a proxy whose secret store fails writes to this secret, as an overloaded or
  // broken store would.
  const proxy = await faultyProxy(service);
  proxy.fail('POST', `/v1/secrets/${failing.id}/versions`, { status: 503, code: 'unavailable', message: 'the secret store is unavailable' });
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint });
    const k = via.resource('keyplane_api_key', 'k');
    const failed = await k.apply({ name: 'orphan-check', output_to_secret_store: { secret_id: failing.id } }, { expectError: true });
    expect(text(failed.errors)).toMatch(/Cannot Deliver The API Key Secret/);
    expect(text(failed.errors)).toMatch(/The new key\s+was\s+deleted/);
    expect((await service.client.listApiKeys({ name_prefix: 'orphan-check' })).items).toEqual([]);
    expect(k.state).toBeNull();
  } finally {
    await proxy.close();
  }
});

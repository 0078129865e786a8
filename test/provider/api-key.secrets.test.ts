/**
 * keyplane_api_key's secret outputs, in process (test/helpers/in-process) against a real service over HTTP:
 * pgp_key (the service encrypts; encrypted_secret decrypts, with the test's private key, to a key that
 * authenticates; bad, corrupt, signing-only, expired and private keys fail at plan naming pgp_key, with no
 * key created) and output_to_secret_store (the service writes the entry with the key; moving or removing the
 * block replaces the key; destroy removes only the key's entry; an unwritable secret fails at plan; a create
 * whose answer is lost leaves no key the state does not know), and the rotation block (a trigger rotates in
 * place with the overlap asked for, delivered like the first secret; a rotation outside Terraform is seen and
 * redone; bad durations fail at validate). The provider never sees the plaintext in the delivered modes: it
 * is never in a diagnostic or a provider log line.
 * That it stays out of the state file, `show -json` and TF_LOG=trace is shown under Terraform, in
 * test/e2e/keyplane.api-key.secrets.test.ts.
 */
import * as openpgp from 'openpgp';
import { LIMITS } from '../../contract/limits';
import { KeyplaneClient } from '../../client';
import { diagnosticText as text, type InProcessProvider, inProcessProvider, unknown } from '../helpers/in-process';
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
  expect(failed.errors[0]!.detail).toBe(`"api key!" is not valid: it must be ${LIMITS.secretEntries.keyText}.`);
});

test('output_to_secret_store: the service writes the entry with the key; moving or removing the block replaces the key; destroy removes only its entry', async () => {
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
  expect(v.secret_version).toBe(1);
  const stored = (await service.client.readSecretVersion(a.id, 1)).entries!.api_key!;
  expect(await authenticates(stored)).toBe(v.id);
  // The provider asked for delivery and never held the key: not in state, diagnostics or its log.
  expect(secretFragmentsIn(JSON.stringify(v) + text(created.diagnostics) + p.logText(), stored)).toEqual([]);
  expect((await k.plan(cfg(a.id))).action).toBe('no-op');

  // Moving: the provider cannot move a secret it never sees, so a new key is written to the new place and the
  // old key deleted; its entry goes with it.
  const move = await k.plan(cfg(b.id, 'token'));
  expect(move.action).toBe('replace');
  expect(move.replacePaths).toEqual([['output_to_secret_store']]);
  const moved = (await k.apply(move)).state;
  expect(moved.id).not.toBe(v.id);
  expect(moved.secret_store_version_id).toBe(`${b.id}/1`);
  const token = (await service.client.readSecretVersion(b.id, 'latest')).entries!.token!;
  expect(await authenticates(token)).toBe(moved.id);
  await expect(service.client.getApiKey(v.id)).rejects.toMatchObject({ status: 404 });
  expect((await service.client.readSecretVersion(a.id, 'latest')).entries ?? {}).not.toHaveProperty('api_key');
  expect(secretFragmentsIn(JSON.stringify(moved) + p.logText(), token)).toEqual([]);
  expect((await k.plan(cfg(b.id, 'token'))).action).toBe('no-op');

  // Removing the block never copies the secret into state: a new key.
  expect((await k.plan({ name: 'stored' })).action).toBe('replace');

  // Destroy deletes the key, and the service removes its entry (a new version without it); a hand-written
  // entry of the same secret stays.
  await service.client.writeSecretVersion(b.id, { entries: { other: 'kept' } });
  await k.destroy();
  await expect(service.client.getApiKey(moved.id)).rejects.toMatchObject({ status: 404 });
  expect((await service.client.readSecretVersion(b.id, 'latest')).entries).toEqual({ other: 'kept' });
});

test("keys sharing a secret: destroying one leaves every other key's entry in latest", async () => {
  const shared = await service.client.createSecret({ name: 'shared' });
  const keys = ['a', 'b', 'c'].map((n) => ({ n, r: p.resource('keyplane_api_key', n) }));
  const ids: Record<string, string> = {};
  for (const { n, r } of keys) ids[n] = (await r.apply({ name: `shared-${n}`, output_to_secret_store: { secret_id: shared.id, entry_key: n } })).state.id;
  await keys[0]!.r.destroy();
  const latest = (await service.client.readSecretVersion(shared.id, 'latest')).entries!;
  expect(Object.keys(latest).sort()).toEqual(['b', 'c']);
  for (const n of ['b', 'c']) expect(await authenticates(latest[n]!)).toBe(ids[n]);
  for (const { r } of keys.slice(1)) await r.destroy();
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

test('a create whose answer is lost is retried with its Idempotency-Key: one key, delivered once', async () => {
  const secret = await service.client.createSecret({ name: 'lost-answer' });
  const proxy = await faultyProxy(service);
  // The request reaches the service, which commits; the answer is dropped on its way back, once.
  proxy.fail('POST', '/v1/api-keys', 'lose-answer', 1);
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint });
    const k = via.resource('keyplane_api_key', 'k');
    const v = (await k.apply({ name: 'lost-answer', output_to_secret_store: { secret_id: secret.id } })).state;
    expect(proxy.hits('POST', '/v1/api-keys')).toBe(2);
    expect((await service.client.listApiKeys({ name_prefix: 'lost-answer' })).items.map((x) => x.id)).toEqual([v.id]);
    expect(await authenticates((await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!)).toBe(v.id);
  } finally {
    await proxy.close();
  }
});

test('a secret shown only in a lost answer: the replay has none, so the provider rotates once for a secret it can put in state', async () => {
  const proxy = await faultyProxy(service);
  proxy.fail('POST', '/v1/api-keys', 'lose-answer', 1);
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint });
    const v = (await via.resource('keyplane_api_key', 'k').apply({ name: 'lost-plaintext' })).state;
    expect(proxy.hits('POST', '/v1/api-keys')).toBe(2);
    expect(v.secret_version).toBe(2);
    expect(await authenticates(v.secret)).toBe(v.id);
    expect((await service.client.listApiKeys({ name_prefix: 'lost-plaintext' })).items.map((x) => x.id)).toEqual([v.id]);
    // The first secret was never seen by anyone: no overlap keeps it alive.
    expect(v.previous_secret_expires_at).toBeNull();
  } finally {
    await proxy.close();
  }
});

test('a create that ends without an answer leaves a tainted instance; the next plan finds the key it made and the replacement deletes it', async () => {
  const secret = await service.client.createSecret({ name: 'no-answer' });
  const proxy = await faultyProxy(service);
  proxy.fail('POST', '/v1/api-keys', 'lose-answer');
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 1 } });
    const k = via.resource('keyplane_api_key', 'k');
    const config = { name: 'no-answer', output_to_secret_store: { secret_id: secret.id } };
    const failed = await k.apply(config, { expectError: true });
    expect(text(failed.errors)).toMatch(/Cannot Create API Key/);
    expect(text(failed.errors)).toMatch(/tainted/);
    expect(text(failed.errors)).not.toMatch(/bug in the provider/);
    // Partial state: the instance exists without an id (Terraform keeps it tainted).
    expect(k.state).toMatchObject({ id: null, name: 'no-answer' });
    const made = (await service.client.listApiKeys({ name_prefix: 'no-answer' })).items;
    expect(made).toHaveLength(1);

    proxy.fail('POST', '/v1/api-keys', null);
    // Terraform plans a tainted instance as a replacement; the refresh finds the key the lost create made.
    const plan = await k.plan(config, { replace: true });
    expect(plan.before).toMatchObject({ id: made[0]!.id });
    expect(plan.warnings.map((w) => w.summary)).toContain('API Key Found After A Lost Answer');
    const v = (await k.apply(plan)).state;
    expect((await service.client.listApiKeys({ name_prefix: 'no-answer', status: 'active' })).items.map((x) => x.id)).toEqual([v.id]);
    expect(await authenticates((await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!)).toBe(v.id);
    await k.destroy();
  } finally {
    await proxy.close();
  }
});

test('a create refused before it reached the service leaves nothing: no instance, no key', async () => {
  const proxy = await faultyProxy(service);
  proxy.fail('POST', '/v1/api-keys', { status: 400, code: 'invalid_argument', message: 'refused by the test' });
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint });
    const k = via.resource('keyplane_api_key', 'k');
    const failed = await k.apply({ name: 'refused' }, { expectError: true });
    expect(text(failed.errors)).toMatch(/refused by the test/);
    expect(k.state).toBeNull();
    expect((await service.client.listApiKeys({ name_prefix: 'refused' })).items).toEqual([]);
  } finally {
    await proxy.close();
  }
});

test('rotation: a changed trigger rotates in place (same id, new secret at the same entry); both verify during the overlap', async () => {
  const secret = await service.client.createSecret({ name: 'rotated' });
  const k = p.resource('keyplane_api_key', 'k');
  const cfg = (trigger: string) => ({
    name: 'rotated',
    output_to_secret_store: { secret_id: secret.id },
    rotation: { triggers: { v: trigger }, overlap: '1h' },
  });
  const v = (await k.apply(cfg('1'))).state;
  expect(v).toMatchObject({ secret_version: 1, rotated_at: null, previous_secret_expires_at: null });
  const first = (await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!;
  expect((await k.plan(cfg('1'))).action).toBe('no-op');

  const plan = await k.plan(cfg('2'));
  expect(plan.action).toBe('update');
  expect(plan.after).toMatchObject({ id: v.id, secret_version: unknown, secret_store_version_id: unknown, rotated_at: unknown, secret: null });
  const rotated = (await k.apply(plan)).state;
  expect(rotated.id).toBe(v.id);
  expect(rotated.secret_version).toBe(2);
  expect(rotated.secret_store_version_id).not.toBe(v.secret_store_version_id);
  expect(Date.parse(rotated.previous_secret_expires_at) - Date.parse(rotated.rotated_at)).toBe(3_600_000);
  const second = (await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!;
  expect(second).not.toBe(first);
  expect(await authenticates(second)).toBe(v.id);
  expect(await authenticates(first)).toBe(v.id);
  expect(secretFragmentsIn(JSON.stringify(rotated) + p.logText(), second)).toEqual([]);
  expect((await k.plan(cfg('2'))).action).toBe('no-op');

  // Rotated outside Terraform: the refresh sees a secret version Terraform did not deliver, and the plan
  // rotates again with a warning that says so (test/provider/api-key.lost-rotation.test.ts: the same after a
  // rotation Terraform started whose answer was lost).
  await service.client.rotateApiKey(v.id, { overlap_seconds: 60 });
  const again = await k.plan(cfg('2'));
  expect(again.action).toBe('update');
  expect(again.warnings.map((w) => w.summary)).toContain('Key Rotated Since Terraform Delivered Its Secret');
  const after = (await k.apply(again)).state;
  expect(after.secret_version).toBe(4);
  expect(await authenticates((await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!)).toBe(v.id);
  expect((await k.plan(cfg('2'))).action).toBe('no-op');
  await k.destroy();
});

test('rotation with pgp_key and in state: the new secret is delivered the same way, and the old state secret still works in the overlap', async () => {
  const { publicKey, privateKey } = await pgpKeyPair();
  const pgp = p.resource('keyplane_api_key', 'pgp');
  const pcfg = (t: string) => ({ name: 'rot-pgp', pgp_key: publicKey, rotation: { triggers: { v: t } } });
  const a = (await pgp.apply(pcfg('1'))).state;
  const b = (await pgp.apply(pcfg('2'))).state;
  expect(b.id).toBe(a.id);
  expect(b.encrypted_secret).not.toBe(a.encrypted_secret);
  const [s1, s2] = [await pgpDecrypt(a.encrypted_secret, privateKey), await pgpDecrypt(b.encrypted_secret, privateKey)];
  expect(s1).not.toBe(s2);
  expect(await authenticates(s2)).toBe(a.id);
  // The default overlap is 24h.
  expect(await authenticates(s1)).toBe(a.id);
  expect(Date.parse(b.previous_secret_expires_at) - Date.parse(b.rotated_at)).toBe(86_400_000);
  await pgp.destroy();

  const st = p.resource('keyplane_api_key', 'st');
  const scfg = (t: string) => ({ name: 'rot-state', rotation: { triggers: { v: t }, overlap: '0s' } });
  const x = (await st.apply(scfg('1'))).state;
  const plan = await st.plan(scfg('2'));
  expect(plan.after).toMatchObject({ secret: unknown, encrypted_secret: null });
  const y = (await st.apply(plan)).state;
  expect(y.secret).not.toBe(x.secret);
  expect(await authenticates(y.secret)).toBe(x.id);
  // No overlap: the previous secret ends at once.
  await expect(authenticates(x.secret)).rejects.toMatchObject({ status: 401 });
  await st.destroy();
});

test.each([
  ['overlap', 'soon', 'Invalid Duration'],
  ['overlap', '8d', 'Duration Out Of Range'],
  ['rotate_after', '30s', 'Duration Out Of Range'],
])('rotation.%s = %j fails at validate naming it (%s)', async (attr, value, summary) => {
  const failed = await p.resource('keyplane_api_key', 'k').plan({ name: 'bad-rotation', rotation: { [attr]: value } }, { expectError: true });
  expect(failed.errors).toHaveLength(1);
  expect(failed.errors[0]).toMatchObject({ summary, attribute: `rotation.${attr}` });
});

test('adding or removing the rotation block changes settings only: no rotation', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const v = (await k.apply({ name: 'rot-settings' })).state;
  const add = await k.plan({ name: 'rot-settings', rotation: { triggers: { v: '1' } } });
  expect(add.action).toBe('update');
  expect(add.after).toMatchObject({ secret_version: 1, secret: v.secret });
  const added = (await k.apply(add)).state;
  expect(added).toMatchObject({ secret_version: 1, secret: v.secret, rotation: { triggers: { v: '1' }, overlap: '24h' } });
  const remove = await k.plan({ name: 'rot-settings' });
  expect(remove.after).toMatchObject({ secret_version: 1, secret: v.secret });
  expect((await k.apply(remove)).state.secret).toBe(v.secret);
  await k.destroy();
});

test('a secret that cannot be looked up at plan (the service unreachable) is a plan error naming output_to_secret_store.secret_id, not a provider bug', async () => {
  const secret = await service.client.createSecret({ name: 'unreachable-at-plan' });
  const proxy = await faultyProxy(service);
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 0 } });
    proxy.fail('GET', `/v1/secrets/${secret.id}`, 'reset');
    const failed = await via.resource('keyplane_api_key', 'k').plan({ name: 'x', output_to_secret_store: { secret_id: secret.id } }, { expectError: true });
    expect(failed.errors.map((e) => [e.summary, e.attribute])).toEqual([['Cannot Check The Plan', 'output_to_secret_store.secret_id']]);
    expect(text(failed.errors)).not.toMatch(/bug in the provider/);
  } finally {
    await proxy.close();
  }
});

test('a key whose state predates rotation (no delivered version kept) counts as delivered at version 1: a rotation outside Terraform is still seen', async () => {
  const secret = await service.client.createSecret({ name: 'old-state' });
  const k = p.resource('keyplane_api_key', 'k');
  const config = { name: 'old-state', output_to_secret_store: { secret_id: secret.id } };
  const v = (await k.apply(config)).state;
  // What an earlier provider version left: the same state, no private state.
  (k as unknown as { priv: Uint8Array | undefined }).priv = undefined;
  expect((await k.plan(config)).action).toBe('no-op');
  await service.client.rotateApiKey(v.id, { overlap_seconds: 60 });
  const plan = await k.plan(config);
  expect(plan.action).toBe('update');
  expect(plan.warnings.map((w) => w.summary)).toContain('Key Rotated Since Terraform Delivered Its Secret');
  await k.destroy();
});

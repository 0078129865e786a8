/**
 * keyplane_api_key's secret outputs end to end: pgp_key (encrypted_secret decrypts, with the test's private
 * key, to a key that authenticates; bad, corrupt, signing-only and expired keys fail at plan naming pgp_key,
 * with no key created) and output_to_secret_store (the version written holds a key that authenticates; an
 * unwritable secret fails at plan; a store failure during apply leaves no live key; changing the block moves
 * the secret, removing it replaces the key, destroy destroys the version). With either, the secret and every
 * 12-character piece of it stay out of the state file, `show -json` of state and of a saved plan, and the
 * provider's and Terraform's logs at TF_LOG=trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { KeyplaneClient } from '../../client';
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

const hcl = (s: string) => JSON.stringify(s);

async function keyPair(options: Partial<Parameters<typeof openpgp.generateKey>[0]> = {}) {
  return openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Terraform Test', email: 'tf@example.com' }],
    format: 'armored',
    ...options,
  } as never) as unknown as Promise<{ privateKey: string; publicKey: string }>;
}

async function decrypt(armoredMessage: string, privateKey: string): Promise<string> {
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
  });
  return data as string;
}

describeTerraform('keyplane_api_key secret outputs', () => {
  let service: KeyplaneService;
  let ws: KeyplaneWorkspace;
  const authenticates = async (secret: string) => (await new KeyplaneClient({ endpoint: service.endpoint, apiKey: secret, retries: 0 }).whoami()).api_key.id;

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(async () => {
    ws = await KeyplaneWorkspace.create(service);
  });
  afterEach(() => ws.remove());

  /** Plans to a file, applies it, shows both, with TF_LOG=trace into a file; everything Terraform wrote. */
  async function applyTraced(): Promise<string> {
    const env = { TF_LOG: 'trace', TF_LOG_PATH: join(ws.dir, 'trace.log') };
    await ws.terraform(['plan', '-out=tfplan'], { env });
    const planJson = (await ws.terraform(['show', '-json', 'tfplan'])).stdout;
    const apply = await ws.terraform(['apply', 'tfplan'], { env: { ...env, TF_LOG_PATH: join(ws.dir, 'trace-apply.log') } });
    const stateJson = (await ws.terraform(['show', '-json'])).stdout;
    const logs = readFileSync(join(ws.dir, 'trace.log'), 'utf8') + readFileSync(join(ws.dir, 'trace-apply.log'), 'utf8');
    expect(logs).toMatch(/provider\.terraform-provider-keyplane/); // the provider's own log lines are in there
    return [ws.stateFileText(), planJson, stateJson, apply.output, logs].join('\n');
  }

  test('pgp_key: encrypted_secret decrypts to a key that authenticates, and no plaintext is anywhere', async () => {
    const { publicKey, privateKey } = await keyPair();
    ws.writeConfig(`resource "keyplane_api_key" "k" {\n  name    = "pgp"\n  pgp_key = ${hcl(publicKey)}\n}`);
    const everything = await applyTraced();
    const v = await ws.values('keyplane_api_key.k');
    expect(v.secret).toBeNull();
    expect(v.encrypted_secret).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(v.key_fingerprint).toBe((await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase());
    const secret = await decrypt(v.encrypted_secret, privateKey);
    expect(await authenticates(secret)).toBe(v.id);
    expect(secretFragmentsIn(everything, secret)).toEqual([]);
    expect(everything).not.toMatch(/Secret Stored In State/);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('pgp_key given as base64 of the binary key works too', async () => {
    const { publicKey, privateKey } = await keyPair();
    const binary = Buffer.from((await openpgp.readKey({ armoredKey: publicKey })).write()).toString('base64');
    ws.writeConfig(`resource "keyplane_api_key" "k" {\n  name    = "pgp-binary"\n  pgp_key = ${hcl(binary)}\n}`);
    await ws.apply();
    const v = await ws.values('keyplane_api_key.k');
    expect(await authenticates(await decrypt(v.encrypted_secret, privateKey))).toBe(v.id);
    expect((await ws.planIsEmpty()).empty).toBe(true);
  });

  test.each([
    ['not a key at all', async () => 'hello, world!', /Invalid PGP Key/],
    [
      'armored but corrupt',
      async () => {
        const lines = (await keyPair()).publicKey.split('\n');
        const body = lines.indexOf('') + 2;
        return [...lines.slice(0, body), ...lines.slice(body + 2)].join('\n');
      },
      /Invalid PGP Key|PGP Key Cannot Encrypt/,
    ],
    ['signing-only', async () => (await keyPair({ subkeys: [] } as never)).publicKey, /PGP Key Cannot Encrypt/],
    ['expired', async () => (await keyPair({ date: new Date(Date.now() - 10 * 86400_000), keyExpirationTime: 86400 } as never)).publicKey, /PGP Key Expired/],
    ['a private key', async () => (await keyPair()).privateKey, /PGP Private Key Given/],
  ])('a pgp_key that is %s fails at plan naming pgp_key, and no key is created', async (_, make, summary) => {
    const before = (await service.client.listApiKeys({ page_size: 100 })).items.length;
    ws.writeConfig(`resource "keyplane_api_key" "k" {\n  name    = "bad-pgp"\n  pgp_key = ${hcl(await make())}\n}`);
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    expect(r.output).toMatch(summary);
    expect(r.output).toMatch(/with keyplane_api_key\.k,[\s\S]*pgp_key/);
    expect((await service.client.listApiKeys({ page_size: 100 })).items.length).toBe(before);
  });

  test('pgp_key with output_to_secret_store is refused at plan', async () => {
    const { publicKey } = await keyPair();
    const secret = await service.client.createSecret({ name: 'both' });
    ws.writeConfig(
      `resource "keyplane_api_key" "k" {\n  name    = "both"\n  pgp_key = ${hcl(publicKey)}\n  output_to_secret_store {\n    secret_id = "${secret.id}"\n  }\n}`,
    );
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    expect(r.output).toMatch(/Conflicting Secret Outputs/);
  });

  test('output_to_secret_store: the version holds a key that authenticates, moving it keeps the key, removing the block replaces it, destroy destroys the version', async () => {
    const a = await service.client.createSecret({ name: 'store-a' });
    const b = await service.client.createSecret({ name: 'store-b' });
    const cfg = (secretId: string, entry?: string) =>
      `resource "keyplane_api_key" "k" {\n  name = "stored"\n  output_to_secret_store {\n    secret_id = "${secretId}"\n${entry ? `    entry_key = "${entry}"\n` : ''}  }\n}`;
    ws.writeConfig(cfg(a.id));
    const everything = await applyTraced();
    const v = await ws.values('keyplane_api_key.k');
    expect(v.secret).toBeNull();
    expect(v.secret_store_version_id).toBe(`${a.id}/1`);
    const stored = (await service.client.readSecretVersion(a.id, 1)).entries!.api_key!;
    expect(await authenticates(stored)).toBe(v.id);
    expect(secretFragmentsIn(everything, stored)).toEqual([]);
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Moving: a new version at the new place, the old one destroyed, the same key.
    ws.writeConfig(cfg(b.id, 'token'));
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_api_key.k': 'update' });
    expect(secretFragmentsIn(await applyTraced(), stored)).toEqual([]);
    const moved = await ws.values('keyplane_api_key.k');
    expect(moved.id).toBe(v.id);
    expect(moved.secret_store_version_id).toBe(`${b.id}/1`);
    expect((await service.client.readSecretVersion(b.id, 1)).entries).toEqual({ token: stored });
    expect((await service.client.readSecretVersion(a.id, 1)).entries).toBeNull();
    expect((await ws.planIsEmpty()).empty).toBe(true);

    // Removing the block never copies the secret into state: a new key.
    ws.writeConfig(`resource "keyplane_api_key" "k" {\n  name = "stored"\n}`);
    const removal = await ws.savedPlan();
    expect(plannedActions(removal.plan)).toEqual({ 'keyplane_api_key.k': 'replace' });

    // Destroy deletes the key and destroys the version it wrote.
    ws.writeConfig(cfg(b.id, 'token'));
    await ws.terraform(['destroy', '-auto-approve']);
    await expect(service.client.getApiKey(v.id)).rejects.toMatchObject({ status: 404 });
    expect((await service.client.readSecretVersion(b.id, 1)).entries).toBeNull();
  });

  test('a secret the provider key may not write fails at plan, and no key is created', async () => {
    const user = await service.client.createUser({ email: 'dev@example.com', name: 'Dev', role: 'developer' } as never);
    const devKey = await service.client.createApiKey({ name: 'dev-provider', user_id: user.id });
    const adminsSecret = await service.client.createSecret({ name: 'admins-only' });
    const dev = await KeyplaneWorkspace.create(service, { KEYPLANE_API_KEY: devKey.secret });
    try {
      dev.writeConfig(`resource "keyplane_api_key" "k" {\n  name = "dev"\n  output_to_secret_store {\n    secret_id = "${adminsSecret.id}"\n  }\n}`);
      const r = await dev.terraform(['plan'], { expectCode: [1] });
      expect(r.output).toMatch(/Secret Not Writable/);
      expect(r.output).toMatch(/with keyplane_api_key\.k,[\s\S]*secret_id/);
      expect((await service.client.listApiKeys({ created_by: user.id })).items.map((k) => k.name)).toEqual([]);
    } finally {
      dev.remove();
    }
  });

  test('a secret-store failure during apply deletes the new key: no live key, nothing in state', async () => {
    const failing = await service.client.createSecret({ name: 'failing-store' });
    // The real service behind a proxy whose secret store fails writes to this secret, as an overloaded or
    // broken store would.
    const proxy = await faultyProxy(service);
    proxy.fail('POST', `/v1/secrets/${failing.id}/versions`, { status: 503, code: 'unavailable', message: 'the secret store is unavailable' });
    const viaProxy = await KeyplaneWorkspace.create(service, { KEYPLANE_ENDPOINT: proxy.endpoint });
    try {
      viaProxy.writeConfig(`resource "keyplane_api_key" "k" {\n  name = "orphan-check"\n  output_to_secret_store {\n    secret_id = "${failing.id}"\n  }\n}`);
      const r = await viaProxy.terraform(['apply', '-auto-approve'], { expectCode: [1] });
      expect(r.output).toMatch(/Cannot Deliver The API Key Secret/);
      expect(r.output).toMatch(/The new key\s+was\s+deleted/);
      expect((await service.client.listApiKeys({ name_prefix: 'orphan-check' })).items).toEqual([]);
      expect(viaProxy.stateFileText()).not.toMatch(/orphan-check/);
    } finally {
      viaProxy.remove();
      await proxy.close();
    }
  });
});

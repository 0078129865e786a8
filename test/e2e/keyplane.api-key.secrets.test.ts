/**
 * keyplane_api_key's secret outputs under the real terraform, against a real `keyplane server`: with pgp_key
 * or output_to_secret_store, the secret and every 12-character piece of it stay out of the state file,
 * `show -json` of state and of a saved plan, and the provider's and Terraform's logs at TF_LOG=trace; a
 * store that fails during apply leaves neither a live key nor the key in the state file Terraform writes.
 * Every plan and apply branch of the two (bad PGP keys, moving and removing the block, an unwritable secret,
 * a failing store) is tested in process in test/provider/api-key.secrets.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { KeyplaneClient } from '../../client';
import { describeTerraform, plannedActions, type Workspace } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';
import { pgpDecrypt, pgpKeyPair } from '../helpers/pgp';
import { faultyProxy } from '../helpers/faulty-proxy';

jest.setTimeout(240_000);

const hcl = (s: string) => JSON.stringify(s);

describeTerraform('keyplane_api_key secret outputs', () => {
  let service: KeyplaneService;
  let ws: Workspace;
  const authenticates = async (secret: string) => (await new KeyplaneClient({ endpoint: service.endpoint, apiKey: secret, retries: 0 }).whoami()).api_key.id;

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(async () => {
    ws = keyplaneWorkspace(service);
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
    const { publicKey, privateKey } = await pgpKeyPair();
    ws.writeConfig(`resource "keyplane_api_key" "k" {\n  name    = "pgp"\n  pgp_key = ${hcl(publicKey)}\n}`);
    const everything = await applyTraced();
    const v = await ws.values('keyplane_api_key.k');
    expect(v.secret).toBeNull();
    expect(v.encrypted_secret).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(v.key_fingerprint).toBe((await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase());
    const secret = await pgpDecrypt(v.encrypted_secret, privateKey);
    expect(await authenticates(secret)).toBe(v.id);
    expect(secretFragmentsIn(everything, secret)).toEqual([]);
    expect(everything).not.toMatch(/Secret Stored In State/);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('output_to_secret_store: the key in the version authenticates, and neither it nor the moved one is anywhere Terraform writes', async () => {
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

    // Moving: a new version at the new place, the same key, still nowhere in what Terraform writes.
    ws.writeConfig(cfg(b.id, 'token'));
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_api_key.k': 'update' });
    expect(secretFragmentsIn(await applyTraced(), stored)).toEqual([]);
    const moved = await ws.values('keyplane_api_key.k');
    expect(moved.id).toBe(v.id);
    expect(moved.secret_store_version_id).toBe(`${b.id}/1`);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('a secret-store failure during apply deletes the new key: no live key, and nothing in the state file', async () => {
    const failing = await service.client.createSecret({ name: 'failing-store' });
    // The real service behind a proxy whose secret store fails writes to this secret, as a broken store would.
    const proxy = await faultyProxy(service);
    proxy.fail('POST', `/v1/secrets/${failing.id}/versions`, { status: 503, code: 'unavailable', message: 'the secret store is unavailable' });
    const viaProxy = keyplaneWorkspace(service, { KEYPLANE_ENDPOINT: proxy.endpoint });
    try {
      viaProxy.writeConfig(
        `provider "keyplane" {\n  max_retries = 0\n}\n\nresource "keyplane_api_key" "k" {\n  name = "orphan-check"\n  output_to_secret_store {\n    secret_id = "${failing.id}"\n  }\n}`,
      );
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

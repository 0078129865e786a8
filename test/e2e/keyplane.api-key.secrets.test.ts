/**
 * keyplane_api_key's secret outputs under the real terraform, against a real `keyplane server`: with pgp_key
 * or output_to_secret_store the service delivers, and the secret and every 12-character piece of it stay out
 * of the state file, `show -json` of state and of a saved plan, and the provider's and Terraform's logs at
 * TF_LOG=trace, also across a replacement that moves the key and a rotation; a create whose answer never
 * comes back leaves a tainted instance, and the next apply ends with exactly the key the state holds.
 * Every plan and apply branch of the two (bad PGP keys, moving and removing the block, an unwritable secret,
 * lost answers, rotation) is tested in process in test/provider/api-key.secrets.test.ts.
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

  test('output_to_secret_store: the key in the entry authenticates, and neither it nor its replacement elsewhere is anywhere Terraform writes', async () => {
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

    // Another place: the provider never saw the secret, so a new key is delivered there and the old one deleted.
    ws.writeConfig(cfg(b.id, 'token'));
    expect(plannedActions((await ws.savedPlan()).plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
    const again = await applyTraced();
    const moved = await ws.values('keyplane_api_key.k');
    expect(moved.id).not.toBe(v.id);
    expect(moved.secret_store_version_id).toBe(`${b.id}/1`);
    const token = (await service.client.readSecretVersion(b.id, 'latest')).entries!.token!;
    expect(await authenticates(token)).toBe(moved.id);
    expect(secretFragmentsIn(again, stored)).toEqual([]);
    expect(secretFragmentsIn(again, token)).toEqual([]);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('rotation in place: the plan is an update with the id unchanged; both secrets verify during the overlap; none is anywhere Terraform writes', async () => {
    const secret = await service.client.createSecret({ name: 'rotating' });
    const { publicKey, privateKey } = await pgpKeyPair();
    const cfg = (t: string) =>
      `resource "keyplane_api_key" "store" {\n  name = "rot-store"\n  output_to_secret_store {\n    secret_id = "${secret.id}"\n  }\n  rotation {\n    triggers = { v = "${t}" }\n    overlap  = "1h"\n  }\n}\n` +
      `resource "keyplane_api_key" "pgp" {\n  name    = "rot-pgp"\n  pgp_key = ${hcl(publicKey)}\n  rotation {\n    triggers = { v = "${t}" }\n  }\n}\n`;
    ws.writeConfig(cfg('1'));
    const first = await applyTraced();
    const s0 = await ws.values('keyplane_api_key.store');
    const p0 = await ws.values('keyplane_api_key.pgp');
    const storeOld = (await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!;
    const pgpOld = await pgpDecrypt(p0.encrypted_secret, privateKey);

    ws.writeConfig(cfg('2'));
    const { plan } = await ws.savedPlan();
    expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.store': 'update', 'keyplane_api_key.pgp': 'update' });
    const change = plan.resource_changes!.find((c) => c.address === 'keyplane_api_key.store')!.change as {
      after: Record<string, unknown>;
      after_unknown: Record<string, unknown>;
    };
    expect(change.after.id).toBe(s0.id);
    expect(change.after_unknown).toMatchObject({ secret_version: true, secret_store_version_id: true });
    const second = await applyTraced();
    const s1 = await ws.values('keyplane_api_key.store');
    const p1 = await ws.values('keyplane_api_key.pgp');
    expect([s1.id, p1.id]).toEqual([s0.id, p0.id]);
    expect([s1.secret_version, p1.secret_version]).toEqual([2, 2]);
    const storeNew = (await service.client.readSecretVersion(secret.id, 'latest')).entries!.api_key!;
    const pgpNew = await pgpDecrypt(p1.encrypted_secret, privateKey);
    expect(storeNew).not.toBe(storeOld);
    expect(pgpNew).not.toBe(pgpOld);
    // The overlap: old and new both authenticate as the same key.
    for (const k of [storeOld, storeNew]) expect(await authenticates(k)).toBe(s0.id);
    for (const k of [pgpOld, pgpNew]) expect(await authenticates(k)).toBe(p0.id);
    const all = first + second;
    for (const k of [storeOld, storeNew, pgpOld, pgpNew]) expect(secretFragmentsIn(all, k)).toEqual([]);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test('a create whose answer never comes back leaves a tainted instance; the next apply ends with exactly the key in state', async () => {
    const store = await service.client.createSecret({ name: 'lost-answers' });
    // The real service behind a proxy that lets creates through and drops every answer.
    const proxy = await faultyProxy(service);
    proxy.fail('POST', '/v1/api-keys', 'lose-answer');
    const viaProxy = keyplaneWorkspace(service, { KEYPLANE_ENDPOINT: proxy.endpoint });
    try {
      viaProxy.writeConfig(
        `provider "keyplane" {\n  max_retries = 1\n}\n\nresource "keyplane_api_key" "k" {\n  name = "orphan-check"\n  output_to_secret_store {\n    secret_id = "${store.id}"\n  }\n}`,
      );
      const r = await viaProxy.terraform(['apply', '-auto-approve'], { expectCode: [1] });
      expect(r.output).toMatch(/Cannot Create API Key/);
      expect(r.output).not.toMatch(/bug in the provider/);
      const made = (await service.client.listApiKeys({ name_prefix: 'orphan-check' })).items;
      expect(made).toHaveLength(1);
      // The instance is in state, tainted, without an id.
      const state = JSON.parse(viaProxy.stateFileText()) as { resources: { instances: { status?: string; attributes: { id: string | null } }[] }[] };
      expect(state.resources[0]!.instances[0]).toMatchObject({ status: 'tainted', attributes: { id: null } });

      proxy.fail('POST', '/v1/api-keys', null);
      const { plan, result } = await viaProxy.savedPlan();
      expect(plannedActions(plan)).toEqual({ 'keyplane_api_key.k': 'replace' });
      expect(result.output).toMatch(/API Key Found After A Lost Answer/);
      await viaProxy.terraform(['apply', 'tfplan']);
      const v = await viaProxy.values('keyplane_api_key.k');
      expect((await service.client.listApiKeys({ name_prefix: 'orphan-check', status: 'active' })).items.map((k) => k.id)).toEqual([v.id]);
      await expect(service.client.getApiKey(made[0]!.id)).rejects.toMatchObject({ status: 404 });
      expect(await authenticates((await service.client.readSecretVersion(store.id, 'latest')).entries!.api_key!)).toBe(v.id);
      expect((await viaProxy.planIsEmpty()).empty).toBe(true);
      await viaProxy.terraform(['destroy', '-auto-approve']);
    } finally {
      viaProxy.remove();
      await proxy.close();
    }
  });
});

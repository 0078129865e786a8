/**
 * The ephemeral resources under the real terraform against a real `keyplane server`: keyplane_secret_version
 * reads a secret's entries into another provider's configuration and into another provider's write-only
 * argument; keyplane_api_key makes a key for each walk and revokes it when Terraform closes it. Every saved
 * plan and state is scanned: the values never appear in them. Open and close, and every check of the two,
 * are tested in process in test/provider/ephemeral.test.ts; renew in provider/keyplane/ephemeral/api-key.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListApiKeysQuery } from '../../client';
import { describeTerraform, diagnostics, type Workspace } from '../helpers/terraform';
import { conformanceUnderTest } from '../helpers/conformance';
import { type KeyplaneService, keyplaneWorkspace, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';
import { afterLastUse } from '../helpers/last-use';
import { example } from '../helpers/examples';

jest.setTimeout(240_000);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describeTerraform('keyplane ephemeral resources', () => {
  let service: KeyplaneService;
  const workspaces: Workspace[] = [];
  const workspace = () => {
    const ws = keyplaneWorkspace(service);
    workspaces.push(ws);
    return ws;
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

  /** Saved plan (binary and `show -json`), state file and `show -json` of the state: everything Terraform keeps. */
  async function everythingKept(ws: Workspace): Promise<string> {
    await ws.terraform(['plan', '-out=scan.tfplan']);
    const planJson = (await ws.terraform(['show', '-json', 'scan.tfplan'])).stdout;
    const planBinary = readFileSync(join(ws.dir, 'scan.tfplan')).toString('latin1');
    return [planJson, planBinary, ws.stateFileText(), (await ws.terraform(['show', '-json'])).stdout].join('\n');
  }

  test('keyplane_secret_version: the example configures a provider with a stored key, which never enters plan or state', async () => {
    const c = service.client;
    const reporter = await c.createApiKey({ name: 'reporter', role: 'viewer' });
    const secret = await c.createSecret({ name: 'reporter-credentials' });
    await c.writeSecretVersion(secret.id, { entries: { api_key: reporter.secret! } });

    const ws = await workspace();
    ws.writeConfig(example('ephemeral-resources/keyplane_secret_version/ephemeral-resource.tf'));
    ws.write({ 'terraform.tfvars': `secret_id = "${secret.id}"\n` });
    const applied = await ws.apply();
    expect(applied.output).toMatch(/ephemeral\.keyplane_secret_version\.reporter: Opening/);
    expect((await ws.values('data.keyplane_scopes.as_reporter')).names).toContain('keyplane.keys.verify');
    // The second provider instance really acted with the stored key.
    expect((await afterLastUse(c, reporter.api_key.id)).last_used_at).not.toBeNull();
    const reads = (await c.listAuditEvents({ action: 'secret.read', target_id: secret.id })).items;
    expect(reads.length).toBeGreaterThanOrEqual(1);

    expect(secretFragmentsIn(await everythingKept(ws), reporter.secret!)).toEqual([]);
    expect((await ws.planIsEmpty()).empty).toBe(true);
    await ws.terraform(['destroy', '-auto-approve']);
  });

  test("keyplane_secret_version: entries feed another provider's write-only argument; a given version reads that version", async () => {
    const c = service.client;
    const secret = await c.createSecret({ name: 'db-password' });
    await c.writeSecretVersion(secret.id, { entries: { password: 'first-password-value-1' } });
    await c.writeSecretVersion(secret.id, { entries: { password: 'second-password-value-2' } });
    // Two providers in one configuration: keyplane, and the conformance provider, whose
    // conformance_thing.password_wo is a write-only argument that records the SHA-256 of what it received.
    const storeDir = mkdtempSync(join(tmpdir(), 'keyplane-conformance-store-'));
    const ws = keyplaneWorkspace(service, {}, conformanceUnderTest(storeDir, { providerBlock: false }));
    try {
      const config = (version: string) =>
        `ephemeral "keyplane_secret_version" "db" {\n  secret_id = "${secret.id}"\n${version}}\n\n` +
        `resource "conformance_thing" "db" {\n  name             = "db"\n  password_wo      = ephemeral.keyplane_secret_version.db.entries["password"]\n  password_version = 1\n}\n`;
      ws.writeConfig(config(''));
      await ws.apply();
      const thing = () => {
        const [file] = readdirSync(join(storeDir, 'things'));
        return JSON.parse(readFileSync(join(storeDir, 'things', file!), 'utf8')) as { password_sha256: string };
      };
      // The latest version reached the write-only argument.
      expect(thing().password_sha256).toBe(sha256('second-password-value-2'));
      const kept = [ws.stateFileText(), (await ws.terraform(['show', '-json'])).stdout].join('\n');
      expect(kept).not.toMatch(/password-value/);

      // Version 1, sent again by bumping password_version.
      ws.writeConfig(config('  version   = 1\n').replace('password_version = 1', 'password_version = 2'));
      await ws.terraform(['plan', '-out=v1.tfplan']);
      expect((await ws.terraform(['show', '-json', 'v1.tfplan'])).stdout).not.toMatch(/password-value/);
      await ws.terraform(['apply', 'v1.tfplan']);
      expect(thing().password_sha256).toBe(sha256('first-password-value-1'));

      // A destroyed version is an error at version, saying its entries are gone.
      await c.destroySecretVersion(secret.id, 1);
      ws.writeConfig(config('  version   = 1\n').replace('password_version = 1', 'password_version = 3'));
      const destroyed = await ws.terraform(['plan'], { expectCode: [1] });
      expect(diagnostics(destroyed.output).find((d) => d.severity === 'Error')).toMatchObject({
        summary: 'Secret Version Destroyed',
        source: 'version   = 1',
      });
      ws.writeConfig(config(''));
      await ws.terraform(['destroy', '-auto-approve']);
    } finally {
      ws.remove();
      rmSync(storeDir, { recursive: true, force: true });
    }
  });

  test('keyplane_api_key: the example makes a short-lived key per walk, acts with it, and revokes it on close', async () => {
    const c = service.client;
    const ws = await workspace();
    ws.writeConfig(example('ephemeral-resources/keyplane_api_key/ephemeral-resource.tf'));
    const before = Date.now();
    await ws.terraform(['plan', '-out=tfplan']);
    await ws.terraform(['apply', 'tfplan']);
    expect((await ws.values('data.keyplane_scopes.as_ci_run')).names).toContain('keyplane.keys.verify');

    const keys = [];
    for await (const k of c.listAll(c.listApiKeys, { name_prefix: 'ci-run' } as ListApiKeysQuery)) keys.push(k);
    // One per walk that opened it (plan, apply), each revoked when Terraform closed it.
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) {
      expect(k).toMatchObject({
        name: 'ci-run',
        role: 'viewer',
        labels: { purpose: 'ci' },
        status: 'revoked',
        revoke_reason: 'ephemeral key closed by Terraform',
      });
      const ttl = Date.parse(k.expires_at!) - Date.parse(k.created_at);
      expect(ttl).toBeGreaterThan(29 * 60_000);
      expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 1000);
      expect(Date.parse(k.created_at)).toBeGreaterThanOrEqual(before - 1000);
    }
    // The provider instance configured with the key used it.
    const used = await (async () => {
      for (let i = 0; i < 100; i++) {
        const all = await Promise.all(keys.map((k) => c.getApiKey(k.id)));
        if (all.some((k) => k.last_used_at !== null)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    })();
    expect(used).toBe(true);

    const kept = await everythingKept(ws);
    expect(kept).not.toMatch(/kp_[0-9A-Za-z]{20}/);
    for (const k of keys) expect(kept).not.toContain(k.id);
    for await (const k of c.listAll(c.listApiKeys, { name_prefix: 'ci-run', status: 'active' } as ListApiKeysQuery))
      throw new Error(`key ${k.id} was left active`);
    await ws.terraform(['destroy', '-auto-approve']);
  });
});

/**
 * The keyplane provider's and keyplane_api_key's examples (examples/provider, examples/resources/
 * keyplane_api_key), applied and destroyed as written against a real service; import.sh's command run with a
 * real id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgpDecrypt, pgpKeyPair } from '../helpers/pgp';
import { KeyplaneClient } from '../../client';
import { describeTerraform, plannedActions } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { ROOT } from '../helpers/root';

jest.setTimeout(240_000);

const example = (path: string) => readFileSync(join(ROOT, 'examples', path), 'utf8');

describeTerraform('keyplane_api_key examples', () => {
  let service: KeyplaneService;
  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('provider.tf and resource.tf apply, plan nothing more, deliver working keys, import by id and destroy', async () => {
    const { publicKey, privateKey } = await pgpKeyPair({ userIDs: [{ name: 'On-call' }] });
    // The example's provider block takes the key from its ephemeral variable; the endpoint from the environment.
    const ws = keyplaneWorkspace(service, { KEYPLANE_API_KEY: undefined, TF_VAR_keyplane_api_key: service.adminKey });
    try {
      ws.writeConfig('');
      ws.write({
        'provider.tf': example('provider/provider.tf'),
        'resource.tf': example('resources/keyplane_api_key/resource.tf'),
        'oncall.pub.asc': publicKey,
      });
      await ws.apply();
      expect((await ws.planIsEmpty()).empty).toBe(true);

      const deployer = await ws.values('keyplane_api_key.deployer');
      expect(deployer.secret).toBeNull();
      const [secretId, version] = deployer.secret_store_version_id.split('/');
      const stored = (await service.client.readSecretVersion(secretId, Number(version))).entries!.KEYPLANE_API_KEY!;
      expect((await new KeyplaneClient({ endpoint: service.endpoint, apiKey: stored }).whoami()).api_key.id).toBe(deployer.id);

      const oncall = await ws.values('keyplane_api_key.oncall');
      const data = await pgpDecrypt(oncall.encrypted_secret, privateKey);
      const whoami = await new KeyplaneClient({ endpoint: service.endpoint, apiKey: data as string }).whoami();
      expect(whoami.api_key).toMatchObject({ id: oncall.id, role: 'viewer' });

      // import.sh, with a real id.
      await ws.terraform(['state', 'rm', 'keyplane_api_key.oncall']);
      const line = example('resources/keyplane_api_key/import.sh')
        .split('\n')
        .find((l) => l.startsWith('terraform import'))!;
      const [, , address] = line.split(/\s+/);
      const oncallImport = line.replace('keyplane_api_key.deployer', 'keyplane_api_key.oncall');
      expect(address).toBe('keyplane_api_key.deployer');
      const args = oncallImport.split(/\s+/).slice(1, -1).concat(oncall.id);
      const imported = await ws.terraform(args);
      expect(imported.output).toMatch(/API Key Secret Cannot Be Recovered/);
      // pgp_key is not known to the service: the imported key adopts it in place (its secret cannot be
      // delivered any more) rather than being rotated, and the plan says so.
      const afterImport = await ws.savedPlan();
      expect(plannedActions(afterImport.plan)).toEqual({ 'keyplane_api_key.oncall': 'update' });
      expect(afterImport.result.output).toMatch(/Secret Of An Imported Key Is Not Delivered/);

      await ws.terraform(['destroy', '-auto-approve']);
      await expect(service.client.getApiKey(deployer.id)).rejects.toMatchObject({ status: 404 });
      await expect(service.client.getApiKey(oncall.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      ws.remove();
    }
  });
});

/**
 * schemas/keyplane.json is what Terraform itself prints: `terraform providers schema -json` on the bundled
 * provider, compared with the checked-in file (which the generated-files test keeps equal to the code).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER_ADDRESS } from '../../provider/keyplane/address';
import { describeTerraform } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { ROOT } from '../helpers/root';

jest.setTimeout(120_000);

describeTerraform('schemas/keyplane.json', () => {
  let service: KeyplaneService;
  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('equals `terraform providers schema -json` for the provider, field for field', async () => {
    const ws = keyplaneWorkspace(service);
    try {
      ws.writeConfig('provider "keyplane" {}');
      const printed = JSON.parse((await ws.terraform(['providers', 'schema', '-json'])).stdout) as { provider_schemas: Record<string, unknown> };
      const file = JSON.parse(readFileSync(join(ROOT, 'schemas/keyplane.json'), 'utf8')) as {
        format_version: string;
        provider_schemas: Record<string, unknown>;
      };
      expect(Object.keys(printed.provider_schemas)).toEqual([PROVIDER_ADDRESS]);
      expect(file.format_version).toBe('1.0');
      expect(file.provider_schemas[PROVIDER_ADDRESS]).toEqual(printed.provider_schemas[PROVIDER_ADDRESS]);
      // The file holds every type Terraform knows of, so bindings and docs miss none.
      const kinds = file.provider_schemas[PROVIDER_ADDRESS] as Record<string, Record<string, unknown>>;
      expect(Object.keys(kinds.resource_schemas!).sort()).toEqual([
        'keyplane_api_key',
        'keyplane_ip_allow_list',
        'keyplane_secret',
        'keyplane_service_account',
      ]);
      expect(Object.keys(kinds.data_source_schemas!).sort()).toEqual(['keyplane_api_key', 'keyplane_api_keys', 'keyplane_scopes', 'keyplane_service_account']);
      expect(Object.keys(kinds.ephemeral_resource_schemas!).sort()).toEqual(['keyplane_api_key', 'keyplane_secret_version']);
    } finally {
      ws.remove();
    }
  });
});

/**
 * The keyplane provider's configuration under the real terraform, against a real `keyplane server`: what
 * only Terraform shows. A configure-time error rendered in the provider block; the key from an ephemeral
 * variable; a missing key reported once; a rejected key reported once and absent from everything
 * TF_LOG=trace writes. Retries, the schema and every configure-time check are tested in process in
 * test/provider/provider-config.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeTerraform } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';

jest.setTimeout(240_000);

const key = (body: string) => `resource "keyplane_api_key" "k" {\n${body}\n}\n`;

describeTerraform('keyplane provider configuration under Terraform', () => {
  let service: KeyplaneService;
  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('a rejected key is reported once, naming what to check, and never printed, not even at TF_LOG=trace', async () => {
    const sa = await service.client.createServiceAccount({ name: 'revoked-provider' });
    const made = await service.client.createApiKey({ name: 'p', service_account_id: sa.id });
    await service.client.revokeApiKey(made.api_key.id);
    const ws = keyplaneWorkspace(service, { KEYPLANE_API_KEY: undefined });
    try {
      ws.writeConfig(
        `variable "kp_key" {\n  type      = string\n  sensitive = true\n}\n\nprovider "keyplane" {\n  api_key = var.kp_key\n}\n\n${key('  name = "a"')}\n${key('  name = "b"').replace('"k"', '"k2"')}`,
      );
      const log = join(ws.dir, 'trace.log');
      const r = await ws.terraform(['plan'], { expectCode: [1], env: { TF_VAR_kp_key: made.secret, TF_LOG: 'trace', TF_LOG_PATH: log } });
      expect(r.output.match(/Keyplane API Key Rejected/g)).toHaveLength(1);
      expect(r.output).toMatch(/has not been revoked or\s+expired/);
      expect(secretFragmentsIn(r.output + readFileSync(log, 'utf8'), made.secret!)).toEqual([]);
    } finally {
      ws.remove();
    }
  });

  test('a configure-time error is shown in the provider block, naming the field', async () => {
    const ws = keyplaneWorkspace(service);
    try {
      ws.writeConfig(`provider "keyplane" {\n  endpoint = "${service.endpoint}"\n  request_timeout_seconds = -1\n}\n\n${key('  name = "a"')}`);
      const r = await ws.terraform(['plan'], { expectCode: [1] });
      expect(r.output).toMatch(/Invalid Request Timeout/);
      expect(r.output).toMatch(/in provider "keyplane"[\s\S]*request_timeout_seconds/);
    } finally {
      ws.remove();
    }
  });

  test('endpoint and api_key come from the provider block, the key from an ephemeral-capable variable', async () => {
    const ws = keyplaneWorkspace(service, { KEYPLANE_API_KEY: undefined, KEYPLANE_ENDPOINT: undefined });
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

  test('a missing key is reported once for the whole configuration, at configure time, with what to set', async () => {
    const ws = keyplaneWorkspace(service, { KEYPLANE_API_KEY: undefined });
    try {
      ws.writeConfig(`${key('  name = "a"')}\n${key('  name = "b"').replace('"k"', '"k2"')}`);
      const r = await ws.terraform(['plan'], { expectCode: [1] });
      expect(r.output.match(/Missing Keyplane API Key/g)).toHaveLength(1);
      expect(r.output).toMatch(/KEYPLANE_API_KEY/);
    } finally {
      ws.remove();
    }
  });
});

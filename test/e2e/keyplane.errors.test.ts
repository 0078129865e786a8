/**
 * A service that goes away during `terraform apply`, under the real terraform against a real `keyplane
 * server`: the provider configures, then the service stops answering at the first key it is asked to create
 * (test/helpers/tcp-gate.ts closes its port there, so every later connection is refused). Terraform shows
 * what happened, "cannot reach the Keyplane service … (connection refused): is it running?", and nothing says
 * "bug in the provider". Every fault and every operation is tested in process in test/provider/errors.test.ts.
 */
import { describeTerraform } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';
import { type TcpGate, tcpGate } from '../helpers/tcp-gate';

jest.setTimeout(240_000);

describeTerraform('a service that stops during apply', () => {
  let service: KeyplaneService;
  let gate: TcpGate;
  beforeAll(async () => {
    service = await startKeyplaneService();
    gate = await tcpGate(service.endpoint);
  });
  afterAll(async () => {
    await gate?.close();
    await service?.stop();
  });

  test('a refused connection during apply is reported as "cannot reach", never as a provider bug', async () => {
    const secret = await service.client.createSecret({ name: 'errors-e2e' });
    const ws = keyplaneWorkspace(service, { KEYPLANE_ENDPOINT: gate.endpoint });
    try {
      ws.writeConfig(
        `provider "keyplane" {\n  max_retries = 1\n}\n\n` +
          `resource "keyplane_api_key" "stored" {\n  count = 4\n  name  = "stored-\${count.index}"\n  output_to_secret_store {\n    secret_id = "${secret.id}"\n    entry_key = "k\${count.index}"\n  }\n}\n\n` +
          `resource "keyplane_service_account" "sa" {\n  count = 2\n  name  = "errors-e2e-\${count.index}"\n}\n`,
      );
      gate.closeOnRequest('POST /v1/api-keys ');
      const r = await ws.terraform(['apply', '-auto-approve'], { expectCode: [1] });
      await gate.closed();
      const output = r.output.replace(/\s+/g, ' ');
      expect(output).toMatch(
        new RegExp(`Cannot reach the Keyplane service at ${gate.endpoint.replace(/\./g, '\\.')} \\(connection refused\\)[^:]*: is it running\\?`),
      );
      expect(output).not.toMatch(/bug in the provider|Unexpected Provider Error/i);
      expect(secretFragmentsIn(r.output, service.adminKey)).toEqual([]);
    } finally {
      ws.remove();
    }
  });
});

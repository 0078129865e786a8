/**
 * A service that goes away during `terraform apply`, under the real terraform against a real `keyplane
 * server`: the provider configures, then the service stops answering (test/helpers/tcp-gate.ts closes its
 * port at a chosen request, so every later connection is refused), either at the first key it is asked to
 * create or while apply plans the keys again. Terraform shows what happened, "cannot reach the Keyplane
 * service … (connection refused): is it running?", and nothing says "bug in the provider". Every fault and
 * every operation is tested in process in test/provider/errors.test.ts.
 */
import { describeTerraform } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';
import { tcpGate } from '../helpers/tcp-gate';

jest.setTimeout(240_000);

describeTerraform('a service that stops during apply', () => {
  let service: KeyplaneService;
  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  // Four keys delivered to the secret store (their plan asks the service whether the secret is writable)
  // and two service accounts.
  const config = (secretId: string, tag: string) =>
    `provider "keyplane" {\n  max_retries = 1\n}\n\n` +
    `resource "keyplane_api_key" "stored" {\n  count = 4\n  name  = "${tag}-\${count.index}"\n  output_to_secret_store {\n    secret_id = "${secretId}"\n    entry_key = "k\${count.index}"\n  }\n}\n\n` +
    `resource "keyplane_service_account" "sa" {\n  count = 2\n  name  = "${tag}-\${count.index}"\n}\n`;

  test.each([
    // The first create of a key: that request is dropped, every later one refused.
    ['at the first create', 'POST /v1/api-keys ', 1],
    // -auto-approve plans each key once (4 secret lookups), then plans it again just before applying it:
    // the first of those lookups is dropped, the others refused.
    ['while apply plans the keys again', 'GET /v1/secrets/', 5],
  ])('a refused connection during apply (%s) is reported as "cannot reach", never as a provider bug', async (_when, request, nth) => {
    const tag = `errors-${nth}`;
    const secret = await service.client.createSecret({ name: tag });
    const gate = await tcpGate(service.endpoint);
    const ws = keyplaneWorkspace(service, { KEYPLANE_ENDPOINT: gate.endpoint });
    try {
      ws.writeConfig(config(secret.id, tag));
      gate.closeOnRequest(request, nth);
      // One operation at a time, so the requests after the dropped one open new connections, and are refused.
      const r = await ws.terraform(['apply', '-auto-approve', '-parallelism=1'], { expectCode: [1] });
      await gate.closed();
      const output = r.output.replace(/\s+/g, ' ');
      expect(output).toMatch(/Apply complete|Creating\.\.\./);
      expect(output).toMatch(
        new RegExp(`Cannot reach the Keyplane service at ${gate.endpoint.replace(/\./g, '\\.')} \\(connection refused\\)[^:]*: is it running\\?`),
      );
      expect(output).not.toMatch(/bug in the provider|Unexpected Provider Error/i);
      expect(secretFragmentsIn(r.output, service.adminKey)).toEqual([]);
    } finally {
      ws.remove();
      await gate.close();
    }
  });
});

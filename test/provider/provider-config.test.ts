/**
 * The keyplane provider's configuration, in process (test/helpers/in-process) against a real service over
 * HTTP: retries, the schema's sensitive attributes and descriptions, and every configure-time error reported
 * once, at the field it is about. The rendering in Terraform's output, a key given through an ephemeral
 * variable and a rejected key absent from TF_LOG=trace are in test/e2e/keyplane.provider.test.ts.
 */
import { diagnosticText as text, inProcessProvider } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';
import { secretFragmentsIn } from '../helpers/keyplane';
import { faultyProxy } from '../helpers/faulty-proxy';

let service: HttpService;
beforeAll(async () => {
  service = await startHttpService();
});
afterAll(async () => {
  await service?.stop();
});

test('429 and 5xx answers are retried with backoff; other 4xx answers are not', async () => {
  const proxy = await faultyProxy(service);
  // Each `terraform plan` configures the provider once: here, one provider per plan.
  const configure = async (expectError = false) => {
    const p = await inProcessProvider(service, { configure: false });
    const config = { endpoint: proxy.endpoint, api_key: service.adminKey, max_retries: 3 };
    return expectError ? p.configure(config, { expectError: true }) : p.configure(config);
  };
  try {
    proxy.fail('GET', '/v1/whoami', { status: 429, code: 'rate_limited', message: 'slow down' }, 2);
    await configure();
    expect(proxy.hits('GET', '/v1/whoami')).toBe(3);
    proxy.fail('GET', '/v1/whoami', { status: 503, code: 'unavailable', message: 'restarting' }, 1);
    await configure();
    expect(proxy.hits('GET', '/v1/whoami')).toBe(5);
    proxy.fail('GET', '/v1/whoami', { status: 400, code: 'invalid_argument', message: 'no' }, 1);
    const failed = await configure(true);
    expect(text(failed.errors)).toMatch(/Keyplane Service Error/);
    expect(proxy.hits('GET', '/v1/whoami')).toBe(6);
  } finally {
    await proxy.close();
  }
});

test('the sensitive attributes are exactly the secret and the provider key, and every attribute is described', async () => {
  const p = await inProcessProvider(service, { configure: false });
  const sensitive = (block: { attributes: { name: string; sensitive?: boolean }[] }) =>
    block.attributes
      .filter((a) => a.sensitive)
      .map((a) => a.name)
      .sort();
  expect(sensitive(p.rawSchema.provider.block)).toEqual(['api_key']);
  const apiKey = p.rawSchema.resource_schemas.keyplane_api_key!.block;
  expect(sensitive(apiKey)).toEqual(['secret']);
  expect(apiKey.attributes.map((a) => a.name)).not.toContain('last_used_at');
  for (const a of apiKey.attributes) expect([a.name, a.description]).toEqual([a.name, expect.any(String)]);
});

test('a missing key is reported once, at configure time, with what to set', async () => {
  const p = await inProcessProvider(service, { configure: false });
  const failed = await p.configure({}, { env: { KEYPLANE_ENDPOINT: service.endpoint }, expectError: true });
  expect(failed.errors.filter((e) => e.summary === 'Missing Keyplane API Key')).toHaveLength(1);
  expect(failed.errors.find((e) => e.summary === 'Missing Keyplane API Key')).toMatchObject({ attribute: 'api_key' });
  expect(text(failed.errors)).toMatch(/KEYPLANE_API_KEY/);
});

test('a rejected key is reported once, naming what to check, and never shown or logged', async () => {
  const sa = await service.client.createServiceAccount({ name: 'revoked-provider' });
  const made = await service.client.createApiKey({ name: 'p', service_account_id: sa.id });
  await service.client.revokeApiKey(made.api_key.id);
  const p = await inProcessProvider(service, { configure: false });
  const failed = await p.configure({ endpoint: service.endpoint, api_key: made.secret }, { expectError: true });
  expect(failed.errors.map((e) => e.summary)).toEqual(['Keyplane API Key Rejected']);
  expect(failed.errors[0]!.attribute).toBe('api_key');
  expect(text(failed.errors)).toMatch(/has not been revoked or\s+expired/);
  expect(secretFragmentsIn(text(failed.diagnostics) + p.logText(), made.secret!)).toEqual([]);
});

test.each([
  ['an unreadable ca_cert_file', (e: string) => ({ endpoint: e, ca_cert_file: '/nonexistent/ca.pem' }), /Cannot Read CA Certificate/, 'ca_cert_file'],
  ['an endpoint that is not a URL', () => ({ endpoint: 'keyplane.internal' }), /Invalid Keyplane Endpoint/, 'endpoint'],
  ['an endpoint nobody listens on', () => ({ endpoint: 'http://127.0.0.1:9', max_retries: 0 }), /Cannot Reach The Keyplane Service/, 'endpoint'],
  ['a negative timeout', (e: string) => ({ endpoint: e, request_timeout_seconds: -1 }), /Invalid Request Timeout/, 'request_timeout_seconds'],
  ['a retry count that is not a whole number', (e: string) => ({ endpoint: e, max_retries: 1.5 }), /Invalid Retry Count/, 'max_retries'],
])('%s is reported at configure time, naming the field', async (_, config, summary, field) => {
  const p = await inProcessProvider(service, { configure: false });
  const failed = await p.configure({ api_key: service.adminKey, ...config(service.endpoint) }, { expectError: true });
  expect(text(failed.errors)).toMatch(summary);
  expect(failed.errors.map((e) => e.attribute)).toContain(field);
});

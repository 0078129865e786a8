/**
 * A key's secret delivered into a secret-store entry must be readable from that entry: a delivery the service
 * accepts (201) is a promise that `GET …/versions/latest` answers the value. Entry names are checked at write
 * against contract/limits.ts secretEntries.keyPattern; every name it admits must survive the read.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

test.failing('a key delivered to entry "__proto__" is either refused naming the field or readable from latest', async () => {
  const secret = (await svc.call('POST', '/v1/secrets', { name: 'proto-entry' })).body;
  const made = await svc.call('POST', '/v1/api-keys', { name: 'proto', delivery: { secret_store: { secret_id: secret.id, entry_key: '__proto__' } } });
  if (made.status === 400) {
    expect(made.body.error.field).toBe('delivery.secret_store.entry_key');
    return;
  }
  expect(made.status).toBe(201);
  const latest = (await svc.call('GET', `/v1/secrets/${secret.id}/versions/latest`)).body;
  expect(latest.entry_keys).toEqual(['__proto__']);
  // Today: entries is {} (the value is assigned to the object's prototype and dropped), so the live key's
  // only secret is lost.
  const stored = Object.getOwnPropertyDescriptor(latest.entries, '__proto__')?.value;
  expect(typeof stored).toBe('string');
  expect((await svc.call('GET', '/v1/whoami', undefined, stored)).body.api_key.id).toBe(made.body.api_key.id);
});

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

test('a key delivered to entry "__proto__" is refused naming the field, and no key is made', async () => {
  const secret = (await svc.call('POST', '/v1/secrets', { name: 'proto-entry' })).body;
  const made = await svc.call('POST', '/v1/api-keys', { name: 'proto', delivery: { secret_store: { secret_id: secret.id, entry_key: '__proto__' } } });
  // Accepted before, the value was assigned to the entries object's prototype on read and dropped: the live
  // key's only secret was lost.
  expect([made.status, made.body.error?.field]).toEqual([400, 'delivery.secret_store.entry_key']);
  expect((await svc.call('GET', '/v1/api-keys?name_prefix=proto')).body.api_keys).toEqual([]);
  expect((await svc.call('GET', `/v1/secrets/${secret.id}`)).body.latest_version).toBe(0);
});

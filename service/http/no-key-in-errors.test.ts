/**
 * A key pasted where an id belongs (a path, an id field of a body) is never repeated in the error that
 * answers it: messages quote what was sent, and anything shaped like a key is taken out of them
 * (service/http/error-handler.ts). Each case below repeated the whole key before.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let pasted: string;
beforeAll(async () => {
  svc = await startTestService();
  pasted = (await svc.person('developer')).key;
});
afterAll(() => svc.close());

const cases: [string, string, string, (key: string) => unknown][] = [
  ['a key id in the path', 'GET', '/v1/api-keys/{key}', () => undefined],
  ['a service account id in the path', 'GET', '/v1/service-accounts/{key}', () => undefined],
  ['a secret id in the path', 'GET', '/v1/secrets/{key}', () => undefined],
  ['an allow list id in the path', 'PATCH', '/v1/ip-allow-lists/{key}', () => ({ name: 'x' })],
  ['service_account_id', 'POST', '/v1/api-keys', (key) => ({ name: 'k', service_account_id: key })],
  ['user_id', 'POST', '/v1/api-keys', (key) => ({ name: 'k', user_id: key })],
  ['allow_list_ids[0]', 'POST', '/v1/api-keys', (key) => ({ name: 'k', allow_list_ids: [key] })],
  ['owner_user_id', 'POST', '/v1/service-accounts', (key) => ({ name: 'sa', owner_user_id: key })],
  ['manager_user_ids[0]', 'POST', '/v1/service-accounts', (key) => ({ name: 'sa', manager_user_ids: [key] })],
];

test.each(cases)('%s: the answer names the problem without the key', async (_, method, url, body) => {
  const res = await svc.call(method, url.replace('{key}', pasted), body(pasted));
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(pasted);
  // Nor a recognisable part of it: the random body of the key.
  expect(text).not.toContain(pasted.slice(3, 20));
  expect(res.body.error.message).toMatch(/kp_\[redacted\]/);
});

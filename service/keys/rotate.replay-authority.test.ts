/**
 * A replay under an Idempotency-Key answers what the first request answered, so it must be given only to a
 * caller who may send that request now: POST /v1/api-keys checks the role before replaying
 * (service/keys/routes.ts); POST /v1/api-keys/{id}/rotate should too. Keys are scoped per principal, so
 * another key of the same user (a viewer key, say) sends the same key.
 */
import { pgpKeyPair } from '../../test/helpers/pgp';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

test("a viewer key of the same user replaying a developer key's rotation is refused like a fresh rotation", async () => {
  const dev = await svc.person('developer');
  const viewerKey = (await svc.call('POST', '/v1/api-keys', { name: 'read-only', role: 'viewer' }, dev.key)).body.secret as string;
  const target = (await svc.call('POST', '/v1/api-keys', { name: 'target', role: 'developer' }, dev.key)).body.api_key.id as string;
  const { publicKey } = await pgpKeyPair();
  const body = { overlap_seconds: 60, delivery: { pgp_public_key: publicKey } };
  const url = `/v1/api-keys/${target}/rotate`;
  const first = await svc.request({ method: 'POST', url, body, key: dev.key, headers: { 'idempotency-key': 'rot-1' } });
  expect(first.status).toBe(200);

  const fresh = await svc.request({ method: 'POST', url, body, key: viewerKey, headers: { 'idempotency-key': 'rot-2' } });
  expect(fresh.status).toBe(403);
  const replay = await svc.request({ method: 'POST', url, body, key: viewerKey, headers: { 'idempotency-key': 'rot-1' } });
  // Today: 200 with the first answer (the key, and the encrypted secret).
  expect(replay.status).toBe(403);
});

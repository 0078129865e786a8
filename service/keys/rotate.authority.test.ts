/**
 * Who may get a new secret for a key by rotating it. A rotation hands the caller (or the place it names) a
 * working secret of the key, so it must not give more than a create would: a caller who may not grant a key's
 * built-in scopes must not obtain a secret holding them, and a secret that is only still alive because of an
 * overlap must not be able to rotate the key and end the secret that replaced it.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const rotate = (id: string, body: Record<string, unknown>, key?: string) => svc.call('POST', `/v1/api-keys/${id}/rotate`, body, key);
const whoami = (key: string) => svc.call('GET', '/v1/whoami', undefined, key);

test("a steward without keyplane.secrets.read cannot rotate an admin-made service-account key holding it and read others' secrets", async () => {
  const dev = await svc.person('developer');
  const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'reader-sa', role: 'developer', owner_user_id: dev.id })).body;
  // A secret of someone else's that only holders of the scope (and admins) may read.
  const privateSecret = (await svc.call('POST', '/v1/secrets', { name: 'admins-only' })).body;
  await svc.call('POST', `/v1/secrets/${privateSecret.id}/versions`, { entries: { password: 'hunter2' } });
  // The admin gives the account a reader key; the developer could not have made it (the scope is built-in).
  const made = await svc.call(
    'POST',
    '/v1/api-keys',
    { name: 'sa-reader', service_account_id: sa.id, role: 'developer', scopes: ['keyplane.secrets.read'] },
    dev.key,
  );
  expect([made.status, made.body.error?.field]).toEqual([403, 'scopes[0]']);
  const adminMade = await svc.call('POST', '/v1/api-keys', {
    name: 'sa-reader',
    service_account_id: sa.id,
    role: 'developer',
    scopes: ['keyplane.secrets.read'],
  });
  expect(adminMade.status).toBe(201);

  const res = await rotate(adminMade.body.api_key.id, { overlap_seconds: 0 }, dev.key);
  // What a create would answer: the developer may not hand themself a key holding a scope they lack.
  expect(res.status).toBe(403);
  if (res.status === 200) {
    const read = await svc.call('GET', `/v1/secrets/${privateSecret.id}/versions/latest`, undefined, res.body.secret);
    expect(read.body.entries).toBeUndefined();
  }
});

test('a previous secret, alive only for its overlap, cannot rotate the key and end the secret that replaced it', async () => {
  const dev = await svc.person('developer');
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'leaky', role: 'developer' }, dev.key)).body;
  const leaked = key.secret as string;
  // The owner rotates because the secret leaked, keeping an hour for consumers to move.
  const fresh = (await rotate(key.api_key.id, { overlap_seconds: 3600 }, dev.key)).body.secret as string;
  expect((await whoami(leaked)).body.matched_secret).toBe('previous');

  // Whoever holds the leaked secret rotates again with no overlap.
  const hijack = await rotate(key.api_key.id, { overlap_seconds: 0 }, leaked);
  expect(hijack.status).toBe(403);
  // The owner's new secret must keep working.
  expect((await whoami(fresh)).status).toBe(200);
});

/**
 * The last working admin key cannot be revoked or deleted through the API: nobody could administer the
 * service after (keyplane server init made the first one; only the data dir could make another). Two admin
 * keys revoking each other at once: exactly one succeeds, on both stores.
 */
import { startTestService, startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';
import { describePostgres, describeSqlite } from '../../test/helpers/postgres';

function lastAdminKeyTests(start: () => Promise<TestService>, stop: () => Promise<void> = async () => undefined) {
  let svc: TestService;
  beforeAll(async () => {
    svc = await start();
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await stop();
  });

  /** Ids of the active keys acting as admin, as `key` sees them. */
  const working = async (key: string) =>
    (await svc.call('GET', '/v1/api-keys?status=active&page_size=100', undefined, key)).body.api_keys
      .filter((k: { effective_role: string }) => k.effective_role === 'admin')
      .map((k: { id: string }) => k.id);
  /** The one working admin key left by the tests so far. */
  let lastAdmin = { id: '', secret: '' };
  const adminKeyId = async () => (await svc.call('GET', '/v1/whoami')).body.api_key.id as string;

  test('revoking or deleting the only working admin key is a 409 naming why, and the key keeps working', async () => {
    const id = await adminKeyId();
    for (const [method, url] of [
      ['POST', `/v1/api-keys/${id}/revoke`],
      ['DELETE', `/v1/api-keys/${id}`],
    ] as const) {
      const r = await svc.call(method, url);
      expect([method, r.status, r.body.error?.code]).toEqual([method, 409, 'conflict']);
      expect(r.body.error.message).toMatch(/last working admin key/);
    }
    expect((await svc.call('GET', '/v1/whoami')).status).toBe(200);
  });

  test('with a second working admin key, either may go; the one left then may not', async () => {
    const second = (await svc.call('POST', '/v1/api-keys', { name: 'second-admin', role: 'admin' })).body;
    const thirdKey = (await svc.call('POST', '/v1/api-keys', { name: 'third-admin', role: 'admin' })).body;
    expect((await svc.call('DELETE', `/v1/api-keys/${thirdKey.api_key.id}`)).status).toBe(204);
    // Keys below admin, revoked or expired ones do not count as a way back.
    await svc.call('POST', '/v1/api-keys', { name: 'dev-key', role: 'developer' });
    expect((await svc.call('POST', `/v1/api-keys/${await adminKeyId()}/revoke`, {}, second.secret)).status).toBe(200);
    const r = await svc.call('POST', `/v1/api-keys/${second.api_key.id}/revoke`, {}, second.secret);
    expect([r.status, r.body.error?.code]).toEqual([409, 'conflict']);
    expect(await working(second.secret)).toEqual([second.api_key.id]);
    lastAdmin = { id: second.api_key.id, secret: second.secret };
    expect((await svc.call('GET', '/v1/whoami', undefined, second.secret)).status).toBe(200);
  });

  test('two admin keys revoking each other at once: exactly one succeeds, one working admin key remains', async () => {
    for (let round = 0; round < 3; round++) {
      const other = (await svc.call('POST', '/v1/api-keys', { name: `rival-${round}`, role: 'admin' }, lastAdmin.secret)).body;
      const results = await Promise.all([
        svc.call('POST', `/v1/api-keys/${other.api_key.id}/revoke`, {}, lastAdmin.secret),
        svc.call('POST', `/v1/api-keys/${lastAdmin.id}/revoke`, {}, other.secret),
      ]);
      // The loser saw the winner's revocation while counting (409), or was authenticated after it committed (401).
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.map((r) => r.body?.error?.code).filter(Boolean)).toEqual([expect.stringMatching(/^(conflict|unauthenticated)$/)]);
      if (results[1]!.status === 200) lastAdmin = { id: other.api_key.id, secret: other.secret };
      expect(await working(lastAdmin.secret)).toEqual([lastAdmin.id]);
    }
  });

  test('disabling, demoting or deleting the admin account whose key is the last working admin key is a 409, and nothing changes', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'break-glass', role: 'admin' }, lastAdmin.secret)).body;
    const saKey = (await svc.call('POST', '/v1/api-keys', { name: 'break-glass key', service_account_id: sa.id, role: 'admin' }, lastAdmin.secret)).body;
    expect((await svc.call('POST', `/v1/api-keys/${lastAdmin.id}/revoke`, {}, saKey.secret)).status).toBe(200);
    for (const [method, body] of [
      ['PATCH', { disabled: true }],
      ['PATCH', { role: 'developer' }],
      ['DELETE', undefined],
    ] as const) {
      const r = await svc.call(method, `/v1/service-accounts/${sa.id}`, body, saKey.secret);
      expect([method, body, r.status, r.body.error?.code]).toEqual([method, body, 409, 'conflict']);
      expect(r.body.error.message).toMatch(new RegExp(`would stop the last working admin key \\(${saKey.api_key.id}\\)`));
    }
    expect((await svc.call('GET', `/v1/service-accounts/${sa.id}`, undefined, saKey.secret)).body).toMatchObject({ role: 'admin', disabled: false });
    expect(await working(saKey.secret)).toEqual([saKey.api_key.id]);
    // A change that stops no admin key still goes through.
    expect((await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { description: 'for emergencies' }, saKey.secret)).status).toBe(200);
    lastAdmin = { id: saKey.api_key.id, secret: saKey.secret };
  });

  test('demoting or deleting a user up the last working admin key’s chain is a 409, though another admin user remains', async () => {
    // The new admin's key answers to them, to the account whose key minted it, and to that key's makers.
    const bootstrapAdmin = (await svc.call('GET', '/v1/users?role=admin', undefined, lastAdmin.secret)).body.users[0].id as string;
    const other = (await svc.call('POST', '/v1/users', { email: 'second-admin@example.com', name: 'Second', role: 'admin' }, lastAdmin.secret)).body;
    const otherKey = (await svc.call('POST', '/v1/api-keys', { name: 'second admin key', user_id: other.id, role: 'admin' }, lastAdmin.secret)).body;
    // Both working admin keys answer to the first admin: the account's key (its maker) and the key it minted.
    const both = [lastAdmin.id, otherKey.api_key.id].sort();
    expect((await working(otherKey.secret)).sort()).toEqual(both);
    for (const [method, body] of [
      ['PATCH', { role: 'developer' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const r = await svc.call(method, `/v1/users/${bootstrapAdmin}`, body, otherKey.secret);
      expect([method, body, r.status, r.body.error?.code]).toEqual([method, body, 409, 'conflict']);
      expect(r.body.error.message).toMatch(/would stop the last working admin key/);
    }
    expect((await working(otherKey.secret)).sort()).toEqual(both);
    // Once another admin key answers only to people who stay, the user may go.
    const fresh = (await svc.call('POST', '/v1/api-keys', { name: 'own admin key', user_id: other.id, role: 'admin' }, otherKey.secret)).body;
    expect((await svc.call('PATCH', `/v1/users/${bootstrapAdmin}`, { role: 'developer' }, fresh.secret)).status).toBe(200);
    expect(await working(fresh.secret)).toEqual([fresh.api_key.id]);
    lastAdmin = { id: fresh.api_key.id, secret: fresh.secret };
  });

  test('revoking or deleting an account key above the last working admin key is a 409: the keys it minted would stop with it', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'relay', role: 'admin' }, lastAdmin.secret)).body;
    const k1 = (await svc.call('POST', '/v1/api-keys', { name: 'relay key', service_account_id: sa.id, role: 'admin' }, lastAdmin.secret)).body;
    const k2 = (await svc.call('POST', '/v1/api-keys', { name: 'relayed key', service_account_id: sa.id, role: 'admin' }, k1.secret)).body;
    // Every other admin key goes, so k1 and the key it minted are the working ones.
    for (const id of await working(k2.secret)) {
      if (id !== k1.api_key.id && id !== k2.api_key.id) expect((await svc.call('POST', `/v1/api-keys/${id}/revoke`, {}, k2.secret)).status).toBe(200);
    }
    expect((await working(k2.secret)).sort()).toEqual([k1.api_key.id, k2.api_key.id].sort());
    for (const [method, url] of [
      ['POST', `/v1/api-keys/${k1.api_key.id}/revoke`],
      ['DELETE', `/v1/api-keys/${k1.api_key.id}`],
    ] as const) {
      const r = await svc.call(method, url, method === 'POST' ? {} : undefined, k2.secret);
      expect([method, r.status, r.body.error?.code]).toEqual([method, 409, 'conflict']);
      expect(r.body.error.message).toMatch(/would stop the last working admin key/);
    }
    expect((await working(k2.secret)).sort()).toEqual([k1.api_key.id, k2.api_key.id].sort());
    lastAdmin = { id: k2.api_key.id, secret: k2.secret };
  });

  /** A new admin user's key that answers to them alone, left as the one working admin key. */
  async function soleAdmin(email: string): Promise<{ id: string; secret: string }> {
    const user = (await svc.call('POST', '/v1/users', { email, name: email, role: 'admin' }, lastAdmin.secret)).body;
    const first = (await svc.call('POST', '/v1/api-keys', { name: `${email} first`, user_id: user.id, role: 'admin' }, lastAdmin.secret)).body;
    const own = (await svc.call('POST', '/v1/api-keys', { name: `${email} own`, role: 'admin' }, first.secret)).body;
    for (const id of await working(own.secret))
      if (id !== own.api_key.id) expect((await svc.call('POST', `/v1/api-keys/${id}/revoke`, {}, own.secret)).status).toBe(200);
    expect(await working(own.secret)).toEqual([own.api_key.id]);
    lastAdmin = { id: own.api_key.id, secret: own.secret };
    return lastAdmin;
  }

  test('admin keys that do not act as admin never count, however many sort before the one that does', async () => {
    // The guard reads admin keys a few at a time in id order and stops at the first that works: 40 keys of a
    // disabled admin account sort around the working one, which must be found wherever it falls.
    await soleAdmin('parker@example.com');
    const parked = (await svc.call('POST', '/v1/service-accounts', { name: 'parked', role: 'admin' }, lastAdmin.secret)).body;
    for (let i = 0; i < 40; i++)
      expect((await svc.call('POST', '/v1/api-keys', { name: `parked-${i}`, service_account_id: parked.id, role: 'admin' }, lastAdmin.secret)).status).toBe(
        201,
      );
    expect((await svc.call('PATCH', `/v1/service-accounts/${parked.id}`, { disabled: true }, lastAdmin.secret)).status).toBe(200);
    const keep = (await svc.call('POST', '/v1/api-keys', { name: 'keeper', role: 'admin' }, lastAdmin.secret)).body;
    expect((await svc.call('DELETE', `/v1/api-keys/${keep.api_key.id}`, undefined, lastAdmin.secret)).status).toBe(204);
    const r = await svc.call('DELETE', `/v1/api-keys/${lastAdmin.id}`, undefined, lastAdmin.secret);
    expect([r.status, r.body.error?.code]).toEqual([409, 'conflict']);
    expect(r.body.error.message).toMatch(new RegExp(`would stop the last working admin key \\(${lastAdmin.id}\\)`));
  });

  test('a write that would stop many working admin keys at once names five of them, and says there may be more', async () => {
    await soleAdmin('crew-chief@example.com');
    const crew = (await svc.call('POST', '/v1/service-accounts', { name: 'crew', role: 'admin' }, lastAdmin.secret)).body;
    const keys: { id: string; secret: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const k = (await svc.call('POST', '/v1/api-keys', { name: `crew-${i}`, service_account_id: crew.id, role: 'admin' }, lastAdmin.secret)).body;
      keys.push({ id: k.api_key.id, secret: k.secret });
    }
    expect((await svc.call('DELETE', `/v1/api-keys/${lastAdmin.id}`, undefined, keys[0]!.secret)).status).toBe(204);
    const r = await svc.call('PATCH', `/v1/service-accounts/${crew.id}`, { disabled: true }, keys[0]!.secret);
    expect([r.status, r.body.error?.code]).toEqual([409, 'conflict']);
    const named = /would stop the last working admin key \(([^)]*)\)/.exec(r.body.error.message)?.[1] ?? '';
    expect(named).toMatch(/ and maybe more$/);
    const ids = named.replace(/ and maybe more$/, '').split(', ');
    expect(ids).toHaveLength(5);
    expect(ids.every((id) => keys.some((k) => k.id === id))).toBe(true);
    expect((await working(keys[0]!.secret)).sort()).toEqual(keys.map((k) => k.id).sort());
  });
}

describeSqlite('on SQLite', () => lastAdminKeyTests(() => startTestService()));

describePostgres('on PostgreSQL', () => lastAdminKeyTests(() => startTestServiceOnPostgres()));

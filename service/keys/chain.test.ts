/**
 * Every key answers to a human, at every request and to any depth: keys that service-account keys mint are
 * bounded by the developer who gave the service account its first key (role, disabled, existence), on both
 * verification and the key's effective_role; a key a person made with their own key answers to that person.
 */
import { Client } from 'pg';
import { startTestService, type TestService } from '../../test/helpers/service';
import { describePostgres, describeSqlite, startPostgres, type PostgresServer } from '../../test/helpers/postgres';
import { inTransaction } from '../db/transaction';

function chainTests(start: () => Promise<TestService>) {
  let svc: TestService;
  beforeEach(async () => {
    svc = await start();
  }, 60_000);
  afterEach(async () => {
    await svc?.close();
  });

  /** A developer, a service account of developer role, and a chain of keys each minted by the one before. */
  async function chain(depth: number) {
    const dev = await svc.person('developer');
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'deployer', role: 'developer' }, dev.key)).body;
    const keys: { id: string; secret: string }[] = [];
    let minter = dev.key;
    for (let i = 0; i < depth; i++) {
      const made = await svc.call('POST', '/v1/api-keys', { name: `link-${i}`, service_account_id: sa.id, role: 'developer' }, minter);
      expect(made.status).toBe(201);
      keys.push({ id: made.body.api_key.id, secret: made.body.secret });
      minter = made.body.secret;
    }
    return { dev, sa, keys };
  }
  const whoami = (key: string) => svc.call('GET', '/v1/whoami', undefined, key);

  test.each([2, 5])('demoting the developer demotes every key down a chain of %i, at once, where it is read too', async (depth) => {
    const { dev, keys } = await chain(depth);
    const last = keys[keys.length - 1]!;
    expect((await whoami(last.secret)).body.effective_role).toBe('developer');
    expect((await svc.call('PATCH', `/v1/users/${dev.id}`, { role: 'viewer' })).status).toBe(200);
    for (const k of keys) {
      expect((await whoami(k.secret)).body.effective_role).toBe('viewer');
      expect((await svc.call('GET', `/v1/api-keys/${k.id}`)).body.effective_role).toBe('viewer');
    }
    // And so it can mint nothing more.
    const more = await svc.call('POST', '/v1/api-keys', { name: 'more', service_account_id: (await whoami(last.secret)).body.api_key.owner_id }, last.secret);
    expect([more.status, more.body.error.code]).toEqual([403, 'permission_denied']);
  });

  test('disabling or deleting the developer stops every key down the chain, on the next request', async () => {
    const { dev, keys } = await chain(3);
    await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: true });
    for (const k of keys) expect((await whoami(k.secret)).status).toBe(401);
    expect((await svc.call('POST', '/v1/keys/verify', { key: keys[2]!.secret })).body).toMatchObject({ valid: false, reason: 'owner_disabled' });
    await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: false });
    expect((await whoami(keys[2]!.secret)).status).toBe(200);
    expect((await svc.call('DELETE', `/v1/users/${dev.id}`)).status).toBe(204);
    for (const k of keys) expect((await whoami(k.secret)).status).toBe(401);
  });

  test('revoking a link stops the keys below it, at once: a leaked account key cannot leave keys behind', async () => {
    const { dev, keys } = await chain(3);
    expect((await whoami(keys[2]!.secret)).status).toBe(200);
    expect((await svc.call('POST', `/v1/api-keys/${keys[1]!.id}/revoke`, { reason: 'leaked' }, dev.key)).status).toBe(200);
    expect((await whoami(keys[2]!.secret)).status).toBe(401);
    expect((await svc.call('POST', '/v1/keys/verify', { key: keys[2]!.secret })).body).toMatchObject({ valid: false });
    expect((await svc.call('GET', `/v1/api-keys/${keys[2]!.id}`)).body.effective_role).toBe('viewer');
    // The key above the revoked one is untouched.
    expect((await whoami(keys[0]!.secret)).status).toBe(200);
  });

  test('a link deleted from the chain stops the keys below it; a key a person made with their own key answers to that person', async () => {
    const { keys } = await chain(3);
    // Deleting the middle key's row (its tombstone) leaves the last key with no way to its human.
    await inTransaction(svc.ctx, (trx) => trx.deleteFrom('api_keys').where('id', '=', keys[1]!.id).execute());
    expect((await whoami(keys[2]!.secret)).status).toBe(401);
    expect((await svc.call('GET', `/v1/api-keys/${keys[2]!.id}`)).body.effective_role).toBe('viewer');
    expect((await whoami(keys[0]!.secret)).status).toBe(200);

    // A second admin's own key, made with the key the first admin gave them, answers to the second admin only.
    const second = await svc.person('admin');
    const own = (await svc.call('POST', '/v1/api-keys', { name: 'own' }, second.key)).body.secret as string;
    await svc.call('PATCH', `/v1/users/${svc.adminUserId}`, { role: 'developer' }, own);
    expect((await whoami(own)).body.effective_role).toBe('admin');
  });
}

describeSqlite('on SQLite', () => chainTests(() => startTestService()));

describePostgres('on PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(() => pg?.stop());
  // A database per test: each starts from a fresh store.
  let n = 0;
  chainTests(async () => {
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    const name = `chain_${++n}`;
    await admin.query(`create database ${name}`);
    await admin.end();
    return startTestService({ databaseUrl: pg.url.replace(/\/keyplane$/, `/${name}`) });
  });
});

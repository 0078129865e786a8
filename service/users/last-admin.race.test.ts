/**
 * Two admins demoting (or deleting) each other at the same moment: exactly one succeeds and one admin is
 * left. SQLite runs one transaction at a time; PostgreSQL needs the admin rows locked before counting them.
 */
import { startTestService, startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';
import { describePostgres, describeSqlite } from '../../test/helpers/postgres';
import { inTransaction } from '../db/transaction';

function raceTests(start: () => Promise<TestService>, stop: () => Promise<void> = async () => undefined) {
  let svc: TestService;
  beforeAll(async () => {
    svc = await start();
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await stop();
  });

  /** A second admin with a key they made themselves, so demoting the first admin does not cap it. */
  async function secondAdmin() {
    const b = await svc.person('admin');
    const key = (await svc.call('POST', '/v1/api-keys', { name: 'own' }, b.key)).body.secret as string;
    return { id: b.id, key };
  }
  // Read from the store: the winner may have been the second admin, whose change locks the first admin's key out.
  const adminCount = async () =>
    (await svc.ctx.store.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).execute()).length;
  const restore = async (b: { id: string }) => {
    // Put the bootstrap admin back behind the API's back (re-created if the second admin won a deletion race),
    // and remove the second admin: one transaction, which publishes the change and, like every write, is run
    // again when PostgreSQL rolls it back as a deadlock (with the last-used flush, say).
    await inTransaction(svc.ctx, async (trx) => {
      if (!(await trx.selectFrom('users').select('id').where('id', '=', svc.adminUserId).executeTakeFirst())) {
        const now = new Date().toISOString();
        await trx
          .insertInto('users')
          .values({ id: svc.adminUserId, email: 'admin@example.com', name: 'Admin', role: 'admin', disabled: 0, created_at: now, updated_at: now })
          .execute();
      }
      await trx.updateTable('users').set({ role: 'admin', disabled: 0 }).where('id', '=', svc.adminUserId).execute();
      await trx.updateTable('api_keys').set({ revoked_at: null, revoke_reason: null }).where('created_by', '=', svc.adminUserId).execute();
      await trx.deleteFrom('users').where('id', '=', b.id).execute();
    });
  };

  test.each([
    ['demote', 'PATCH', { role: 'developer' }],
    ['disable', 'PATCH', { disabled: true }],
    ['delete', 'DELETE', undefined],
  ] as const)('two admins who %s each other at once: one succeeds, one admin remains', async (_what, method, body) => {
    for (let round = 0; round < 3; round++) {
      const b = await secondAdmin();
      const results = await Promise.all([svc.call(method, `/v1/users/${b.id}`, body), svc.call(method, `/v1/users/${svc.adminUserId}`, body, b.key)]);
      try {
        // The loser either saw the winner's change while counting admins (409), or was authenticated after it
        // committed, when its own key already acted as a disabled, deleted (401) or demoted (403) user.
        expect(results.filter((r) => r.status < 300)).toHaveLength(1);
        expect(results.map((r) => r.body?.error?.code).filter(Boolean)).toEqual([expect.stringMatching(/^(conflict|unauthenticated|permission_denied)$/)]);
        expect(await adminCount()).toBe(1);
      } finally {
        await restore(b);
      }
    }
  });
}

describeSqlite('on SQLite', () => raceTests(() => startTestService()));

describePostgres('on PostgreSQL', () => raceTests(() => startTestServiceOnPostgres()));

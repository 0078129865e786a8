/**
 * recoverAdmin, the way back when no working admin key is left: a new admin key for the longest-standing
 * enabled admin, or for the user named, who becomes an enabled admin; each recovery is in the audit log.
 * On both stores.
 */
import { describePostgres, describeSqlite } from '../test/helpers/postgres';
import { startTestService, startTestServiceOnPostgres, type TestService } from '../test/helpers/service';
import { RecoveryError, recoverAdmin } from './bootstrap';
import { inTransaction } from './db/transaction';

function recoveryTests(start: () => Promise<TestService>) {
  let svc: TestService;
  beforeEach(async () => {
    svc = await start();
  }, 60_000);
  afterEach(async () => {
    await svc?.close();
  });

  test('locked out (the only admin with a key is gone, a way the API refuses): the recovered key acts as the admin left, and the audit log says so', async () => {
    const other = await svc.call('POST', '/v1/users', { email: 'second@example.com', name: 'Second', role: 'admin' });
    // The API refuses to delete them while their key is the last working admin key; the store does not.
    expect((await svc.call('DELETE', `/v1/users/${svc.adminUserId}`)).status).toBe(409);
    await inTransaction(svc.ctx, async (trx) => {
      await trx.updateTable('api_keys').set({ revoked_at: new Date().toISOString(), revoke_reason: 'owner_deleted' }).execute();
      await trx.deleteFrom('users').where('id', '=', svc.adminUserId).execute();
    });
    expect((await svc.call('GET', '/v1/whoami')).status).toBe(401);

    const recovered = await recoverAdmin(svc.ctx);
    expect(recovered).toMatchObject({ userId: other.body.id, email: 'second@example.com', promoted: false });
    const me = await svc.call('GET', '/v1/whoami', undefined, recovered.secret);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ api_key: { id: recovered.keyId, role: 'admin' }, effective_role: 'admin' });
    const events = (await svc.call('GET', '/v1/audit-events?action=server.recover_admin', undefined, recovered.secret)).body.audit_events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ target_id: other.body.id, details: { key_id: recovered.keyId, promoted: false } });
  });

  test('--email names the user: a disabled developer becomes an enabled admin; an unknown email changes nothing', async () => {
    const dev = (await svc.call('POST', '/v1/users', { email: 'dev@example.com', name: 'Dev', role: 'developer' })).body;
    await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: true });
    await expect(recoverAdmin(svc.ctx, { email: 'nobody@example.com' })).rejects.toThrow(new RecoveryError('no user has the email nobody@example.com'));
    const recovered = await recoverAdmin(svc.ctx, { email: 'DEV@example.com' });
    expect(recovered).toMatchObject({ userId: dev.id, promoted: true });
    expect((await svc.call('GET', `/v1/users/${dev.id}`)).body).toMatchObject({ role: 'admin', disabled: false });
    expect((await svc.call('GET', '/v1/whoami', undefined, recovered.secret)).body.effective_role).toBe('admin');
  });

  test('with no enabled admin user and no email, it says what to give, and mints nothing', async () => {
    await inTransaction(svc.ctx, (trx) => trx.updateTable('users').set({ disabled: 1 }).execute());
    const before = (await svc.ctx.store.db.selectFrom('api_keys').select('id').execute()).length;
    await expect(recoverAdmin(svc.ctx)).rejects.toThrow(/no enabled admin user is left: name the user to make admin with --email/);
    expect((await svc.ctx.store.db.selectFrom('api_keys').select('id').execute()).length).toBe(before);
  });
}

describeSqlite('on SQLite', () => recoveryTests(() => startTestService()));

describePostgres('on PostgreSQL', () => recoveryTests(() => startTestServiceOnPostgres()));

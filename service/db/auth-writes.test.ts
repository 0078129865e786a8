/**
 * What authentication depends on can change only inside inTransaction, which publishes the change: a write to
 * those tables anywhere else throws before it reaches the database, and one inside always publishes, without
 * the caller saying so.
 */
import { sql } from 'kysely';
import { startTestService, type TestService } from '../../test/helpers/service';
import { AUTH_TABLES, AuthWriteOutsideTransactionError, authTableWritten } from './auth-writes';
import type { Database } from './tables';
import { inTransaction } from './transaction';

let svc: TestService;
let changes = 0;
beforeAll(async () => {
  svc = await startTestService();
  svc.ctx.changes.on('change', () => changes++);
});
afterAll(() => svc.close());

const count = async (table: keyof Database) =>
  Number(
    (
      await svc.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('outside inTransaction', () => {
  type Db = TestService['ctx']['store']['db'];
  const writes: Record<string, (db: Db) => Promise<unknown>> = {
    'insert into users': (db) =>
      db.insertInto('users').values({ id: 'usr_x', email: 'x@example.com', name: 'X', role: 'admin', disabled: 0, created_at: '', updated_at: '' }).execute(),
    'update users': (db) => db.updateTable('users').set({ role: 'viewer' }).execute(),
    'delete from users': (db) => db.deleteFrom('users').where('id', '=', 'nobody').execute(),
    'update api_keys': (db) => db.updateTable('api_keys').set({ revoked_at: 'now' }).execute(),
    'update api_keys, last-used and revocation together': (db) => db.updateTable('api_keys').set({ last_used_at: 'x', revoked_at: 'now' }).execute(),
    'delete from api_keys': (db) => db.deleteFrom('api_keys').execute(),
    'update service_accounts': (db) => db.updateTable('service_accounts').set({ disabled: 1 }).execute(),
    'insert into ip_allow_lists': (db) =>
      db
        .insertInto('ip_allow_lists')
        .values({ id: 'al_x', name: 'x', description: '', cidrs: '[]', created_by: 'usr_x', created_at: '', updated_at: '' })
        .execute(),
    'update ip_allow_lists': (db) => db.updateTable('ip_allow_lists').set({ cidrs: '["0.0.0.0/0"]' }).execute(),
    'delete from api_key_allow_lists': (db) => db.deleteFrom('api_key_allow_lists').execute(),
    'a raw update': (db) => sql`update api_keys set revoked_at = null`.execute(db),
    'a raw delete': (db) => sql`DELETE FROM "users" where id = 'nobody'`.execute(db),
    'a write inside a transaction of its own': (db) => db.transaction().execute((trx) => trx.updateTable('users').set({ disabled: 1 }).execute()),
  };

  test.each(Object.keys(writes))('%s throws before anything is written', async (name) => {
    const before = { users: await count('users'), keys: await count('api_keys'), lists: await count('ip_allow_lists') };
    const revoked = await svc.ctx.store.db.selectFrom('api_keys').select('id').where('revoked_at', 'is not', null).execute();
    await expect(writes[name]!(svc.ctx.store.db)).rejects.toThrow(AuthWriteOutsideTransactionError);
    expect({ users: await count('users'), keys: await count('api_keys'), lists: await count('ip_allow_lists') }).toEqual(before);
    expect(await svc.ctx.store.db.selectFrom('api_keys').select('id').where('revoked_at', 'is not', null).execute()).toEqual(revoked);
    expect((await svc.call('GET', '/v1/whoami')).status).toBe(200);
  });

  test('the message says where such a write belongs', async () => {
    await expect(svc.ctx.store.db.updateTable('users').set({ disabled: 1 }).execute()).rejects.toThrow(/outside inTransaction.*stale key/);
  });

  test('last-used times, which verification does not read, and other tables are written freely', async () => {
    await svc.ctx.store.db.updateTable('api_keys').set({ last_used_at: '2030-01-01T00:00:00.000Z', last_used_ip: '192.0.2.1' }).execute();
    await svc.ctx.store.db.insertInto('scopes').values({ name: 'free.write', description: '', builtin: 0, created_at: '' }).execute();
    await svc.ctx.store.db.deleteFrom('scopes').where('name', '=', 'free.write').execute();
  });
});

describe('inside inTransaction', () => {
  test('a write to any auth table publishes the change: the cache forgets, so the next request sees it', async () => {
    for (const table of AUTH_TABLES) {
      const before = changes;
      await inTransaction(svc.ctx, (trx) => sql`delete from ${sql.table(table)} where 1 = 0`.execute(trx));
      // A raw statement names its table in text; the recorder reads it as a write too.
      expect([table, changes - before]).toEqual([table, 1]);
    }
    const person = await svc.person('developer');
    expect((await svc.call('GET', '/v1/whoami', undefined, person.key)).status).toBe(200);
    await inTransaction(svc.ctx, (trx) => trx.updateTable('users').set({ disabled: 1 }).where('id', '=', person.id).execute());
    expect((await svc.call('GET', '/v1/whoami', undefined, person.key)).status).toBe(401);
  });

  test('a transaction that writes no auth table publishes nothing', async () => {
    const before = changes;
    await inTransaction(svc.ctx, async (trx) => {
      await trx.insertInto('scopes').values({ name: 'quiet.write', description: '', builtin: 0, created_at: '' }).execute();
      await trx.selectFrom('api_keys').selectAll().execute();
      await trx.updateTable('api_keys').set({ last_used_at: null }).where('id', '=', 'nobody').execute();
    });
    expect(changes).toBe(before);
  });

  test('a write through the everyday handle inside the callback still throws (it would not be in the transaction)', async () => {
    await expect(inTransaction(svc.ctx, () => svc.ctx.store.db.updateTable('users').set({ disabled: 0 }).execute())).rejects.toThrow(
      AuthWriteOutsideTransactionError,
    );
  });
});

test('statements are classified by what they write, CTEs included', () => {
  // Without the guard: building the node runs the handle's plugins, and the guard would throw.
  const db = svc.ctx.store.db.withoutPlugins();
  const node = (q: { toOperationNode(): unknown }) => q.toOperationNode() as Parameters<typeof authTableWritten>[0];
  expect(authTableWritten(node(db.selectFrom('api_keys').selectAll()))).toBeUndefined();
  expect(authTableWritten(node(db.updateTable('secrets').set({ name: 'x' })))).toBeUndefined();
  expect(authTableWritten(node(db.updateTable('api_keys').set({ last_used_ip: 'x' })))).toBeUndefined();
  expect(authTableWritten(node(db.updateTable('api_keys as k').set({ revoked_at: 'x' })))).toBe('api_keys');
  expect(authTableWritten(node(db.deleteFrom('api_key_allow_lists')))).toBe('api_key_allow_lists');
  const cte = db
    .with('gone', (d) => d.deleteFrom('users').returning('id'))
    .selectFrom('gone')
    .selectAll();
  expect(authTableWritten(node(cte))).toBe('users');
});

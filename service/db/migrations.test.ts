/**
 * Migrations carry existing data over: each test brings a fresh SQLite database to the version before a
 * migration, writes rows as that version knew them, and migrates to the newest.
 */
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateTo, migrateToLatest } from './migrations';
import type { Database } from './tables';

let db: Kysely<any>;
beforeEach(() => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
});
afterEach(() => db.destroy());

test('0004: an account a user created is owned by that user; one another account created is owned by no one', async () => {
  await migrateTo(db, '0003_created_by_key');
  const t = '2026-01-01T00:00:00.000Z';
  await db.insertInto('users').values({ id: 'usr_a', email: 'a@example.com', name: 'A', role: 'developer', created_at: t, updated_at: t }).execute();
  const sa = (id: string, created_by: string) => ({ id, name: id, description: '', role: 'viewer', created_by, created_at: t, updated_at: t });
  await db
    .insertInto('service_accounts')
    .values([sa('sa_by_user', 'usr_a'), sa('sa_by_sa', 'sa_by_user'), sa('sa_by_gone', 'usr_gone')])
    .execute();
  await migrateToLatest(db);
  const owners = await db.selectFrom('service_accounts').select(['id', 'owner_user_id']).orderBy('id').execute();
  expect(owners).toEqual([
    { id: 'sa_by_gone', owner_user_id: null },
    { id: 'sa_by_sa', owner_user_id: null },
    { id: 'sa_by_user', owner_user_id: 'usr_a' },
  ]);
  expect(await db.selectFrom('service_account_managers').selectAll().execute()).toEqual([]);
});

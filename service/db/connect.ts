/**
 * Opens the store: SQLite through better-sqlite3 (WAL) by default, PostgreSQL through pg when a URL is given.
 * Both are used through one typed Kysely instance; the few dialect differences live in `StoreDialect`.
 * @module
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import { Pool } from 'pg';
import { AuthWriteGuard, AuthWriteRecorder } from './auth-writes';
import { migrateToLatest } from './migrations';
import { cachingStatements } from './statement-cache';
import type { Database } from './tables';

export type StoreDialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path. */
  databaseUrl?: string;
  sqlitePath?: string;
}

export interface Store {
  /** For reads, and writes to tables authentication does not depend on: a write to one that does throws here. */
  db: Kysely<Database>;
  /**
   * A write transaction, the only way to write what authentication depends on (service/db/auth-writes.ts).
   * `beforeCommit` runs inside it with the auth tables `fn` wrote, to publish the change before commit. Use
   * it through service/db/transaction.ts `inTransaction`, which does that publishing.
   */
  transaction<T>(
    fn: (trx: Transaction<Database>) => Promise<T>,
    beforeCommit: (trx: Transaction<Database>, authTables: ReadonlySet<string>) => Promise<void>,
  ): Promise<T>;
  dialect: StoreDialect;
  /** The PostgreSQL connection string, for the change listener's own connection. */
  postgresUrl?: string;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export async function openStore(options: StoreOptions): Promise<Store> {
  let store: Store;
  let base: Kysely<Database>;
  if (isPostgresUrl(options.databaseUrl)) {
    const pool = new Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection that dies (server restart, terminated backend) is dropped by the pool and replaced on
    // the next query; without a listener its 'error' event would crash the whole process.
    pool.on('error', () => undefined);
    // A connection a request holds reports its death on the client too: the request's query fails with the
    // error (and answers 503, service/db/unavailable.ts), so the event itself must not crash the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    base = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    store = { ...handles(base), dialect: 'postgres', postgresUrl: options.databaseUrl, close: () => base.destroy() };
  } else {
    const path = options.sqlitePath;
    if (!path) throw new Error('a SQLite path or a postgres:// database URL is required');
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    // FULL makes every acknowledged commit durable across power loss, not only across a process crash.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    base = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
    store = { ...handles(base), dialect: 'sqlite', close: () => base.destroy() };
  }
  try {
    // Unguarded: migrations run before the node serves, so no cache can be stale.
    await migrateToLatest(base);
    // The store holds key hashes and sealed secrets: readable by the service's user only, whatever the umask.
    const path = options.sqlitePath;
    if (store.dialect === 'sqlite' && path && path !== ':memory:') {
      for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** The guarded everyday handle and the transaction that records auth writes, both on one connection pool. */
function handles(base: Kysely<Database>): Pick<Store, 'db' | 'transaction'> {
  return {
    db: base.withPlugin(new AuthWriteGuard()),
    async transaction(fn, beforeCommit) {
      const recorder = new AuthWriteRecorder();
      return base
        .withPlugin(recorder)
        .transaction()
        .execute(async (trx) => {
          const value = await fn(trx);
          await beforeCommit(trx, recorder.written);
          return value;
        });
    },
  };
}

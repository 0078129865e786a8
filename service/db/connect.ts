/**
 * Opens the store: SQLite through better-sqlite3 (WAL) by default, PostgreSQL through pg when a URL is given.
 * Both are used through one typed Kysely instance; the few dialect differences live in `StoreDialect`.
 * @module
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import { migrateToLatest } from './migrations';
import type { Database } from './tables';

export type StoreDialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path. */
  databaseUrl?: string;
  sqlitePath?: string;
}

export interface Store {
  db: Kysely<Database>;
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
  if (isPostgresUrl(options.databaseUrl)) {
    const pool = new Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection that dies (server restart, terminated backend) is dropped by the pool and replaced on
    // the next query; without a listener its 'error' event would crash the whole process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    store = { db, dialect: 'postgres', postgresUrl: options.databaseUrl, close: () => db.destroy() };
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
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    store = { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  try {
    await migrateToLatest(store.db);
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

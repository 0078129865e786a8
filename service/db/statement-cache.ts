/**
 * Prepared SQLite statements kept by their SQL text. Kysely's SQLite driver prepares every query it runs
 * afresh (kysely/dist/cjs/dialect/sqlite/sqlite-driver.js), and SQLite parses and plans the text each time:
 * in a CPU profile of key creates and deletes, `prepare` was an eighth of the service's time, spent while the
 * one connection was held, so every write queued behind it waited for it too. Most queries come from a few
 * dozen texts; a statement is reused once its previous run is over (`busy` is set only while an `iterate()`
 * is open), and texts beyond `limit` evict the least recently used.
 * @module
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';

/** Distinct texts kept: `in (?, ?, …)` lists make one text per length, so the set must stay bounded. */
const DEFAULT_LIMIT = 256;

/** The database as Kysely's SqliteDialect uses it (`prepare`, `close`), preparing each text once. */
export function cachingStatements(db: SqliteDatabase, limit = DEFAULT_LIMIT): { prepare(sql: string): Statement; close(): void } {
  const statements = new Map<string, Statement>();
  return {
    prepare(sql: string): Statement {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        // Re-inserted: Map order is then least recently used first.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      if (cached) return statement;
      if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      db.close();
    },
  };
}

/**
 * Write transactions. A transaction that writes what authentication depends on (keys, users, service
 * accounts, allow lists: service/db/auth-writes.ts) publishes a change inside it and invalidates the caches of
 * this node and every other after commit. Callers need not say whether they do: the store records the tables a
 * transaction writes, and such a write anywhere but here throws.
 * @module
 */
import type { SelectQueryBuilder, Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import type { Database } from './tables';

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back and may be run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

/**
 * Runs fn in a write transaction, publishing the change when fn wrote an auth table. On PostgreSQL two
 * transactions that lock rows in opposite orders (two admins deleting each other, say) can deadlock; the server
 * rolls one back, and running it again, now after the winner committed, gives the answer the loser should have
 * had (a 409, not a 500). fn must therefore do its work only through trx (a write to an auth table through
 * `ctx.store.db` throws anyway).
 */
export async function inTransaction<T>(ctx: ServiceContext, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let token: string | undefined;
    let result: T;
    try {
      result = await ctx.store.transaction(fn, async (trx, authTables) => {
        if (authTables.size > 0) token = await ctx.changes.publish(trx);
      });
    } catch (err) {
      if (token !== undefined) ctx.changes.abandoned(token);
      if (attempt < ATTEMPTS && RETRYABLE.has((err as { code?: string }).code ?? '')) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
        continue;
      }
      throw err;
    }
    if (token !== undefined) await ctx.changes.committed(token);
    return result;
  }
}

/**
 * Row lock for read-modify-write on PostgreSQL. SQLite needs none: Kysely runs its transactions one at a time
 * on the single connection.
 */
export function forUpdate<DB, TB extends keyof DB, O>(ctx: ServiceContext, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return ctx.store.dialect === 'postgres' ? query.forUpdate() : query;
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

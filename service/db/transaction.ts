/**
 * Write transactions. A transaction that changes what authentication depends on (keys, users, service
 * accounts, allow lists) publishes a change inside it and invalidates this node's cache after commit.
 * @module
 */
import type { SelectQueryBuilder, Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import type { Database } from './tables';

export async function inTransaction<T>(ctx: ServiceContext, authChange: boolean, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let token: string | undefined;
  let result: T;
  try {
    result = await ctx.store.db.transaction().execute(async (trx) => {
      const value = await fn(trx);
      if (authChange) token = await ctx.changes.publish(trx);
      return value;
    });
  } catch (err) {
    if (token !== undefined) ctx.changes.abandoned(token);
    throw err;
  }
  if (token !== undefined) await ctx.changes.committed(token);
  return result;
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


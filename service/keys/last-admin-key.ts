/**
 * The last working admin key cannot be stopped through the API: not revoked or deleted, nor stopped through
 * a principal or a key it answers to (service/keys/chain.ts). Without one nobody can administer the service,
 * and only the data dir could make another. A working admin key is active (neither revoked nor expired), has
 * the admin role, and so does every principal it answers to, all enabled: the key acts as admin. Expiry and
 * allow lists are not part of it: an admin may fence or time-limit their own key, and recover-admin is the
 * way back from that.
 * @module
 */
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import type { Database, Role } from '../db/tables';
import { forUpdate } from '../db/transaction';
import { ApiError } from '../errors';
import { principalStates } from './auth-record';
import { chainsOf } from './chain';

/**
 * The working admin keys, read inside the write's transaction. Every unrevoked admin key is locked first, in id
 * order: on PostgreSQL two writes that each stop one admin key (two keys revoking each other, an admin account
 * disabled while the last admin user is demoted) would otherwise each still see the other's key and both
 * succeed. The second waits, then re-reads.
 */
async function workingAdminKeys(ctx: ServiceContext, trx: Transaction<Database>): Promise<string[]> {
  const candidates = await forUpdate(
    ctx,
    trx.selectFrom('api_keys').select(['id', 'owner_id', 'created_by', 'expires_at']).where('role', '=', 'admin').where('revoked_at', 'is', null).orderBy('id'),
  ).execute();
  const now = new Date().toISOString();
  const live = candidates.filter((k) => k.expires_at === null || k.expires_at > now);
  if (live.length === 0) return [];
  // Acting as admin: every principal the key answers to, up its chain, is an enabled admin (service/keys/chain.ts).
  const chains = await chainsOf(
    trx,
    live.map((k) => k.id),
  );
  const states = await principalStates(trx, [...new Set([...chains.values()].flatMap((c) => c.principals))]);
  return live
    .filter((k) => {
      const chain = chains.get(k.id);
      return !!chain && !chain.broken && chain.principals.every((p) => states.get(p)?.role === 'admin' && !states.get(p)!.disabled);
    })
    .map((k) => k.id);
}

/**
 * Runs `write` inside the transaction, and, when `guard.when` says the write may stop an admin key, throws 409 (rolling it back) when the write left no working admin
 * key where there was one: demoting, disabling or deleting a principal stops every key that answers to it, so
 * the guard checks what the write did rather than what it names. `what` says what was refused.
 */
export async function keepingAdminAccess<T>(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  guard: { what: string; when: boolean },
  write: () => Promise<T>,
): Promise<T> {
  // Only an admin principal or an admin key can be, or be above, a working admin key: other writes skip the
  // check, and the lock on every admin key it takes.
  if (!guard.when) return write();
  const { what } = guard;
  const before = await workingAdminKeys(ctx, trx);
  const result = await write();
  if (before.length > 0 && (await workingAdminKeys(ctx, trx)).length === 0) {
    throw new ApiError(
      'conflict',
      `${what} would stop the last working admin key (${before.join(', ')}): without one nobody could administer the service; issue another admin key first`,
    );
  }
  return result;
}

/** A change to an admin principal that takes its admin role away or disables it: keys answering to it stop acting as admin. */
export function takesAdminAway(current: Role, change: { role?: Role; disabled?: boolean }): boolean {
  return current === 'admin' && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
}

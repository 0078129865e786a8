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
 * Chains are read a few keys at a time, so a check that needs one working admin key reads few chains; the
 * batch doubles (up to the last) when many admin keys do not work, so that case takes few queries too.
 */
const FIRST_BATCH = 8;
const LAST_BATCH = 256;

/** How many of the keys a refused write would stop its message names. */
const NAMED = 5;

function named(ids: string[]): string {
  return ids.length < NAMED ? ids.join(', ') : `${ids.join(', ')} and maybe more`;
}

/**
 * Working admin keys, read inside the write's transaction, in id order, stopping once `enough` are found:
 * the guards need to know that one (or two) exist, and reading every admin key's chain made each write to an
 * admin key cost as much as there were admin keys. On PostgreSQL every unrevoked admin key is locked first,
 * in id order: two writes that each stop one admin key (two keys revoking each other, an admin account
 * disabled while the last admin user is demoted) would otherwise each still see the other's key and both
 * succeed; the second waits, then re-reads. SQLite runs one transaction at a time, so it reads a page at a time.
 */
async function workingAdminKeys(ctx: ServiceContext, trx: Transaction<Database>, enough: number): Promise<string[]> {
  const now = new Date().toISOString();
  const unrevoked = trx.selectFrom('api_keys').select(['id', 'expires_at']).where('role', '=', 'admin').where('revoked_at', 'is', null).orderBy('id');
  const locked =
    ctx.store.dialect === 'postgres' ? (await forUpdate(ctx, unrevoked).execute()).filter((k) => k.expires_at === null || k.expires_at > now) : undefined;
  const page = async (after: string | undefined, size: number): Promise<string[]> => {
    if (locked)
      return locked
        .filter((k) => after === undefined || k.id > after)
        .slice(0, size)
        .map((k) => k.id);
    const rows = await unrevoked
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .$if(after !== undefined, (q) => q.where('id', '>', after!))
      .limit(size)
      .execute();
    return rows.map((k) => k.id);
  };
  const working: string[] = [];
  let after: string | undefined;
  for (let size = FIRST_BATCH; working.length < enough; size = Math.min(size * 2, LAST_BATCH)) {
    const batch = await page(after, size);
    if (batch.length === 0) break;
    after = batch[batch.length - 1];
    // Acting as admin: every principal the key answers to, up its chain, is an enabled admin (service/keys/chain.ts).
    const chains = await chainsOf(trx, batch);
    const states = await principalStates(trx, [...new Set([...chains.values()].flatMap((c) => c.principals))]);
    for (const id of batch) {
      const chain = chains.get(id);
      if (chain && !chain.broken && chain.principals.every((p) => states.get(p)?.role === 'admin' && !states.get(p)!.disabled)) working.push(id);
    }
  }
  return working.slice(0, enough);
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
  // Before the write, the keys it could be stopping (a few are enough to name them); after it, whether one is left.
  const before = await workingAdminKeys(ctx, trx, NAMED);
  const result = await write();
  if (before.length > 0 && (await workingAdminKeys(ctx, trx, 1)).length === 0) {
    throw new ApiError(
      'conflict',
      `${what} would stop the last working admin key (${named(before)}): without one nobody could administer the service; issue another admin key first`,
    );
  }
  return result;
}

/**
 * A rotation with no overlap ends the secret in use at once. When the key is the last working admin key and
 * the new secret goes into the secret store, nobody holds a working admin secret any more: reading the entry
 * needs a working key. 409 (naming overlap_seconds) then; an overlap lets the caller read the new secret with
 * the old one first. In the response or encrypted to a PGP key, the secret comes back in the answer.
 */
export async function assertRotationKeepsAdminAccess(ctx: ServiceContext, trx: Transaction<Database>, keyId: string): Promise<void> {
  const working = await workingAdminKeys(ctx, trx, 2);
  if (working.length !== 1 || working[0] !== keyId) return;
  throw new ApiError(
    'conflict',
    `rotating API key ${keyId} with no overlap into the secret store would leave no working admin secret in hand: it is the last working admin key, its current secret would stop at once, and reading the new one from the secret store needs a working key. Give overlap_seconds (then read the new secret with the current one), deliver the secret in the response, or issue another admin key first`,
    'overlap_seconds',
  );
}

/** A change to an admin principal that takes its admin role away or disables it: keys answering to it stop acting as admin. */
export function takesAdminAway(current: Role, change: { role?: Role; disabled?: boolean }): boolean {
  return current === 'admin' && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
}

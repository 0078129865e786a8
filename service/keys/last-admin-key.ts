/**
 * The last working admin key cannot be revoked or deleted through the API: without one nobody can administer
 * the service, and only the data dir could make another. A working admin key is active (neither revoked nor
 * expired), has the admin role, and so does every principal it answers to, all enabled: the key acts as admin.
 * @module
 */
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import type { Database } from '../db/tables';
import { forUpdate } from '../db/transaction';
import { ApiError } from '../errors';
import { principalStates } from './auth-record';
import { chainsOf } from './chain';

/** Throws 409 when `keyId` is a working admin key and no other is left. Call inside the write's transaction. */
export async function assertAnotherWorkingAdminKey(ctx: ServiceContext, trx: Transaction<Database>, keyId: string): Promise<void> {
  // Lock every unrevoked admin key, in id order, before counting: on PostgreSQL two admin keys revoking each
  // other at once would otherwise each still see the other and both succeed. The second waits, then re-reads.
  const candidates = await forUpdate(
    ctx,
    trx.selectFrom('api_keys').select(['id', 'owner_id', 'created_by', 'expires_at']).where('role', '=', 'admin').where('revoked_at', 'is', null).orderBy('id'),
  ).execute();
  const now = new Date().toISOString();
  const live = candidates.filter((k) => k.expires_at === null || k.expires_at > now);
  if (!live.some((k) => k.id === keyId)) return;
  // Acting as admin: every principal the key answers to, up its chain, is an enabled admin (service/keys/chain.ts).
  const chains = await chainsOf(
    trx,
    live.map((k) => k.id),
  );
  const states = await principalStates(trx, [...new Set([...chains.values()].flatMap((c) => c.principals))]);
  const working = live.filter((k) => {
    const chain = chains.get(k.id);
    return !!chain && !chain.broken && chain.principals.every((p) => states.get(p)?.role === 'admin' && !states.get(p)!.disabled);
  });
  if (working.some((k) => k.id === keyId) && !working.some((k) => k.id !== keyId)) {
    throw new ApiError(
      'conflict',
      `API key ${keyId} is the last working admin key: without it nobody could administer the service; issue another admin key first`,
    );
  }
}

/**
 * The last working admin key cannot be revoked or deleted through the API: without one nobody can administer
 * the service, and only the data dir could make another. A working admin key is active (neither revoked nor
 * expired), has the admin role, and so do its owner and its creator, both enabled: the key acts as admin.
 * @module
 */
import type { Transaction } from 'kysely';
import type { ServiceContext } from '../context';
import type { Database } from '../db/tables';
import { forUpdate } from '../db/transaction';
import { ApiError } from '../errors';

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
  const principals = [...new Set(live.flatMap((k) => [k.owner_id, k.created_by]))];
  const admins = new Set<string>();
  const users = principals.filter((id) => id.startsWith('usr_'));
  const accounts = principals.filter((id) => id.startsWith('sa_'));
  if (users.length > 0) {
    for (const u of await trx.selectFrom('users').select('id').where('id', 'in', users).where('role', '=', 'admin').where('disabled', '=', 0).execute())
      admins.add(u.id);
  }
  if (accounts.length > 0) {
    const rows = await trx
      .selectFrom('service_accounts')
      .select('id')
      .where('id', 'in', accounts)
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .execute();
    for (const a of rows) admins.add(a.id);
  }
  const working = live.filter((k) => admins.has(k.owner_id) && admins.has(k.created_by));
  if (working.some((k) => k.id === keyId) && !working.some((k) => k.id !== keyId)) {
    throw new ApiError(
      'conflict',
      `API key ${keyId} is the last working admin key: without it nobody could administer the service; issue another admin key first`,
    );
  }
}

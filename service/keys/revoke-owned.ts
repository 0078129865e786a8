/**
 * Revokes every active key a principal owns or created, used when a user or service account is deleted.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

export async function revokeKeysOf(trx: Kysely<Database>, principalId: string, reason: string): Promise<number> {
  const now = new Date().toISOString();
  const result = await trx
    .updateTable('api_keys')
    .set({ revoked_at: now, revoke_reason: reason, updated_at: now })
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('owner_id', '=', principalId), eb('created_by', '=', principalId)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

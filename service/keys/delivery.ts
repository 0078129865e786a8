/**
 * Where a new secret goes (contract/api/delivery.ts), for a create and a rotation. `prepareDelivery` runs
 * before the transaction (checks that need no lock; the PGP encryption, which is slow); `deliver` runs inside
 * it, so the secret-store entry commits with the key or not at all.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { DEFAULT_DELIVERY_ENTRY_KEY, type Delivered, type Delivery } from '../../contract/api/delivery';
import { encryptToPgpKey, parsePgpPublicKey } from '../../contract/pgp-key';
import type { ServiceContext } from '../context';
import type { ApiKeysTable, Database } from '../db/tables';
import { ApiError, invalidArgument } from '../errors';
import { isAdmin } from '../http/auth';
import { assertMayWriteSecret, canWrite } from '../secrets/access';
import { removeEntryIfWrittenIn, writeEntries } from '../secrets/store';
import { accountsActedFor } from '../service-accounts/stewards';

export type PreparedDelivery =
  | { mode: 'response'; secret: string }
  | { mode: 'secret_store'; secret: string; secretId: string; entryKey: string; field: string }
  | { mode: 'pgp'; encrypted: string; fingerprint: string };

/** Checks `delivery` (`field` names it in errors) and does the work that needs no transaction. */
export async function prepareDelivery(
  ctx: ServiceContext,
  request: FastifyRequest,
  delivery: Delivery | undefined,
  secret: string,
  field = 'delivery',
): Promise<PreparedDelivery> {
  if (delivery?.secret_store && delivery.pgp_public_key !== undefined)
    throw invalidArgument(field, 'give secret_store or pgp_public_key, not both: a secret goes to exactly one place');
  if (delivery?.secret_store) {
    const target = delivery.secret_store;
    const row = await ctx.store.db.selectFrom('secrets').selectAll().where('id', '=', target.secret_id).executeTakeFirst();
    if (!row) throw new ApiError('not_found', `secret ${target.secret_id} does not exist`, `${field}.secret_store.secret_id`);
    await assertMayWriteSecret(ctx.store.db, request, row, `${field}.secret_store.secret_id`);
    return {
      mode: 'secret_store',
      secret,
      secretId: target.secret_id,
      entryKey: target.entry_key ?? DEFAULT_DELIVERY_ENTRY_KEY,
      field: `${field}.secret_store`,
    };
  }
  if (delivery?.pgp_public_key !== undefined) {
    const parsed = await parsePgpPublicKey(delivery.pgp_public_key, `${field}.pgp_public_key`);
    if (!parsed.ok) throw invalidArgument(`${field}.pgp_public_key`, parsed.detail);
    return { mode: 'pgp', encrypted: await encryptToPgpKey(parsed.key, secret), fingerprint: parsed.fingerprint };
  }
  return { mode: 'response', secret };
}

/** Delivers inside `trx`; the answer's `delivery`, and the secret itself only in response mode. */
export async function deliver(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  request: FastifyRequest,
  prepared: PreparedDelivery,
): Promise<{ delivery: Delivered; secret?: string }> {
  switch (prepared.mode) {
    case 'response':
      return { delivery: { mode: 'response' }, secret: prepared.secret };
    case 'secret_store': {
      // A secret too full for one more entry is a 400 naming the delivery, and the key is not made.
      const version = await writeEntries(ctx, trx, request, {
        secretId: prepared.secretId,
        entries: { [prepared.entryKey]: prepared.secret },
        entriesField: prepared.field,
      });
      return { delivery: { mode: 'secret_store', secret_store: { secret_id: prepared.secretId, entry_key: prepared.entryKey, version: version.version } } };
    }
    case 'pgp':
      return { delivery: { mode: 'pgp', pgp: { encrypted_secret: prepared.encrypted, key_fingerprint: prepared.fingerprint } } };
  }
}

/**
 * The key row's record of where its current secret went: the secret-store entry (so deleting the key can
 * remove it, service/keys/routes.ts), or nulls for the other modes.
 */
export function deliveredColumns(delivered: Delivered): {
  delivered_secret_id: string | null;
  delivered_entry_key: string | null;
  delivered_version: number | null;
} {
  const to = delivered.secret_store;
  return { delivered_secret_id: to?.secret_id ?? null, delivered_entry_key: to?.entry_key ?? null, delivered_version: to?.version ?? null };
}

/** The secret columns of a key as first inserted: first secret, no rotation, nothing delivered yet. */
export const FIRST_SECRET_COLUMNS = {
  delivered_secret_id: null,
  delivered_entry_key: null,
  delivered_version: null,
  secret_version: 1,
  rotated_at: null,
  previous_key_hash: null,
  previous_display_prefix: null,
  previous_secret_expires_at: null,
} as const;

/** What deleting a key did to the secret-store entry its secret was delivered to. */
export interface DeliveredEntryOutcome {
  secret_id: string;
  entry_key: string;
  /** The version the key's secret was written in. */
  delivered_version: number;
  /**
   * removed: a new version without the entry (`version`). kept: the entry stays, because `reason`:
   * `not_current` (the entry holds a value written since, a replacement key's say, or was removed),
   * `not_writable` (the caller may not write the secret; the key is deleted all the same, and someone who
   * may write it removes the entry), `secret_gone` (the secret was deleted).
   */
  outcome: 'removed' | 'kept';
  version?: number;
  reason?: 'not_current' | 'not_writable' | 'secret_gone';
}

/** Response header of DELETE /v1/api-keys/{id} saying what became of the delivered entry. */
export const DELIVERED_ENTRY_HEADER = 'Keyplane-Delivered-Entry';

/** `removed; secret=sec_…; entry=api_key; version=8`, or `kept; secret=…; entry=…; reason=not_current`. */
export function deliveredEntryHeader(e: DeliveredEntryOutcome): string {
  const tail = e.outcome === 'removed' ? `version=${e.version}` : `reason=${e.reason}`;
  return `${e.outcome}; secret=${e.secret_id}; entry=${e.entry_key}; ${tail}`;
}

/**
 * Inside the deleting transaction: removes the entry `key`'s secret was delivered to, if it still holds that
 * secret (written in `delivered_version`) and the caller may write the secret. undefined when the secret went
 * elsewhere.
 */
export async function removeDeliveredEntry(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  request: FastifyRequest,
  key: ApiKeysTable,
): Promise<DeliveredEntryOutcome | undefined> {
  if (key.delivered_secret_id === null || key.delivered_entry_key === null || key.delivered_version === null) return undefined;
  const base = { secret_id: key.delivered_secret_id, entry_key: key.delivered_entry_key, delivered_version: key.delivered_version };
  const secret = await trx.selectFrom('secrets').selectAll().where('id', '=', key.delivered_secret_id).executeTakeFirst();
  if (!secret) return { ...base, outcome: 'kept', reason: 'secret_gone' };
  // Deleting a key must not need a right over the secret (the key may have to go now, because it leaked):
  // without it the entry stays, and the answer and the audit event say so.
  const acted = isAdmin(request) ? new Set<string>() : await accountsActedFor(trx, request);
  if (!canWrite(request, secret, acted)) return { ...base, outcome: 'kept', reason: 'not_writable' };
  const removed = await removeEntryIfWrittenIn(ctx, trx, request, { secretId: base.secret_id, entryKey: base.entry_key, version: base.delivered_version });
  return removed ? { ...base, outcome: 'removed', version: removed.version } : { ...base, outcome: 'kept', reason: 'not_current' };
}

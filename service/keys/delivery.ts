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
import type { Database } from '../db/tables';
import { invalidArgument, notFound } from '../errors';
import { assertMayWriteSecret } from '../secrets/access';
import { writeEntries } from '../secrets/store';

export type PreparedDelivery =
  | { mode: 'response'; secret: string }
  | { mode: 'secret_store'; secret: string; secretId: string; entryKey: string }
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
    if (!row) throw notFound('secret', target.secret_id);
    await assertMayWriteSecret(ctx.store.db, request, row, `${field}.secret_store.secret_id`);
    return { mode: 'secret_store', secret, secretId: target.secret_id, entryKey: target.entry_key ?? DEFAULT_DELIVERY_ENTRY_KEY };
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
      const version = await writeEntries(ctx, trx, request, { secretId: prepared.secretId, entries: { [prepared.entryKey]: prepared.secret } });
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

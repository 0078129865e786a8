/**
 * First-time set-up of a store: the first admin user and the first admin API key, created once. A store that
 * was initialised before is refused, so a repeated `init` can never mint a second bootstrap key. The way back
 * when every admin key is gone is recoverAdmin, which only holders of the store and master key can run.
 * @module
 */
import { FIRST_SECRET_COLUMNS } from './keys/delivery';
import { writeAudit } from './audit/audit-log';
import { displayPrefix, generateKey } from '../contract/key-format';
import type { ServiceContext } from './context';
import { inTransaction } from './db/transaction';
import { newId } from './ids';
import type { Insertable } from 'kysely';
import type { ApiKeysTable } from './db/tables';

export class AlreadyInitialisedError extends Error {
  readonly code = 'already_initialised';
}

export async function isInitialised(ctx: ServiceContext): Promise<boolean> {
  return !!(await ctx.store.db.selectFrom('keyplane_meta').select('value').where('name', '=', 'initialized_at').executeTakeFirst());
}

export async function initialise(ctx: ServiceContext, admin: { email: string; name: string }): Promise<{ userId: string; keyId: string; secret: string }> {
  const secret = generateKey();
  const userId = newId('user');
  const keyId = newId('apiKey');
  const now = new Date().toISOString();
  await inTransaction(ctx, async (trx) => {
    // The meta row is the lock: a second init fails on its primary key even when two run at once.
    const marked = await trx
      .insertInto('keyplane_meta')
      .values({ name: 'initialized_at', value: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(marked.numInsertedOrUpdatedRows ?? 0n) === 0)
      throw new AlreadyInitialisedError('this store is already initialised; its admin key was shown when it was');
    await trx
      .insertInto('users')
      .values({ id: userId, email: admin.email.toLowerCase(), name: admin.name, role: 'admin', disabled: 0, created_at: now, updated_at: now })
      .execute();
    await trx
      .insertInto('api_keys')
      .values(adminKeyRow(ctx, { keyId, userId, secret, now, name: 'bootstrap admin key', description: 'Created by keyplane server init' }))
      .execute();
    await writeAudit(trx, { action: 'server.init', target: { type: 'user', id: userId }, details: { key_id: keyId } });
  });
  return { userId, keyId, secret };
}

/** The row of an admin key a user owns and made: the bootstrap key, or a recovered one. */
function adminKeyRow(
  ctx: ServiceContext,
  k: { keyId: string; userId: string; secret: string; now: string; name: string; description: string },
): Insertable<ApiKeysTable> {
  return {
    id: k.keyId,
    name: k.name,
    description: k.description,
    owner_type: 'user',
    owner_id: k.userId,
    created_by: k.userId,
    role: 'admin',
    scopes: '[]',
    labels: '{}',
    expires_at: null,
    key_hash: ctx.hasher.hash(k.secret),
    display_prefix: displayPrefix(k.secret),
    created_at: k.now,
    updated_at: k.now,
    revoked_at: null,
    revoke_reason: null,
    last_used_at: null,
    last_used_ip: null,
    last_used_claimed_ip: null,
    created_by_key: null,
    ...FIRST_SECRET_COLUMNS,
  };
}

export class RecoveryError extends Error {}

/**
 * A new admin key, for when no working admin key is left (`keyplane server recover-admin`, which needs the
 * store and its master key, so only someone with the data dir can run it). It goes to the user `email` names,
 * who becomes an enabled admin if they were not; without `email`, to the longest-standing enabled admin.
 */
export async function recoverAdmin(
  ctx: ServiceContext,
  options: { email?: string } = {},
): Promise<{ userId: string; email: string; keyId: string; secret: string; promoted: boolean }> {
  if (!(await isInitialised(ctx))) throw new RecoveryError('this store is not initialised: run `keyplane server init` first');
  const secret = generateKey();
  const keyId = newId('apiKey');
  const now = new Date().toISOString();
  return inTransaction(ctx, async (trx) => {
    const user = options.email
      ? await trx.selectFrom('users').select(['id', 'email', 'role', 'disabled']).where('email', '=', options.email.toLowerCase()).executeTakeFirst()
      : await trx
          .selectFrom('users')
          .select(['id', 'email', 'role', 'disabled'])
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .orderBy('created_at')
          .orderBy('id')
          .executeTakeFirst();
    if (!user) {
      throw new RecoveryError(
        options.email ? `no user has the email ${options.email}` : 'no enabled admin user is left: name the user to make admin with --email',
      );
    }
    const promoted = user.role !== 'admin' || user.disabled !== 0;
    if (promoted) await trx.updateTable('users').set({ role: 'admin', disabled: 0, updated_at: now }).where('id', '=', user.id).execute();
    const name = 'recovered admin key';
    await trx
      .insertInto('api_keys')
      .values(adminKeyRow(ctx, { keyId, userId: user.id, secret, now, name, description: 'Created by keyplane server recover-admin' }))
      .execute();
    await writeAudit(trx, { action: 'server.recover_admin', target: { type: 'user', id: user.id }, details: { key_id: keyId, promoted } });
    return { userId: user.id, email: user.email, keyId, secret, promoted };
  });
}

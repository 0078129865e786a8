/**
 * First-time set-up of a store: the first admin user and the first admin API key, created once. A store that
 * was initialised before is refused, so a repeated `init` can never mint a second bootstrap key.
 * @module
 */
import { writeAudit } from './audit/audit-log';
import { displayPrefix, generateKey } from '../contract/key-format';
import type { ServiceContext } from './context';
import { inTransaction } from './db/transaction';
import { newId } from './ids';

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
      .values({
        id: keyId,
        name: 'bootstrap admin key',
        description: 'Created by keyplane server init',
        owner_type: 'user',
        owner_id: userId,
        created_by: userId,
        role: 'admin',
        scopes: '[]',
        labels: '{}',
        expires_at: null,
        key_hash: ctx.hasher.hash(secret),
        display_prefix: displayPrefix(secret),
        created_at: now,
        updated_at: now,
        revoked_at: null,
        revoke_reason: null,
        last_used_at: null,
        last_used_ip: null,
        last_used_claimed_ip: null,
      })
      .execute();
    await writeAudit(trx, { action: 'server.init', target: { type: 'user', id: userId }, details: { key_id: keyId } });
  });
  return { userId, keyId, secret };
}

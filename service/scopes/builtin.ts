/**
 * The built-in `keyplane.*` scopes. They grant powers beyond a key's role, so only a caller that holds one
 * (or an admin) may grant it to another key.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

export const BUILTIN_SCOPES: Record<string, string> = {
  'keyplane.keys.verify': 'Call POST /v1/keys/verify to check keys presented to another service.',
  'keyplane.secrets.read': 'Read the entries of any secret in the secret store.',
  'keyplane.secrets.write': 'Write new versions of any secret in the secret store.',
  'keyplane.audit.read': 'Read the audit log.',
};

export const BUILTIN_PREFIX = 'keyplane.';

export async function seedBuiltinScopes(db: Kysely<Database>): Promise<void> {
  const now = new Date().toISOString();
  for (const [name, description] of Object.entries(BUILTIN_SCOPES)) {
    await db
      .insertInto('scopes')
      .values({ name, description, builtin: 1, created_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ description, builtin: 1 }))
      .execute();
  }
}

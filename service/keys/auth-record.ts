/**
 * What verification needs to know about a key, loaded in one place: the key row, the current role and state
 * of its owner and creator, and the ranges of its allow lists.
 * @module
 */
import type { Kysely } from 'kysely';
import { type ParsedCidr, parseNormalisedCidr } from '../../contract/cidr';
import type { Database, OwnerType, Role } from '../db/tables';
import { lowerRole } from '../../contract/roles';

export interface Principal {
  type: OwnerType;
  id: string;
}

export interface AuthRecord {
  keyId: string;
  name: string;
  keyHash: string;
  owner: Principal;
  createdBy: Principal;
  role: Role;
  /** The role the key acts with: the lowest of its own, its owner's and its creator's current roles. */
  effectiveRole: Role;
  scopes: string[];
  expiresAt: number | null;
  revoked: boolean;
  /** The owner or the creator is disabled or gone. */
  ownerDisabled: boolean;
  /** Null when no allow list is attached: any address may use the key. */
  ranges: ParsedCidr[] | null;
}

export function principalOf(id: string): Principal {
  return { type: id.startsWith('sa_') ? 'service_account' : 'user', id };
}

async function principalState(db: Kysely<Database>, p: Principal): Promise<{ role: Role; disabled: boolean } | undefined> {
  const row =
    p.type === 'user'
      ? await db.selectFrom('users').select(['role', 'disabled']).where('id', '=', p.id).executeTakeFirst()
      : await db.selectFrom('service_accounts').select(['role', 'disabled']).where('id', '=', p.id).executeTakeFirst();
  return row && { role: row.role, disabled: row.disabled === 1 };
}

export async function loadAuthRecord(db: Kysely<Database>, keyHash: string): Promise<AuthRecord | undefined> {
  const key = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  if (!key) return undefined;
  const owner: Principal = { type: key.owner_type, id: key.owner_id };
  const createdBy = principalOf(key.created_by);
  const [ownerState, creatorState, lists] = await Promise.all([
    principalState(db, owner),
    principalState(db, createdBy),
    db
      .selectFrom('api_key_allow_lists')
      .innerJoin('ip_allow_lists', 'ip_allow_lists.id', 'api_key_allow_lists.allow_list_id')
      .select('ip_allow_lists.cidrs')
      .where('api_key_allow_lists.key_id', '=', key.id)
      .execute(),
  ]);
  const roles: Role[] = [key.role];
  if (ownerState) roles.push(ownerState.role);
  if (creatorState) roles.push(creatorState.role);
  return {
    keyId: key.id,
    name: key.name,
    keyHash: key.key_hash,
    owner,
    createdBy,
    role: key.role,
    effectiveRole: lowerRole(...roles),
    scopes: JSON.parse(key.scopes) as string[],
    expiresAt: key.expires_at ? Date.parse(key.expires_at) : null,
    revoked: key.revoked_at !== null,
    ownerDisabled: !ownerState || ownerState.disabled || !creatorState || creatorState.disabled,
    ranges: lists.length === 0 ? null : lists.flatMap((l) => (JSON.parse(l.cidrs) as string[]).map(parseNormalisedCidr)),
  };
}

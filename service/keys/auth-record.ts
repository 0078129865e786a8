/**
 * What verification needs to know about a key, loaded in one place: the key row, the current role and state
 * of its owner and creator, and the ranges of its allow lists. A record is loaded by the hash of a presented
 * secret and says which of the key's secrets that was: the current one, or the previous one while a
 * rotation's overlap lasts (service/keys/rotate-route.ts).
 * @module
 */
import type { KeyRateLimit } from './rate-limit';
import type { Kysely } from 'kysely';
import { type ParsedCidr, parseNormalisedCidr } from '../../contract/cidr';
import type { ApiKeysTable, Database, OwnerType, Role } from '../db/tables';
import type { MatchedSecret } from '../../contract/key-status';
import { lowerRole } from '../../contract/roles';
import { chainsOf } from './chain';
import { ID_PREFIXES } from '../ids';

export interface Principal {
  type: OwnerType;
  id: string;
}

export interface AuthRecord {
  keyId: string;
  name: string;
  /** The stored hash of the secret this record was loaded by (the current or the previous one). */
  keyHash: string;
  matched: MatchedSecret;
  /**
   * For the previous secret: when it stops working (ms since the epoch; refused from that instant on).
   * Null for the current secret, which lives as long as the key.
   */
  secretEndsAt: number | null;
  owner: Principal;
  createdBy: Principal;
  role: Role;
  /** The role the key acts with: the lowest of its own and the current roles of every principal up its chain. */
  effectiveRole: Role;
  scopes: string[];
  expiresAt: number | null;
  revoked: boolean;
  /** A principal up its chain (its owner and creator among them) is disabled or gone, or a key above it is. */
  ownerDisabled: boolean;
  /** Null when no allow list is attached: any address may use the key. */
  ranges: ParsedCidr[] | null;
  /** The key's own limit on uses per window, or null (service/keys/rate-limit.ts). */
  rateLimit: KeyRateLimit | null;
}

export function principalOf(id: string): Principal {
  return { type: id.startsWith(`${ID_PREFIXES.serviceAccount}_`) ? 'service_account' : 'user', id };
}

/** Role and state of each principal that exists, by id. */
export async function principalStates(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, { role: Role; disabled: boolean }>> {
  const states = new Map<string, { role: Role; disabled: boolean }>();
  const users = ids.filter((id) => principalOf(id).type === 'user');
  const accounts = ids.filter((id) => principalOf(id).type === 'service_account');
  if (users.length > 0)
    for (const r of await db.selectFrom('users').select(['id', 'role', 'disabled']).where('id', 'in', users).execute())
      states.set(r.id, { role: r.role, disabled: r.disabled === 1 });
  if (accounts.length > 0)
    for (const r of await db.selectFrom('service_accounts').select(['id', 'role', 'disabled']).where('id', 'in', accounts).execute())
      states.set(r.id, { role: r.role, disabled: r.disabled === 1 });
  return states;
}

/**
 * The key whose current secret has this hash, or else whose previous one has it. The second (indexed) query
 * runs only when the first finds nothing, so a key that was never rotated costs what it did before.
 */
async function keyByHash(db: Kysely<Database>, keyHash: string): Promise<{ key: ApiKeysTable; matched: MatchedSecret } | undefined> {
  const current = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  if (current) return { key: current, matched: 'current' };
  const previous = await db.selectFrom('api_keys').selectAll().where('previous_key_hash', '=', keyHash).executeTakeFirst();
  // A previous hash always comes with its end (rotate-route.ts writes the three together); one without is not trusted.
  if (previous?.previous_secret_expires_at) return { key: previous, matched: 'previous' };
  return undefined;
}

export async function loadAuthRecord(db: Kysely<Database>, keyHash: string): Promise<AuthRecord | undefined> {
  const found = await keyByHash(db, keyHash);
  if (!found) return undefined;
  const { key, matched } = found;
  const owner: Principal = { type: key.owner_type, id: key.owner_id };
  const createdBy = principalOf(key.created_by);
  const [chain, lists] = await Promise.all([
    chainsOf(db, [key.id]).then((c) => c.get(key.id)),
    db
      .selectFrom('api_key_allow_lists')
      .innerJoin('ip_allow_lists', 'ip_allow_lists.id', 'api_key_allow_lists.allow_list_id')
      .select('ip_allow_lists.cidrs')
      .where('api_key_allow_lists.key_id', '=', key.id)
      .execute(),
  ]);
  const principals = chain?.principals ?? [key.owner_id, key.created_by];
  const states = await principalStates(db, principals);
  const roles: Role[] = [key.role, ...principals.flatMap((p) => states.get(p)?.role ?? [])];
  return {
    keyId: key.id,
    name: key.name,
    keyHash: matched === 'current' ? key.key_hash : key.previous_key_hash!,
    matched,
    secretEndsAt: matched === 'current' ? null : Date.parse(key.previous_secret_expires_at!),
    owner,
    createdBy,
    role: key.role,
    effectiveRole: lowerRole(...roles),
    scopes: JSON.parse(key.scopes) as string[],
    expiresAt: key.expires_at ? Date.parse(key.expires_at) : null,
    revoked: key.revoked_at !== null,
    ownerDisabled: !chain || chain.broken || principals.some((p) => !states.get(p) || states.get(p)!.disabled),
    ranges: lists.length === 0 ? null : lists.flatMap((l) => (JSON.parse(l.cidrs) as string[]).map(parseNormalisedCidr)),
    rateLimit: key.rate_limit_max === null || key.rate_limit_window_s === null ? null : { max: key.rate_limit_max, windowMs: key.rate_limit_window_s * 1000 },
  };
}

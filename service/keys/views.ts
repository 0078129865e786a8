/**
 * Turns key rows into API objects, loading what a row does not hold (allow-list ids, the current roles of
 * owner and creator) in one query each for a whole page.
 * @module
 */
import type { Kysely } from 'kysely';
import type { ApiKeysTable, Database } from '../db/tables';
import { keyStatus } from '../../contract/key-status';
import { lowerRole } from '../../contract/roles';
import { principalStates } from './auth-record';
import { chainsOf } from './chain';
import type { ApiKey } from '../../contract/api/api-keys';

export async function toApiKeys(db: Kysely<Database>, rows: ApiKeysTable[]): Promise<ApiKey[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const links = await db.selectFrom('api_key_allow_lists').selectAll().where('key_id', 'in', ids).orderBy('allow_list_id').execute();
  const lists = new Map<string, string[]>();
  for (const l of links) lists.set(l.key_id, [...(lists.get(l.key_id) ?? []), l.allow_list_id]);
  const chains = await chainsOf(db, ids);
  const states = await principalStates(db, [...new Set([...chains.values()].flatMap((c) => c.principals))]);
  const now = Date.now();
  return rows.map((r) => {
    const chain = chains.get(r.id);
    const principals = chain?.principals ?? [r.owner_id, r.created_by];
    const usable = !!chain && !chain.broken && principals.every((p) => states.has(p));
    const status = keyStatus(r, now);
    // The previous secret is shown while it works: not past its end, and not once the key stopped (revoke, expiry).
    const previousLive =
      status === 'active' && r.previous_key_hash !== null && r.previous_secret_expires_at !== null && Date.parse(r.previous_secret_expires_at) > now;
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      owner_type: r.owner_type,
      owner_id: r.owner_id,
      service_account_id: r.owner_type === 'service_account' ? r.owner_id : null,
      created_by: r.created_by,
      created_by_key: r.created_by_key,
      role: r.role,
      // A principal or key gone from its chain leaves the key unusable; viewer is the honest floor to show.
      effective_role: usable ? lowerRole(r.role, ...principals.map((p) => states.get(p)!.role)) : 'viewer',
      scopes: JSON.parse(r.scopes) as string[],
      expires_at: r.expires_at,
      allow_list_ids: lists.get(r.id) ?? [],
      labels: JSON.parse(r.labels) as Record<string, string>,
      rate_limit: r.rate_limit_max === null || r.rate_limit_window_s === null ? null : { limit: r.rate_limit_max, window_seconds: r.rate_limit_window_s },
      status,
      display_prefix: r.display_prefix,
      created_at: r.created_at,
      updated_at: r.updated_at,
      revoked_at: r.revoked_at,
      revoke_reason: r.revoke_reason,
      last_used_at: r.last_used_at,
      last_used_ip: r.last_used_ip,
      last_used_claimed_ip: r.last_used_claimed_ip,
      secret_version: r.secret_version,
      rotated_at: r.rotated_at,
      previous_secret_expires_at: previousLive ? r.previous_secret_expires_at : null,
      previous_display_prefix: previousLive ? r.previous_display_prefix : null,
    };
  });
}

export async function toApiKey(db: Kysely<Database>, row: ApiKeysTable): Promise<ApiKey> {
  return (await toApiKeys(db, [row]))[0]!;
}

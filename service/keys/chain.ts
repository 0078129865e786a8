/**
 * Every key answers to a human: a key a service-account key minted (recorded in created_by_key) is bounded
 * by the owner and creator of that key too, and so on up while the creator is a service account, to the first
 * key a person made. So the key a service account's key mints still answers to the developer who gave the
 * service account its key: demote them and it is demoted, disable or delete them and it stops, at any depth.
 * A key a person made with their own key answers to that person (and its owner), as always. A link that no
 * longer exists (a deleted key) or is revoked stops everything below it: revoking a leaked service-account
 * key also stops the keys it minted. (An expired link does not: keys that rotate on a schedule keep what they
 * made working until it expires on its own.)
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables';
import { ID_PREFIXES } from '../ids';

const SERVICE_ACCOUNT_PREFIX = `${ID_PREFIXES.serviceAccount}_`;

/** Deeper chains are refused as broken: no legitimate chain of keys minting keys is this long. */
export const MAX_CHAIN_DEPTH = 64;

export interface Chain {
  /** The owner and creator of the key and of every key above it up to a person's, each once. */
  principals: string[];
  /** A key above it is revoked or no longer exists, or the chain is longer than MAX_CHAIN_DEPTH. */
  broken: boolean;
}

interface Link {
  start_id: string;
  id: string;
  owner_id: string;
  created_by: string;
  created_by_key: string | null;
  revoked_at: string | null;
  depth: number;
}

/** The chain of each key in `keyIds` (one recursive query for all of them). */
export async function chainsOf(db: Kysely<Database>, keyIds: readonly string[]): Promise<Map<string, Chain>> {
  const chains = new Map<string, Chain>();
  if (keyIds.length === 0) return chains;
  const { rows } = await sql<Link>`
    with recursive chain(start_id, id, owner_id, created_by, created_by_key, revoked_at, depth) as (
      select id, id, owner_id, created_by, created_by_key, revoked_at, 0 from api_keys where id in (${sql.join([...keyIds])})
      union all
      select chain.start_id, k.id, k.owner_id, k.created_by, k.created_by_key, k.revoked_at, chain.depth + 1
      from chain join api_keys k on k.id = chain.created_by_key
      where chain.created_by like ${`${SERVICE_ACCOUNT_PREFIX}%`} and chain.depth < ${MAX_CHAIN_DEPTH}
    )
    select start_id, id, owner_id, created_by, created_by_key, revoked_at, depth from chain`.execute(db);
  const byStart = new Map<string, Link[]>();
  for (const r of rows) byStart.set(r.start_id, [...(byStart.get(r.start_id) ?? []), r]);
  for (const [start, links] of byStart) {
    const top = links.reduce((a, b) => (Number(b.depth) > Number(a.depth) ? b : a));
    chains.set(start, {
      principals: [...new Set(links.flatMap((l) => [l.owner_id, l.created_by]))],
      // The topmost link reached must be a person's key, or one that names no key above it; no key above
      // the start may be revoked (the start's own state is the verifier's to judge).
      broken:
        (top.created_by_key !== null && top.created_by.startsWith(SERVICE_ACCOUNT_PREFIX)) || links.some((l) => Number(l.depth) > 0 && l.revoked_at !== null),
    });
  }
  return chains;
}

/**
 * For tests of several nodes on one PostgreSQL: what they do to the database behind the nodes' backs, and
 * waiting for a condition.
 */
import type { Client } from 'pg';
import { LISTENER_APPLICATION_NAME } from '../../service/changes';

/** Revokes a key behind every node's back: a plain UPDATE sends no notification, so only a cache hides it. */
export function revokeSilently(sql: Client, keyId: string) {
  return sql.query("update api_keys set revoked_at = $1, revoke_reason = 'silent' where id = $2", [new Date().toISOString(), keyId]);
}

/** The backend pids of the nodes' listening connections. */
export async function listenerPids(sql: Client): Promise<number[]> {
  return (await sql.query('select pid from pg_stat_activity where application_name = $1', [LISTENER_APPLICATION_NAME])).rows.map((r) => r.pid as number);
}

/** Resolves once `check` holds, polling every 20 ms; throws naming `what` after `ms`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * For tests of several nodes on one PostgreSQL: what they do to the database behind the nodes' backs, and
 * waiting for a condition.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { initialise } from '../../service/bootstrap';
import { LISTENER_APPLICATION_NAME } from '../../service/changes';
import { createContext } from '../../service/context';
import { createMasterKeyFile, readMasterKeyFile } from '../../service/crypto/master-key';
import { type RunningServer, startServer } from '../../service/server';
import { type PostgresServer, startPostgres } from './postgres';

export interface TwoNodes {
  pg: PostgresServer;
  a: RunningServer;
  b: RunningServer;
  /** The bootstrap admin key. */
  admin: string;
  /** Stops both nodes and PostgreSQL and removes the master key's directory. */
  stop(): Promise<void>;
}

/** A fresh PostgreSQL, initialised, and two service nodes on it sharing one master key file. */
export async function startTwoNodes(prefix: string): Promise<TwoNodes> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const masterKeyFile = join(dir, 'master.key');
  createMasterKeyFile(masterKeyFile);
  const ctx = await createContext({ databaseUrl: pg.url, masterKey: readMasterKeyFile(masterKeyFile) });
  const admin = (await initialise(ctx, { email: 'admin@example.com', name: 'Admin' })).secret;
  await ctx.close();
  const node = { databaseUrl: pg.url, masterKeyFile, listen: '127.0.0.1:0', logLevel: 'silent' as const };
  const [a, b] = await Promise.all([startServer(node), startServer(node)]);
  return {
    pg,
    a,
    b,
    admin,
    async stop() {
      await a.close();
      await b.close();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

/**
 * Console sessions, kept in the database so every node resolves them alike (and sign-out ends a session on
 * all of them at once). A session stores the hash of the key secret that opened it; each request verifies
 * that hash again (service/http/auth.ts), so what a session may do is what its key may do at that moment.
 * @module
 */
import type { Kysely } from 'kysely';
import type { ConsoleSessionsTable, Database } from '../db/tables';
import { newId } from '../ids';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS, SESSION_TOUCH_MS } from './session-policy';
import { isToken, newToken, tokenHash } from './tokens';

export interface ConsoleSession {
  id: string;
  keyId: string;
  keyHash: string;
  expiresAt: string;
}

export interface OpenedSession extends ConsoleSession {
  /** The token for the cookie; it exists nowhere else. */
  token: string;
}

function toSession(row: ConsoleSessionsTable): ConsoleSession {
  return { id: row.id, keyId: row.key_id, keyHash: row.key_hash, expiresAt: row.expires_at };
}

export class ConsoleSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async open(keyId: string, keyHash: string): Promise<OpenedSession> {
    const now = this.now();
    const token = newToken();
    const row: ConsoleSessionsTable = {
      id: newId('consoleSession'),
      token_hash: tokenHash(token),
      key_id: keyId,
      key_hash: keyHash,
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      expires_at: new Date(now + SESSION_LIFETIME_MS).toISOString(),
    };
    // Sessions past their lifetime are swept here, at the rare write, rather than by a timer on every node.
    await this.db.deleteFrom('console_sessions').where('expires_at', '<=', row.created_at).execute();
    await this.db.insertInto('console_sessions').values(row).execute();
    return { ...toSession(row), token };
  }

  /** The live session the token opens, its last use recorded; undefined once it has ended (and then it is deleted). */
  async resolve(token: string): Promise<ConsoleSession | undefined> {
    if (!isToken(token)) return undefined;
    const row = await this.db.selectFrom('console_sessions').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
    if (!row) return undefined;
    const now = this.now();
    const lastSeen = Date.parse(row.last_seen_at);
    if (Date.parse(row.expires_at) <= now || lastSeen + SESSION_IDLE_MS <= now) {
      await this.end(row.id);
      return undefined;
    }
    if (lastSeen + SESSION_TOUCH_MS <= now) {
      await this.db
        .updateTable('console_sessions')
        .set({ last_seen_at: new Date(now).toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    return toSession(row);
  }

  /** Ends the session the token names, if any is live; returns what it was. */
  async signOut(token: string): Promise<ConsoleSession | undefined> {
    if (!isToken(token)) return undefined;
    const row = await this.db.selectFrom('console_sessions').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
    if (!row) return undefined;
    await this.end(row.id);
    return toSession(row);
  }

  async end(id: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('id', '=', id).execute();
  }
}

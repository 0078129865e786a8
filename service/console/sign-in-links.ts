/**
 * One-time sign-in links: a key holder (the `keyplane console` command) asks for one, and the browser that
 * opens it gets a session acting as that key. The token is spent by a delete that only one redeemer can win,
 * so a link works once even when two nodes are asked at the same instant.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { SIGN_IN_LINK_TTL_MS } from './session-policy';
import { isToken, newToken, tokenHash } from './tokens';

export interface SignInLink {
  token: string;
  expiresAt: string;
}

export class SignInLinks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(keyId: string, keyHash: string): Promise<SignInLink> {
    const now = this.now();
    const token = newToken();
    const createdAt = new Date(now).toISOString();
    const expiresAt = new Date(now + SIGN_IN_LINK_TTL_MS).toISOString();
    await this.db.deleteFrom('console_sign_in_links').where('expires_at', '<=', createdAt).execute();
    await this.db
      .insertInto('console_sign_in_links')
      .values({ token_hash: tokenHash(token), key_id: keyId, key_hash: keyHash, created_at: createdAt, expires_at: expiresAt })
      .execute();
    return { token, expiresAt };
  }

  /** Spends the link: the key it signs in as, or undefined when it is unknown, spent or expired. */
  async redeem(token: string): Promise<{ keyId: string; keyHash: string } | undefined> {
    if (!isToken(token)) return undefined;
    const hash = tokenHash(token);
    const row = await this.db.selectFrom('console_sign_in_links').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    if (!row) return undefined;
    const spent = await this.db.deleteFrom('console_sign_in_links').where('token_hash', '=', hash).executeTakeFirst();
    if (Number(spent.numDeletedRows) !== 1) return undefined;
    if (Date.parse(row.expires_at) <= this.now()) return undefined;
    return { keyId: row.key_id, keyHash: row.key_hash };
  }
}

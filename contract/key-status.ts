/**
 * A key's status, derived from its row: revoked (at once, for good), expired (its expiry passed), or active.
 * @module
 */
export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const;

export type KeyStatus = (typeof KEY_STATUSES)[number];

export function keyStatus(key: { revoked_at: string | null; expires_at: string | null }, now = Date.now()): KeyStatus {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'expired';
  return 'active';
}

/**
 * Which of a key's secrets a request presented. After a rotation with an overlap a key has two: the current
 * one, and the previous one until `previous_secret_expires_at`.
 */
export const MATCHED_SECRETS = ['current', 'previous'] as const;
export type MatchedSecret = (typeof MATCHED_SECRETS)[number];

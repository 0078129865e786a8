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

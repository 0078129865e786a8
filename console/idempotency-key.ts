/**
 * A fresh Idempotency-Key (contract/idempotency.ts) for one opening of a dialog that makes a key or a secret:
 * sent with every try of its POST, so a double submit or a retry after a lost answer replays the first answer
 * (service/keys/idempotency.ts) instead of making a second key. 128 random bits in UUID form, from
 * getRandomValues: crypto.randomUUID exists only in secure contexts, and the console may be served over plain
 * HTTP.
 */
import { IDEMPOTENCY_HEADER } from '../contract/idempotency';

export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The request header carrying `key`. */
export const idempotencyHeader = (key: string): Record<string, string> => ({ [IDEMPOTENCY_HEADER]: key });

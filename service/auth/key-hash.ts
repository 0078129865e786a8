/**
 * Keys are stored as HMAC-SHA256 under a key derived from the master key, so a copy of the database alone
 * is not enough to test guesses offline. Lookups are by this hash; the final comparison is constant-time.
 * @module
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export class KeyHasher {
  private readonly hmacKey: Buffer;

  constructor(masterKey: Buffer) {
    this.hmacKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'keyplane api-key hash v1', 32));
  }

  hash(key: string): string {
    return createHmac('sha256', this.hmacKey).update(key, 'utf8').digest('base64url');
  }

  /** Constant-time check that a stored hash belongs to the presented key. */
  matches(key: string, storedHash: string): boolean {
    return sameHash(this.hash(key), storedHash);
  }
}

/** Constant-time comparison of two hashes, for a caller that already computed the presented key's hash. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64url');
  const y = Buffer.from(b, 'base64url');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Keys are stored as HMAC-SHA256 under a key derived from the master key, so a copy of the database alone
 * is not enough to test guesses offline. Lookups are by this hash; the final comparison is constant-time.
 *
 * The HMAC is computed as RFC 2104 defines it, H((K ^ opad) || H((K ^ ipad) || m)), with two one-shot
 * `crypto.hash` calls over buffers padded once: every request hashes a key or two, and `createHmac` builds a
 * key object and an OpenSSL MAC context each time, about twice the cost. key-hash.test.ts checks the two agree.
 * @module
 */
import { hash, hkdfSync, timingSafeEqual } from 'node:crypto';

const BLOCK = 64; // SHA-256's block size, which the HMAC pads its key to
const DIGEST = 32;

export class KeyHasher {
  /** (K ^ ipad), then room for the message; grown for a longer one. Reused: hashing is synchronous. */
  private inner: Buffer;
  /** (K ^ opad), then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);

  constructor(masterKey: Buffer) {
    const hmacKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'keyplane api-key hash v1', DIGEST));
    this.inner = Buffer.alloc(BLOCK + 256);
    for (let i = 0; i < BLOCK; i++) {
      const k = i < hmacKey.length ? hmacKey[i]! : 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
  }

  hash(key: string): string {
    // Room for the longest UTF-8 encoding first: Buffer.write truncates silently.
    if (BLOCK + key.length * 3 > this.inner.length) {
      const grown = Buffer.alloc(BLOCK + key.length * 3);
      this.inner.copy(grown, 0, 0, BLOCK);
      this.inner = grown;
    }
    const length = BLOCK + this.inner.write(key, BLOCK, 'utf8');
    // A digest as a 'binary' (latin1) string and written back is cheaper than asking for a Buffer.
    const innerDigest = hash('sha256', this.inner.subarray(0, length), 'binary');
    this.inner.fill(0, BLOCK, length); // the key's bytes are not left behind in a long-lived buffer
    this.outer.write(innerDigest, BLOCK, 'binary');
    return hash('sha256', this.outer, 'base64url');
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

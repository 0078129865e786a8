/**
 * The hash of the key a connection last authenticated with, kept on the connection: a service that verifies
 * keys sends the same bearer key on every request of a keep-alive connection, and hashing it each time was
 * half of verify's HMAC work. Only the hash computation is saved: the verifier still checks the key's record
 * (revocation, expiry, owners, allow lists) on every request. The presented key is compared in constant time,
 * since a proxy may carry several clients' requests over one upstream connection; the entry goes with the
 * connection.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { KEY_LENGTH } from '../../contract/key-format';
import type { KeyHasher } from '../auth/key-hash';

export class CallerHashes {
  private readonly byConnection = new WeakMap<object, { key: Buffer; hash: string }>();

  constructor(private readonly hasher: KeyHasher) {}

  /** The hash of `key` as presented on `connection`; undefined for a string that cannot be a key (not hashed). */
  hashOf(connection: object | undefined, key: string): string | undefined {
    if (key.length !== KEY_LENGTH) return undefined;
    if (!connection) return this.hasher.hash(key);
    const presented = Buffer.from(key, 'utf8');
    const last = this.byConnection.get(connection);
    if (last && last.key.length === presented.length && timingSafeEqual(last.key, presented)) return last.hash;
    const hash = this.hasher.hash(key);
    this.byConnection.set(connection, { key: presented, hash });
    return hash;
  }
}

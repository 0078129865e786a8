/**
 * Key verification, shared by `POST /v1/keys/verify` and by the API's own bearer authentication.
 *
 * Stages, side effects last: the key's length, its hash, the record through a cache; on a cache miss the
 * format and checksum first (no lookup for a mistyped key) and a constant-time comparison of the stored hash;
 * then on every request revoked, expired, owner or creator disabled, client address against the allow lists,
 * required scopes, and finally the batched last-used record. A failed verification is an outcome, not an
 * exception; only system faults throw.
 *
 * The cache holds records by the hash they were looked up by, and only records of well-formed keys whose
 * stored hash compared equal to it, so a hit stands for both checks: a key whose hash is in the cache is that
 * well-formed key (HMAC-SHA256 does not collide). That keeps the checksum (base62 of a CRC) off the path a
 * known caller takes on every request.
 *
 * The cache is invalidated by the change feed. A lookup that started before an invalidation is not cached,
 * so a revocation committed during a lookup cannot be overwritten by the stale row it raced with.
 *
 * After a rotation with an overlap a key has two secrets, and a record is cached under the hash of either
 * (service/keys/auth-record.ts). The previous secret's end is a time, checked against the clock on every
 * verification, cached or not: its overlap ends on every node at that instant, with nothing to invalidate.
 * A rotation itself, and a revocation or deletion during an overlap, are writes the change feed carries.
 * @module
 */
import { KeyRateLimiter } from './rate-limit';
import type { Kysely } from 'kysely';
import { addressInRanges, parseAddress } from '../../contract/cidr';
import { isWellFormedKey, KEY_LENGTH } from '../../contract/key-format';
import type { VerifyFailure } from '../../contract/verify-failures';
import { type KeyHasher, sameHash } from '../auth/key-hash';
import type { ChangeFeed } from '../changes';
import type { Database } from '../db/tables';
import { type AuthRecord, loadAuthRecord } from './auth-record';
import type { LastUsedRecorder } from './last-used';

export type { VerifyFailure };

export type VerifyOutcome =
  | { valid: true; record: AuthRecord }
  | { valid: false; reason: VerifyFailure; record?: AuthRecord; missingScopes?: string[]; retryAfterSeconds?: number };

export interface VerifyInput {
  key: string;
  /** The address Keyplane saw the request come from (the socket, or a trusted proxy's X-Forwarded-For). */
  seenIp: string;
  /**
   * Set by POST /v1/keys/verify only: where the verifying service says the key was presented (its
   * client_ip; null when it gave none). Allow lists are then checked against this claim, and it is recorded
   * apart from seenIp. Absent when the key itself calls the API: allow lists are checked against seenIp.
   */
  claimedIp?: string | null;
  requiredScopes?: string[];
  /** The key's hash, when the caller has it already (service/http/caller-hash.ts). */
  hash?: string;
}

const CACHE_LIMIT = 10_000;

const UNKNOWN: VerifyOutcome = Object.freeze({ valid: false, reason: 'unknown' });

export class Verifier {
  private cache = new Map<string, AuthRecord | null>();
  private generation = 0;
  private readonly rateLimits = new KeyRateLimiter();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly hasher: KeyHasher,
    private readonly changes: ChangeFeed,
    private readonly lastUsed: LastUsedRecorder,
    private readonly now: () => number = Date.now,
  ) {
    changes.on('change', () => {
      this.generation++;
      this.cache.clear();
    });
  }

  async verify(input: VerifyInput): Promise<VerifyOutcome> {
    // Not even hashed: a string of another length (a header may be kilobytes long) is no key.
    if (input.key.length !== KEY_LENGTH) return UNKNOWN;
    const hash = input.hash ?? this.hasher.hash(input.key);
    const cached = this.trustedCache(hash);
    // A mistyped key is not looked up, nor cached: only well-formed keys' hashes are (see above).
    const record = cached === undefined ? (isWellFormedKey(input.key) ? await this.lookup(hash) : null) : cached;
    return this.judge(record, input);
  }

  /**
   * Verification of a secret by the hash it had when it was presented and verified before: a console session
   * acts as the key that opened it (service/console/sessions.ts) and keeps only that hash. Every check after
   * the lookup is the one `verify` makes, so the session ends when the key is revoked, expires, its owner is
   * disabled or its rotated-out secret's overlap ends, and acts by the key's effective role of the moment.
   */
  async verifyStoredHash(input: { hash: string; seenIp: string }): Promise<VerifyOutcome> {
    const cached = this.trustedCache(input.hash);
    const record = cached === undefined ? await this.lookup(input.hash) : cached;
    return this.judge(record, input);
  }

  private judge(record: AuthRecord | null, input: Omit<VerifyInput, 'key'>): VerifyOutcome {
    if (!record) return UNKNOWN;
    // A previous secret past its overlap is no secret of the key's any more; the record names the key to the audit.
    if (record.secretEndsAt !== null && record.secretEndsAt <= this.now()) return { valid: false, reason: 'unknown', record };
    if (record.revoked) return { valid: false, reason: 'revoked', record };
    if (record.expiresAt !== null && record.expiresAt <= this.now()) return { valid: false, reason: 'expired', record };
    if (record.ownerDisabled) return { valid: false, reason: 'owner_disabled', record };
    if (record.ranges) {
      const checked = input.claimedIp === undefined ? input.seenIp : input.claimedIp;
      const address = checked ? parseAddress(checked) : undefined;
      // No address with a restricted key fails closed: the caller must say where the key was presented.
      if (!address || !addressInRanges(address, record.ranges)) return { valid: false, reason: 'ip_not_allowed', record };
    }
    const required = input.requiredScopes;
    if (required && required.length > 0) {
      const missing = required.filter((s) => !record.scopes.includes(s));
      if (missing.length > 0) return { valid: false, reason: 'scope_missing', record, missingScopes: missing };
    }
    // Counted last: only a use that would otherwise succeed spends the key's allowance.
    if (record.rateLimit) {
      const retryAfterSeconds = this.rateLimits.take(record.keyId, record.rateLimit, this.now());
      if (retryAfterSeconds !== undefined) return { valid: false, reason: 'rate_limited', record, retryAfterSeconds };
    }
    this.lastUsed.record(record.keyId, input.seenIp, input.claimedIp ?? null);
    return { valid: true, record };
  }

  /** The cached record (null: no such key) while the change feed is trusted; undefined when it must be looked up. */
  private trustedCache(hash: string): AuthRecord | null | undefined {
    return this.changes.trustworthy ? this.cache.get(hash) : undefined;
  }

  /** The record by the hash of a well-formed key (the caller checked), cached when the change feed allows. */
  private async lookup(hash: string): Promise<AuthRecord | null> {
    const trusted = this.changes.trustworthy;
    const generation = this.generation;
    const loaded = await loadAuthRecord(this.db, hash);
    const record = loaded && sameHash(hash, loaded.keyHash) ? loaded : null;
    if (trusted && this.changes.trustworthy && generation === this.generation) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(hash, record);
    }
    return record;
  }
}

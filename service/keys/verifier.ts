/**
 * Key verification, shared by `POST /v1/keys/verify` and by the API's own bearer authentication.
 *
 * Stages, cheapest first and side effects last: format and checksum (no lookup for a mistyped key), lookup
 * by hash through a cache, constant-time hash comparison, revoked, expired, owner or creator disabled, client
 * address against the allow lists, required scopes, and finally the batched last-used record. A failed
 * verification is an outcome, not an exception; only system faults throw.
 *
 * The cache is invalidated by the change feed. A lookup that started before an invalidation is not cached,
 * so a revocation committed during a lookup cannot be overwritten by the stale row it raced with.
 * @module
 */
import type { Kysely } from 'kysely';
import { addressInRanges, parseAddress } from '../../contract/cidr';
import { isWellFormedKey } from '../../contract/key-format';
import { type KeyHasher, sameHash } from '../auth/key-hash';
import type { ChangeFeed } from '../changes';
import type { Database } from '../db/tables';
import { type AuthRecord, loadAuthRecord } from './auth-record';
import type { LastUsedRecorder } from './last-used';

export type VerifyFailure = 'unknown' | 'revoked' | 'expired' | 'ip_not_allowed' | 'scope_missing' | 'owner_disabled';

export type VerifyOutcome = { valid: true; record: AuthRecord } | { valid: false; reason: VerifyFailure; record?: AuthRecord; missingScopes?: string[] };

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
}

const CACHE_LIMIT = 10_000;

export class Verifier {
  private cache = new Map<string, AuthRecord | null>();
  private generation = 0;

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
    if (!isWellFormedKey(input.key)) return { valid: false, reason: 'unknown' };
    const hash = this.hasher.hash(input.key);
    const record = await this.lookup(hash);
    if (!record || !sameHash(hash, record.keyHash)) return { valid: false, reason: 'unknown' };
    if (record.revoked) return { valid: false, reason: 'revoked', record };
    if (record.expiresAt !== null && record.expiresAt <= this.now()) return { valid: false, reason: 'expired', record };
    if (record.ownerDisabled) return { valid: false, reason: 'owner_disabled', record };
    if (record.ranges) {
      const checked = input.claimedIp === undefined ? input.seenIp : input.claimedIp;
      const address = checked ? parseAddress(checked) : undefined;
      // No address with a restricted key fails closed: the caller must say where the key was presented.
      if (!address || !addressInRanges(address, record.ranges)) return { valid: false, reason: 'ip_not_allowed', record };
    }
    const missing = (input.requiredScopes ?? []).filter((s) => !record.scopes.includes(s));
    if (missing.length > 0) return { valid: false, reason: 'scope_missing', record, missingScopes: missing };
    this.lastUsed.record(record.keyId, { seenIp: input.seenIp, claimedIp: input.claimedIp ?? null });
    return { valid: true, record };
  }

  private async lookup(hash: string): Promise<AuthRecord | undefined> {
    const trusted = this.changes.trustworthy;
    if (trusted && this.cache.has(hash)) return this.cache.get(hash) ?? undefined;
    const generation = this.generation;
    const record = await loadAuthRecord(this.db, hash);
    if (trusted && this.changes.trustworthy && generation === this.generation) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(hash, record ?? null);
    }
    return record;
  }
}

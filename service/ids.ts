/**
 * Resource ids: a type prefix, 8 base62 digits of milliseconds and 12 of 64 random bits. They sort by creation
 * time, which gives list endpoints a stable order and a simple page token.
 *
 * Within one process they are also strictly increasing, as ULIDs are in their monotonic mode: an id made in
 * the same millisecond as the previous one (or after the clock stepped back) reuses that time and counts up
 * from its random part. Without this, two audit events or keys made in one millisecond listed in random
 * order, so "newest first" could put the older one first.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { bytesToBigInt, encodeBase62 } from '../contract/base62';

export const ID_PREFIXES = {
  user: 'usr',
  serviceAccount: 'sa',
  apiKey: 'key',
  allowList: 'al',
  secret: 'sec',
  auditEvent: 'evt',
  consoleSession: 'ses',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

let lastMs = -1;
let lastRandom = 0n;

/** A new id; `now` fixes the time part (for tests) and bypasses the monotonic sequence. */
export function newId(kind: IdKind, now?: number): string {
  let ms: number;
  let random: bigint;
  if (now !== undefined) {
    ms = now;
    random = bytesToBigInt(randomBytes(8));
  } else {
    ms = Date.now();
    if (ms <= lastMs) {
      // 12 base62 digits hold far more than 64 bits, so counting up from a 64-bit value cannot overflow them.
      ms = lastMs;
      random = lastRandom + 1n;
    } else {
      random = bytesToBigInt(randomBytes(8));
    }
    lastMs = ms;
    lastRandom = random;
  }
  return `${ID_PREFIXES[kind]}_${encodeBase62(BigInt(ms), 8)}${encodeBase62(random, 12)}`;
}

export function isId(kind: IdKind, text: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{20}$`).test(text);
}

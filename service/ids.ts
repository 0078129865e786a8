/**
 * Resource ids: a type prefix, 8 base62 digits of milliseconds and 12 of 64 random bits. They sort by creation
 * time, which gives list endpoints a stable order and a simple page token.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { bytesToBigInt, encodeBase62 } from './auth/base62';

export const ID_PREFIXES = {
  user: 'usr',
  serviceAccount: 'sa',
  apiKey: 'key',
  allowList: 'al',
  secret: 'sec',
  auditEvent: 'evt',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind, now = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${encodeBase62(BigInt(now), 8)}${encodeBase62(bytesToBigInt(randomBytes(8)), 12)}`;
}

export function isId(kind: IdKind, text: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{20}$`).test(text);
}

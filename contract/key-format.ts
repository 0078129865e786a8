/**
 * The API key format: `kp_` + 192 random bits as 33 base62 digits + the CRC32 of those digits as 6 base62 digits.
 *
 * The checksum lets the CLI, the service and secret scanners reject a mistyped or truncated key without a
 * database round trip (the same idea as GitHub's token format). It is not a security boundary: the hash is.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { bytesToBigInt, encodeBase62 } from './base62';

export const KEY_PREFIX = 'kp_';
const RANDOM_BYTES = 24; // 192 bits, above the 160 the format promises
const BODY_LENGTH = 33; // ceil(192 / log2(62))
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
export const KEY_LENGTH = KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
const KEY_PATTERN = /^kp_[0-9A-Za-z]{39}$/;

function checksum(body: string): string {
  return encodeBase62(BigInt(crc32(body)), CHECKSUM_LENGTH);
}

/** A fresh key. The caller hashes it for storage and shows it once. */
export function generateKey(): string {
  const body = encodeBase62(bytesToBigInt(randomBytes(RANDOM_BYTES)), BODY_LENGTH);
  return KEY_PREFIX + body + checksum(body);
}

export type KeyFormatProblem = 'prefix' | 'length' | 'characters' | 'checksum';

/** What each problem means to the person who pasted the key. */
export const KEY_FORMAT_PROBLEMS: Record<KeyFormatProblem, string> = {
  prefix: `it does not start with ${KEY_PREFIX}`,
  length: 'it has the wrong length; was it truncated?',
  characters: 'it holds characters a key never has',
  checksum: 'its checksum does not match; a character is wrong',
};

/** Why a string is not a well-formed key, or undefined when it is one. */
export function keyFormatProblem(candidate: string): KeyFormatProblem | undefined {
  if (!candidate.startsWith(KEY_PREFIX)) return 'prefix';
  if (candidate.length !== KEY_LENGTH) return 'length';
  if (!KEY_PATTERN.test(candidate)) return 'characters';
  const body = candidate.slice(KEY_PREFIX.length, KEY_PREFIX.length + BODY_LENGTH);
  if (checksum(body) !== candidate.slice(-CHECKSUM_LENGTH)) return 'checksum';
  return undefined;
}

export function isWellFormedKey(candidate: string): boolean {
  return keyFormatProblem(candidate) === undefined;
}

/** What lists and logs show instead of the key: enough to recognise it, far too little to use it. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 4)}…${key.slice(-4)}`;
}

/**
 * Anything shaped like a key, whole or truncated or with a wrong character after its first eight: what logs
 * must never print (service/http/log-safety.ts).
 */
export const KEY_SHAPED = /kp_[0-9A-Za-z]{8,}/g;

/** `text` with everything shaped like a key replaced: for logs, and for request paths kept in the audit log. */
export function withoutKeys(text: string): string {
  return text.replace(KEY_SHAPED, 'kp_[redacted]');
}

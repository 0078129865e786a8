/**
 * Session and sign-in-link tokens: 256 random bits, of which the database keeps only the SHA-256. A slow or
 * keyed hash buys nothing here: unlike a password, a random 256-bit token cannot be guessed from its hash.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** A token's fixed shape: 43 base64url characters. Anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

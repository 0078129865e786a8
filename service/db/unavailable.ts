/**
 * Errors that mean the database cannot be reached right now (its connection dropped, it is restarting or
 * shutting down), as opposed to a fault in the request or the service: the answer is 503 `unavailable` with
 * Retry-After, and the pool replaces the connection for the next request.
 * @module
 */

/** SQLSTATE classes and codes of PostgreSQL's "not now" (class 08: connection exception; 57P0x: shutdown). */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123])/;

/** Node's socket errors, and pg's own words for a connection it lost or never got. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

export function isDatabaseUnavailable(err: unknown): boolean {
  // Not `instanceof Error`: a socket error may come from another realm (Node's own, under a test runner).
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

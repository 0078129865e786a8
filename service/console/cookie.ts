/**
 * The console's session cookie. Under TLS it is `__Host-`-prefixed and `Secure` (the browser then refuses it
 * from any other host or path, or over plain HTTP); always `HttpOnly` (no script reads it) and
 * `SameSite=Strict` (no other site's page sends it). No `Max-Age`: it ends with the browser, and the
 * server-side expiry (service/console/session-policy.ts) ends it sooner.
 * @module
 */
import type { FastifyRequest } from 'fastify';

const PLAIN_NAME = 'keyplane_session';
const TLS_NAME = `__Host-${PLAIN_NAME}`;

/** Whether the browser reached the service over TLS (directly, or through a trusted proxy's X-Forwarded-Proto). */
export function overTls(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export function sessionCookieName(request: FastifyRequest): string {
  return overTls(request) ? TLS_NAME : PLAIN_NAME;
}

function attributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Strict${overTls(request) ? '; Secure' : ''}`;
}

export function sessionCookie(request: FastifyRequest, token: string): string {
  return `${sessionCookieName(request)}=${token}; ${attributes(request)}`;
}

/** A cookie that tells the browser to drop the session cookie at once. */
export function clearedSessionCookie(request: FastifyRequest): string {
  return `${sessionCookieName(request)}=; Max-Age=0; ${attributes(request)}`;
}

/** The session token the request's Cookie header carries under this connection's cookie name, if any. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const name = sessionCookieName(request);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

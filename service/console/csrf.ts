/**
 * Cross-site request refusal for requests a browser authenticates by itself (the session cookie, and the
 * sign-in that sets it). Two checks, as OWASP's CSRF guidance pairs them: Fetch Metadata (`Sec-Fetch-Site`
 * must be `same-origin`) and the `Origin` header, which must be the service's own origin. A browser sends at
 * least one of them on every request that changes state, so a request with neither is refused too; API
 * clients authenticate with a bearer key, which no other site can make a browser send, and are not checked.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function changesState(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method);
}

/** The origin the browser addressed: scheme and host (with port) as the service saw them. */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Throws 403 unless the request demonstrably comes from the console's own pages. */
export function refuseCrossSite(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (site === undefined && origin === undefined) {
    throw new ApiError('permission_denied', 'a console request must come from the console: the browser sent neither Sec-Fetch-Site nor Origin');
  }
  if (site !== undefined && site !== 'same-origin') {
    throw new ApiError('permission_denied', `cross-site request refused (Sec-Fetch-Site: ${String(site).slice(0, 20)})`);
  }
  if (origin !== undefined && origin !== ownOrigin(request)) {
    throw new ApiError('permission_denied', 'cross-origin request refused: Origin is not this service');
  }
}

/**
 * The limit on failed authentications per client address, kept by `@fastify/rate-limit` (its in-memory
 * store, so per node). Only failures are counted: a caller with a valid key is never slowed, even one behind
 * the same address (a NAT, a shared proxy) as a client that keeps failing. `request.ip` is the address, which
 * honours the trusted proxies; the plugin groups IPv6 addresses by /64, since one host commonly holds a whole
 * /64 and could otherwise rotate through it.
 * @module
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AbuseLimits } from './abuse-limits';

/** Counts one failed authentication of `request`'s address; says whether the address is over its limit. */
export type FailedAuthLimit = (request: FastifyRequest) => Promise<{ exceeded: false } | { exceeded: true; retryAfterSeconds: number }>;

export async function installFailedAuthLimit(app: FastifyInstance, limits: AbuseLimits['failedAuth']): Promise<FailedAuthLimit> {
  // No route hooks (global: false): the limiter runs only where authentication fails (service/http/auth.ts).
  // createRateLimit() without options counts in the store configured here, whose size is `cache`.
  await app.register(rateLimit, { global: false, max: limits.max, timeWindow: limits.windowMs, cache: limits.addresses });
  const count = app.createRateLimit();
  return async (request) => {
    const state = await count(request);
    if (state.isAllowed || !state.isExceeded) return { exceeded: false };
    return { exceeded: true, retryAfterSeconds: Math.max(1, state.ttlInSeconds) };
  };
}

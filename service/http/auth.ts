/**
 * Bearer authentication for every `/v1` route but the public ones. The presented key goes through the same
 * verifier as `POST /v1/keys/verify`, with the client address taken from the socket (or from
 * X-Forwarded-For when the peer is a trusted proxy, which Fastify's trustProxy decides).
 * Failures are audited with the key id when the key is known, never with the key, as counts per source
 * (service/audit/failed-auth.ts); and counted per client address, which past its limit is answered 429
 * `rate_limited` with `Retry-After` instead (service/http/failed-auth-limit.ts).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditActor } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { Role } from '../db/tables';
import { ApiError } from '../errors';
import type { AuthRecord } from '../keys/auth-record';
import type { VerifyFailure, VerifyOutcome } from '../keys/verifier';
import type { FailedAuthLimit } from './failed-auth-limit';
import { CallerHashes } from './caller-hash';
import { takeCallerOutcome } from './handed-over';
import { atLeast } from '../../contract/roles';
import { withoutKeys } from '../../contract/key-format';

export interface RequestAuth {
  record: AuthRecord;
  actor: AuditActor;
  role: Role;
  scopes: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

/** Refusals that are failed authentications; `rate_limited` is not one (it answers 429, below). */
const FAILURE_MESSAGES: Record<Exclude<VerifyFailure, 'rate_limited'>, string> = {
  unknown: 'the API key is not known to this service',
  revoked: 'the API key has been revoked',
  expired: 'the API key has expired',
  owner_disabled: 'the owner or creator of the API key is disabled',
  ip_not_allowed: 'the API key may not be used from this address',
  scope_missing: 'the API key lacks a required scope',
};

/**
 * An unknown key that still names a record is a key's previous secret past its overlap
 * (service/keys/verifier.ts): say so, so its holder knows to fetch the current one. It proves nothing more
 * than holding a secret that once worked, so the key id stays out, as for every refusal.
 */
function refusalMessage(reason: Exclude<VerifyFailure, 'rate_limited' | 'ip_not_allowed'>, record: AuthRecord | undefined): string {
  if (reason === 'unknown' && record?.secretEndsAt != null) {
    return `this secret of the API key was replaced by a rotation and stopped working at ${new Date(record.secretEndsAt).toISOString()}; use the key's current secret`;
  }
  return FAILURE_MESSAGES[reason];
}

/**
 * How a request proves a key, each ending in the same verifier and the same refusals: a bearer header (every
 * API client), a key pasted into the console's sign-in, or a console session, which holds the hash of the
 * secret that opened it (service/console/sessions.ts).
 */
export interface KeyAuthentication {
  /**
   * `Authorization: Bearer kp_…`; sets `request.auth` or throws. A request the verify fast path handed over
   * with the caller already verified uses that outcome (service/http/handed-over.ts).
   */
  bearer(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The verification of a request's bearer key (a valid one is counted as a use); undefined without a bearer header. */
  verifyBearer(request: IncomingMessage, seenIp: string): Promise<VerifyOutcome | undefined>;
  /** A key presented in a request body (console sign-in); sets `request.auth` or throws. */
  presented(request: FastifyRequest, reply: FastifyReply, key: string): Promise<void>;
  /** A secret by its stored hash (a console session); sets `request.auth` or throws, and says what refused it. */
  storedHash(request: FastifyRequest, reply: FastifyReply, hash: string): Promise<void>;
}

export function keyAuthentication(ctx: ServiceContext, limit: FailedAuthLimit): KeyAuthentication {
  const callerHashes = new CallerHashes(ctx.hasher);
  /** Records the failure; the refusal to throw is a 429 instead of `refusal` once the address is over its limit. */
  async function failed(request: FastifyRequest, reply: FastifyReply, reason: string, keyId: string | undefined, refusal: ApiError): Promise<ApiError> {
    ctx.failedAuth.record({ address: request.ip, reason, keyId, method: request.method, path: withoutKeys(request.url.split('?')[0]!), requestId: request.id });
    const limited = await limit(request);
    if (!limited.exceeded) return refusal;
    void reply.header('retry-after', String(limited.retryAfterSeconds));
    return new ApiError('rate_limited', `too many failed authentications from this address; retry in ${limited.retryAfterSeconds} s`);
  }

  /** Sets `request.auth` from a valid outcome, or throws the refusal for an invalid one. */
  async function admit(request: FastifyRequest, reply: FastifyReply, outcome: VerifyOutcome): Promise<void> {
    if (!outcome.valid) {
      const { reason } = outcome;
      if (reason === 'rate_limited') {
        // The key is good and its holder is who they say: not a failed authentication, just too many uses.
        const limit = outcome.record!.rateLimit!;
        void reply.header('retry-after', String(outcome.retryAfterSeconds));
        throw new ApiError(
          'rate_limited',
          `API key ${outcome.record!.keyId} is over its rate limit of ${limit.max} uses per ${limit.windowMs / 1000} s; retry in ${outcome.retryAfterSeconds} s`,
        );
      }
      const refusal =
        reason === 'ip_not_allowed'
          ? new ApiError('permission_denied', FAILURE_MESSAGES.ip_not_allowed)
          : new ApiError('unauthenticated', refusalMessage(reason, outcome.record));
      throw await failed(request, reply, reason, outcome.record?.keyId, refusal);
    }
    request.auth = authOf(outcome.record);
  }

  async function verifyBearer(request: IncomingMessage, seenIp: string): Promise<VerifyOutcome | undefined> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return undefined;
    const key = match[1]!;
    return ctx.verifier.verify({ key, seenIp, hash: callerHashes.hashOf(request.socket, key) });
  }

  return {
    async bearer(request, reply) {
      const outcome = takeCallerOutcome(request.raw) ?? (await verifyBearer(request.raw, request.ip));
      if (!outcome) {
        throw await failed(request, reply, 'missing', undefined, new ApiError('unauthenticated', 'send an API key as "Authorization: Bearer kp_…"'));
      }
      await admit(request, reply, outcome);
    },
    verifyBearer,
    async presented(request, reply, key) {
      await admit(request, reply, await ctx.verifier.verify({ key, seenIp: request.ip }));
    },
    async storedHash(request, reply, hash) {
      await admit(request, reply, await ctx.verifier.verifyStoredHash({ hash, seenIp: request.ip }));
    },
  };
}

/** What a request authenticated by `record`'s key may do, and who it acts as. */
export function authOf(record: AuthRecord): RequestAuth {
  return {
    record,
    actor: { type: record.owner.type, id: record.owner.id, keyId: record.keyId },
    role: record.effectiveRole,
    scopes: record.scopes,
  };
}

/** Throws 403 unless the caller's effective role reaches `role`. */
export function requireRole(request: FastifyRequest, role: Role, what: string): void {
  if (!atLeast(request.auth.role, role)) {
    throw new ApiError('permission_denied', `${what} needs the ${role} role; this key acts as ${request.auth.role}`);
  }
}

/** Callers are Fastify requests, or what the verify fast path has of one (service/http/verify-fast-path.ts). */
type Authenticated = Pick<FastifyRequest, 'auth'>;

export function isAdmin(request: Authenticated): boolean {
  return request.auth.role === 'admin';
}

export function hasScope(request: Authenticated, scope: string): boolean {
  return request.auth.scopes.includes(scope);
}

/** The caller is the principal, or acts for it: the key's owner. */
export function isPrincipal(request: FastifyRequest, type: string, id: string): boolean {
  return request.auth.actor.type === type && request.auth.actor.id === id;
}

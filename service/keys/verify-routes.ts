/**
 * `POST /v1/keys/verify` for other services, and `GET /v1/whoami` for the caller's own key.
 * A failed verification answers 200 with `valid: false` and a reason; a key that does not exist and one the
 * caller may not see are indistinguishable (`unknown`).
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isWellFormedKey } from '../../contract/key-format';
import type { ServiceContext } from '../context';
import { invalidArgument, permissionDenied } from '../errors';
import { hasScope, isAdmin } from '../http/auth';
import { errorResponses } from '../../contract/api/common';
import { VerifyBody, VerifyResponse, Whoami } from '../../contract/api/verify';
import { parseAddress } from '../../contract/cidr';
import { toApiKey } from './views';

function checkKeyFormat(key: string): void {
  if (!isWellFormedKey(key)) throw invalidArgument('key', 'key is not a well-formed Keyplane key (kp_…, checksum mismatch or wrong length)');
}

export function verifyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  return async (app) => {
    app.post(
      '/keys/verify',
      {
        schema: {
          tags: ['verification'],
          summary: 'Verify a key presented to another service',
          body: VerifyBody,
          response: { 200: VerifyResponse, ...errorResponses },
        },
      },
      async (request): Promise<VerifyResponse> => {
        if (!isAdmin(request) && !hasScope(request, 'keyplane.keys.verify')) {
          throw permissionDenied('verifying keys needs the admin role or the keyplane.keys.verify scope');
        }
        const body = request.body;
        if (body.client_ip !== undefined && !parseAddress(body.client_ip)) {
          checkKeyFormat(body.key); // the key's error first, as when both are wrong
          throw invalidArgument('client_ip', 'client_ip is not an IPv4 or IPv6 address');
        }
        const outcome = await ctx.verifier.verify({
          key: body.key,
          seenIp: request.ip,
          claimedIp: body.client_ip ?? null,
          requiredScopes: body.required_scopes,
        });
        if (!outcome.valid && (outcome.reason === 'unknown' || !outcome.record)) {
          // A mistyped key is a caller error. The verifier did not look it up (the checksum caught it); asked
          // only here, since a key the verifier knew is well-formed (service/keys/verifier.ts).
          checkKeyFormat(body.key);
          return { valid: false, reason: 'unknown' };
        }
        const r = outcome.record!;
        const identity = {
          key_id: r.keyId,
          name: r.name,
          owner_type: r.owner.type,
          owner_id: r.owner.id,
          role: r.effectiveRole,
          scopes: r.scopes,
          expires_at: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
        };
        if (outcome.valid) return { valid: true, ...identity, matched_secret: r.matched };
        return {
          valid: false,
          reason: outcome.reason,
          ...identity,
          ...(outcome.missingScopes ? { missing_scopes: outcome.missingScopes } : {}),
          ...(outcome.retryAfterSeconds !== undefined ? { retry_after_seconds: outcome.retryAfterSeconds } : {}),
        };
      },
    );

    app.get(
      '/whoami',
      { schema: { tags: ['verification'], summary: 'The calling key and its principal', response: { 200: Whoami, ...errorResponses } } },
      async (request) => {
        const { actor } = request.auth;
        const key = await db.selectFrom('api_keys').selectAll().where('id', '=', actor.keyId).executeTakeFirstOrThrow();
        const principal =
          actor.type === 'user'
            ? await db.selectFrom('users').select(['id', 'name', 'email', 'role']).where('id', '=', actor.id).executeTakeFirstOrThrow()
            : { ...(await db.selectFrom('service_accounts').select(['id', 'name', 'role']).where('id', '=', actor.id).executeTakeFirstOrThrow()), email: null };
        return {
          api_key: await toApiKey(db, key),
          principal: { type: actor.type, ...principal },
          effective_role: request.auth.role,
          matched_secret: request.auth.record.matched,
        };
      },
    );
  };
}

/**
 * The answer of `POST /v1/keys/verify`, for the route (service/keys/verify-routes.ts) and for the fast path
 * that serves the same route beside Fastify (service/http/verify-fast-path.ts). A failed verification answers
 * 200 with `valid: false` and a reason; a key that does not exist and one the caller may not see are
 * indistinguishable (`unknown`). Throws the API's errors for a caller who may not verify and for bad input.
 * @module
 */
import { isWellFormedKey } from '../../contract/key-format';
import type { VerifyBody, VerifyResponse } from '../../contract/api/verify';
import { isClientAddress } from '../../contract/cidr';
import type { ServiceContext } from '../context';
import { invalidArgument, permissionDenied } from '../errors';
import { hasScope, isAdmin, type RequestAuth } from '../http/auth';

function checkKeyFormat(key: string): void {
  if (!isWellFormedKey(key)) throw invalidArgument('key', 'key is not a well-formed Keyplane key (kp_…, checksum mismatch or wrong length)');
}

export async function answerVerify(ctx: ServiceContext, caller: { auth: RequestAuth }, body: VerifyBody, seenIp: string): Promise<VerifyResponse> {
  if (!isAdmin(caller) && !hasScope(caller, 'keyplane.keys.verify')) {
    throw permissionDenied('verifying keys needs the admin role or the keyplane.keys.verify scope');
  }
  if (body.client_ip !== undefined && !isClientAddress(body.client_ip)) {
    checkKeyFormat(body.key); // the key's error first, as when both are wrong
    throw invalidArgument('client_ip', 'client_ip is not an IPv4 or IPv6 address');
  }
  const outcome = await ctx.verifier.verify({
    key: body.key,
    seenIp,
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
}

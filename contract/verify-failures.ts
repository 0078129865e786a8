/**
 * Why `POST /v1/keys/verify` found a presented key not valid (its `reason`), and the `keyplane verify` exit
 * code of each: the key is not known, revoked, expired, or known and live but refused for this use.
 * @module
 */
export const VERIFY_FAILURES = ['unknown', 'revoked', 'expired', 'ip_not_allowed', 'scope_missing', 'owner_disabled', 'rate_limited'] as const;

export type VerifyFailure = (typeof VERIFY_FAILURES)[number];

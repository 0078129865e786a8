/**
 * The registry of API error codes. Each code has one HTTP status and a public meaning; the API reference
 * (docs/api/errors.md) documents every code, and a test fails when one is missing there. A retired code is
 * never reused for a different meaning.
 * @module
 */
export const ERROR_CODES = {
  invalid_argument: { status: 400, meaning: 'A field of the request is missing, malformed or out of range; `field` names it.' },
  unauthenticated: { status: 401, meaning: 'No API key, or one that is malformed, unknown, revoked, expired or whose owner is disabled.' },
  permission_denied: { status: 403, meaning: 'The key is valid but its role, scopes or client address do not allow this request.' },
  not_found: { status: 404, meaning: 'The resource does not exist, or the caller may not see it.' },
  already_exists: { status: 409, meaning: 'A resource with the same unique name or email exists.' },
  conflict: { status: 409, meaning: 'The resource is in use or in a state that forbids the request (for example deleting an allow list keys still use).' },
  version_mismatch: { status: 409, meaning: 'A check-and-set write named a version that is no longer the latest.' },
  idempotency_key_reused: {
    status: 409,
    meaning: 'An Idempotency-Key was sent again with a different request (another route, key or body) within its window; use a new key.',
  },
  payload_too_large: { status: 413, meaning: 'The request body is larger than the service accepts (1 MiB).' },
  unsupported_media_type: { status: 415, meaning: 'The request body is not JSON.' },
  rate_limited: {
    status: 429,
    meaning: 'Too many failed authentications from the client address; `Retry-After` says in how many seconds to try again.',
  },
  internal: { status: 500, meaning: 'An unexpected failure inside the service; the log holds the detail under the request id.' },
  unavailable: { status: 503, meaning: 'The service is shutting down or cannot reach its database; retry later.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[];

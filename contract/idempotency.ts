/**
 * The header that makes a create or a rotation of a key happen once (service/keys/idempotency.ts): a repeat
 * with the same value replays the first answer instead of making a second key or secret. Its value's limits
 * are LIMITS.idempotencyKey (contract/limits.ts).
 * @module
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

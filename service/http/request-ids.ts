/**
 * Request ids (the `x-request-id` header and `request_id` in error bodies). Unique per process by a random
 * prefix, and cheap: a counter, not a clock read and a random draw per request. One sequence for Fastify's
 * requests and for those the verify fast path answers (service/http/verify-fast-path.ts).
 * @module
 */
import { randomBytes } from 'node:crypto';

const PREFIX = randomBytes(6).toString('base64url');
let count = 0;

export function nextRequestId(): string {
  return `req_${PREFIX}${(++count).toString(36)}`;
}

/**
 * When a failed attempt is tried again, and after how long. Pure functions, so the policy is tested without
 * a network.
 *
 * The rule that matters: a request that is not idempotent (creating a key, writing a secret version) is
 * retried only when it provably never reached the service, i.e. the connection was refused. Every other
 * failure of such a request may have happened after the service acted: a reset or a timeout can strike
 * while the answer is on its way, and a 5xx or 429 from a proxy says nothing about whether the service
 * behind it already committed. Sending the create again would then mint a second key whose secret nobody
 * ever sees, so the caller gets the error instead and decides.
 * @module
 */

export type Outcome = { kind: 'status'; status: number } | { kind: 'transport'; code: string };

/** Transport failures worth another attempt; TLS and DNS failures are not (they do not heal in a second). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'timeout',
]);

/** 429 (slow down) and 5xx (the service or a proxy failed, or the service is shutting down). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function shouldRetry(outcome: Outcome, idempotent: boolean): boolean {
  if (outcome.kind === 'status') return idempotent && isRetryableStatus(outcome.status);
  // ECONNREFUSED means no connection was ever made, so not one byte of the request was sent.
  if (!idempotent) return outcome.code === 'ECONNREFUSED';
  return TRANSIENT_CODES.has(outcome.code);
}

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with jitter: attempt n (0-based) waits a random time between half and all of
 * base·2ⁿ, capped. The jitter keeps many clients that failed together from retrying together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** `Retry-After` as milliseconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The service's abuse limits, in one place: how many failed authentications one client address may make in a
 * window before it is answered 429, and how failed authentications are coalesced into audit events. The
 * defaults suit a service behind a few dozen callers; `AppOptions.abuseLimits` and
 * `ContextOptions.abuseLimits` take other values (tests use small ones).
 * @module
 */

export interface AbuseLimits {
  /** Failed authentications counted per client address (IPv6 per /64), on this node. */
  failedAuth: {
    /** Failures an address may make in a window; the next ones answer 429 `rate_limited`. */
    max: number;
    windowMs: number;
    /** Addresses whose counts are kept (least recently failing first forgotten), which bounds the memory. */
    addresses: number;
  };
  /** Failed authentications are audited as one event per source (address, reason, key id) per window. */
  failedAuthAudit: {
    windowMs: number;
    /** Sources kept per window; failures from further sources are counted in one event per reason. */
    maxSources: number;
  };
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  failedAuth: { max: 60, windowMs: 60_000, addresses: 10_000 },
  failedAuthAudit: { windowMs: 5_000, maxSources: 10_000 },
};

export type AbuseLimitsOptions = { [K in keyof AbuseLimits]?: Partial<AbuseLimits[K]> };

/** The defaults with `options` over them; every value must be a positive integer. */
export function abuseLimits(options: AbuseLimitsOptions = {}): AbuseLimits {
  const limits: AbuseLimits = {
    failedAuth: { ...DEFAULT_ABUSE_LIMITS.failedAuth, ...options.failedAuth },
    failedAuthAudit: { ...DEFAULT_ABUSE_LIMITS.failedAuthAudit, ...options.failedAuthAudit },
  };
  for (const [group, values] of Object.entries(limits)) {
    for (const [name, value] of Object.entries(values as Record<string, number>)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new Error(`abuse limit ${group}.${name} must be a positive integer, not ${value}`);
    }
  }
  return limits;
}

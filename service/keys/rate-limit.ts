/**
 * A key's own rate limit: at most `max` uses per window, counted on this node, in fixed windows that start at
 * whole multiples of the window (so every node's windows line up). Every authenticated request with the key
 * and every verification of it count; past the limit the key is refused until the window ends (429 on the
 * API, `rate_limited` from verify). Counts live in memory: N nodes allow up to N × max per window, and a
 * restart starts the counts again. The map is bounded; when full, the least recently counted key is
 * forgotten, which can only ever allow more, never refuse a key wrongly.
 * @module
 */

export interface KeyRateLimit {
  max: number;
  windowMs: number;
}

const TRACKED_KEYS = 100_000;

export class KeyRateLimiter {
  private readonly counts = new Map<string, { window: number; used: number }>();

  /** Counts one use of the key; undefined when allowed, else the seconds until its window ends. */
  take(keyId: string, limit: KeyRateLimit, now: number): number | undefined {
    const window = Math.floor(now / limit.windowMs);
    let entry = this.counts.get(keyId);
    if (entry) this.counts.delete(keyId); // re-inserted below: the map's order is least recently counted first
    if (!entry || entry.window !== window) entry = { window, used: 0 };
    this.counts.set(keyId, entry);
    if (this.counts.size > TRACKED_KEYS) this.counts.delete(this.counts.keys().next().value as string);
    if (entry.used >= limit.max) return Math.max(1, Math.ceil(((window + 1) * limit.windowMs - now) / 1000));
    entry.used++;
    return undefined;
  }
}

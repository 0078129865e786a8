/**
 * RFC 3339 times as the API takes them. The service accepts any offset and fractional seconds, and stores and
 * returns the instant in UTC with millisecond precision (finer digits dropped), so stored times sort as text in
 * both databases. Two spellings of one instant at that precision are the same time: the provider relies on it
 * to plan no change for them.
 * @module
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The instant in ms, or undefined when the text is not RFC 3339 (Date.parse alone accepts far more). */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 60) return undefined;
  // Date.parse rolls 2099-02-30 over to 2 March instead of refusing it; RFC 3339 section 5.7 does not.
  if (d! > daysInMonth(y!, mo!)) return undefined;
  const offset = m[8]!.length === 6 ? m[8]!.slice(1).split(':').map(Number) : [0, 0];
  if (offset[0]! > 23 || offset[1]! > 59) return undefined;
  const ms = Date.parse(text.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

/** Days in month `mo` (1-12) of year `y`; setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 19xx. */
function daysInMonth(y: number, mo: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo, 0);
  return date.getUTCDate();
}

/** What the service stores and returns for a time it was given, or undefined when the text is not RFC 3339. */
export function storedTime(text: string): string | undefined {
  const ms = parseRfc3339(text);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Whether two times (or two nulls) are the same instant as the service stores them. */
export function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const x = parseRfc3339(a);
  const y = parseRfc3339(b);
  return x !== undefined && y !== undefined && x === y;
}

export const TIME_EXAMPLE = '2030-01-31T12:00:00Z';

/** Why `text` cannot be a key's expiry (not RFC 3339, or not in the future), or undefined when it can. */
export function expiryProblem(text: string, now = Date.now()): 'format' | 'past' | undefined {
  const ms = parseRfc3339(text);
  if (ms === undefined) return 'format';
  return ms <= now ? 'past' : undefined;
}

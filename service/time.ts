/**
 * RFC 3339 times. The service accepts any offset and fractional seconds, and stores and returns the instant in
 * UTC with millisecond precision, so stored times sort as text in both databases.
 * @module
 */
import { invalidArgument } from './errors';

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

/** Validates an expiry for a key being created or changed: RFC 3339 and in the future. */
export function futureExpiry(field: string, text: string, now = Date.now()): string {
  const ms = parseRfc3339(text);
  if (ms === undefined) throw invalidArgument(field, `${field} must be an RFC 3339 time such as 2030-01-31T12:00:00Z`);
  if (ms <= now) throw invalidArgument(field, `${field} ${text} is in the past; give a future time or null for no expiry`);
  return new Date(ms).toISOString();
}

export function nowIso(): string {
  return new Date().toISOString();
}

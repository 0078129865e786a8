/**
 * How long a key's current secret keeps working after a rotation, as the Rotate API Key dialog asks it: stop
 * it now, or keep it for a number of minutes or hours; sent as `overlap_seconds`, within the API's limit
 * (LIMITS.rotationOverlap, contract/api/api-keys.ts).
 */
import { LIMITS } from '../contract/limits';

export const OVERLAP_UNITS = { minutes: 60, hours: 3600 } as const;
export type OverlapUnit = keyof typeof OVERLAP_UNITS;

export interface Overlap {
  keep: boolean;
  /** As typed: a whole number of `unit`s. */
  amount: string;
  unit: OverlapUnit;
}

/** The API's default: the current secret stops at once. */
export const STOP_NOW: Overlap = { keep: false, amount: '60', unit: 'minutes' };

const MAX = LIMITS.rotationOverlap.maxSeconds;

/** The limit in words: 7 days (168 hours). */
export const OVERLAP_LIMIT_TEXT = `${MAX / 86_400} days (${MAX / 3600} hours)`;

/** `overlap_seconds` for the choice, or why it cannot be sent. */
export function overlapSeconds(o: Overlap): { seconds: number } | { refusal: string } {
  if (!o.keep) return { seconds: 0 };
  const amount = o.amount.trim();
  if (!/^\d+$/.test(amount) || Number(amount) === 0) return { refusal: `Give a whole number of ${o.unit} above 0, or choose to stop the current secret now.` };
  const seconds = Number(amount) * OVERLAP_UNITS[o.unit];
  if (seconds > MAX) return { refusal: `The current secret can keep working for at most ${OVERLAP_LIMIT_TEXT}.` };
  return { seconds };
}

/** A duration in the dialog's words: `90 minutes`, `1 hour`. */
export function overlapText(o: Overlap): string {
  const n = Number(o.amount.trim());
  return `${n} ${n === 1 ? o.unit.slice(0, -1) : o.unit}`;
}

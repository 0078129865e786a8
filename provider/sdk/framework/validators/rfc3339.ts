/**
 * @module framework/validators/rfc3339
 * RFC 3339 timestamps (Terraform's timestamp() format): a date, "T", a time with optional fraction and a
 * "Z" or numeric offset. Impossible dates (February 30th) are refused, not rolled over.
 */
import type { Validator } from './validator';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** The instant in whole milliseconds (finer digits dropped), or undefined when the text is not an RFC 3339 timestamp. */
export function parseRFC3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [oh, om] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  // Second 60 is refused, as Go's time.Parse (which Terraform and most Go APIs use) refuses it.
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  if (d > daysInMonth) return undefined;
  // Milliseconds, as JS dates hold them: finer digits are dropped (taken as text: no float rounding up to 1000).
  const frac = m[7] ? Number(`${m[7].slice(1)}00`.slice(0, 3)) : 0;
  const offset = m[8] === 'Z' || m[8] === 'z' ? 0 : (m[8]!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() + frac - offset * 60000;
}

export function rfc3339(): Validator {
  return {
    description: 'must be an RFC 3339 timestamp, such as 2030-01-02T15:04:05Z',
    validate({ path, value }, diags) {
      if (!value.isKnown()) return;
      if (parseRFC3339(value.asString()) === undefined) {
        diags.addAttributeError(
          path,
          'Invalid RFC 3339 Timestamp',
          `${JSON.stringify(value.asString())} is not an RFC 3339 timestamp. Write it like 2030-01-02T15:04:05Z or 2030-01-02T18:04:05+03:00.`,
        );
      }
    },
  };
}

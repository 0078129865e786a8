/**
 * Durations as people and Terraform write them: `24h`, `90m`, `1h30m`, `7d`, `45s`, or `0`. Units d, h, m and
 * s, each at most once and in that order, with whole or decimal numbers; the total must be a whole number of
 * seconds, which is what the API takes (`overlap_seconds`). The CLI (`--overlap`) and the provider read them
 * with this one rule.
 * @module
 */

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const DURATION = /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/;

export const DURATION_EXAMPLES = '24h, 90m, 1h30m, 7d, 45s or 0';

/** The duration in whole seconds, or undefined when `text` is not one (or not a whole number of seconds). */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  const [, d, h, mi, s] = m;
  // Summed in milliseconds, so 1.5s is seen not to be whole and 0.1h is exactly 360 s.
  let ms = 0;
  for (const [value, unit] of [
    [d, 'd'],
    [h, 'h'],
    [mi, 'm'],
    [s, 's'],
  ] as const) {
    if (value !== undefined) ms += Math.round(Number(value) * UNIT_SECONDS[unit] * 1000);
  }
  if (!Number.isSafeInteger(ms) || ms % 1000 !== 0) return undefined;
  return ms / 1000;
}

/** `86400` as `24h`, `5400` as `1h30m`: the shortest text parseDuration reads back as the same seconds. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0';
  let left = seconds;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(left / UNIT_SECONDS[unit]);
    if (n > 0) out += `${n}${unit}`;
    left -= n * UNIT_SECONDS[unit];
  }
  return out;
}

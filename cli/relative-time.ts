/**
 * Times in tables, kubectl and gh style: relative to now in the largest whole unit ("3d ago", "in 2h"), so a
 * date column takes a few characters. `-o wide`, JSON and YAML show the exact instant.
 * @module
 */
const UNITS: readonly (readonly [suffix: string, seconds: number])[] = [
  ['y', 365 * 86_400],
  ['mo', 30 * 86_400],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** `iso` relative to `now`: "5m ago", "in 30d", "now" within a second. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const seconds = Math.abs(diff) / 1000;
  const unit = UNITS.find(([, size]) => seconds >= size);
  if (!unit) return 'now';
  const n = `${Math.floor(seconds / unit[1])}${unit[0]}`;
  return diff < 0 ? `${n} ago` : `in ${n}`;
}

import { relativeTime } from './relative-time';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();

test.each([
  [0, 'now'],
  [-0.5, 'now'],
  [-59, '59s ago'],
  [-60, '1m ago'],
  [-3_599, '59m ago'],
  [-3 * 3_600, '3h ago'],
  [-2 * 86_400 - 5, '2d ago'],
  [-45 * 86_400, '1mo ago'],
  [-800 * 86_400, '2y ago'],
  [90, 'in 1m'],
  [30 * 86_400, 'in 1mo'],
  [29 * 86_400, 'in 29d'],
])('%d seconds from now is %s', (seconds, text) => {
  expect(relativeTime(at(seconds), NOW)).toBe(text);
});

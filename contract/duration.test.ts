import { formatDuration, parseDuration } from './duration';

test.each([
  ['0', 0],
  ['45s', 45],
  ['90m', 5_400],
  ['24h', 86_400],
  ['1h30m', 5_400],
  ['7d', 604_800],
  ['1d2h3m4s', 93_784],
  ['1.5h', 5_400],
  ['0.5s', undefined],
  ['', undefined],
  ['24', undefined],
  ['h', undefined],
  ['30m1h', undefined],
  ['1h1h', undefined],
  ['-1h', undefined],
  ['1w', undefined],
  [' 1h', undefined],
  ['1H', undefined],
])('%j is %p seconds', (text, seconds) => {
  expect(parseDuration(text)).toBe(seconds);
});

test.each([0, 1, 59, 60, 3_600, 5_400, 86_400, 93_784, 604_800])('%d seconds format as text that reads back', (seconds) => {
  expect(parseDuration(formatDuration(seconds))).toBe(seconds);
});

test('formatDuration is the short form', () => {
  expect([formatDuration(86_400), formatDuration(5_400), formatDuration(0)]).toEqual(['1d', '1h30m', '0']);
});

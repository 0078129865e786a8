import { parseDuration, parseDurationSeconds } from './duration';

test('durations as Terraform and Go write them', () => {
  expect(parseDuration('15m')).toBe(900_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDurationSeconds('720h')).toBe(2_592_000);
  expect(parseDurationSeconds('0s')).toBe(0);
  for (const bad of ['', '15', 'm', '1.5h', '-1m', '1d', '15 m', '24H']) expect(parseDuration(bad)).toBeUndefined();
});

/** The Rotate API Key dialog's overlap choice becomes the overlap_seconds the API takes, and nothing it refuses. */
import { LIMITS } from '../../contract/limits';
import { STOP_NOW, overlapSeconds, overlapText } from '../../console/rotation-overlap';

test('stop now is 0, whatever amount was typed before', () => {
  expect(overlapSeconds({ ...STOP_NOW, amount: 'x' })).toEqual({ seconds: 0 });
});

test.each([
  ['1', 'minutes', 60],
  ['90', 'minutes', 5400],
  ['2', 'hours', 7200],
  [' 168 ', 'hours', LIMITS.rotationOverlap.maxSeconds],
  ['10080', 'minutes', LIMITS.rotationOverlap.maxSeconds],
] as const)('%s %s is %i seconds', (amount, unit, seconds) => {
  expect(overlapSeconds({ keep: true, amount, unit })).toEqual({ seconds });
});

test.each([
  ['0', 'minutes', /whole number of minutes above 0/],
  ['', 'hours', /whole number of hours above 0/],
  ['1.5', 'hours', /whole number/],
  ['-5', 'minutes', /whole number/],
  ['169', 'hours', /at most 7 days \(168 hours\)/],
  ['10081', 'minutes', /at most 7 days/],
] as const)('%j %s is refused before it is sent', (amount, unit, message) => {
  const result = overlapSeconds({ keep: true, amount, unit });
  expect('refusal' in result && result.refusal).toMatch(message);
});

test('the duration in words', () => {
  expect(overlapText({ keep: true, amount: '1', unit: 'hours' })).toBe('1 hour');
  expect(overlapText({ keep: true, amount: '45', unit: 'minutes' })).toBe('45 minutes');
});

import fc from 'fast-check';
import { expiryProblem, parseRfc3339, sameInstant, storedTime } from './time';

describe('RFC 3339 times', () => {
  test('any instant written with any offset and precision reads back as that instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.boolean(),
        (date, offsetMin, lower) => {
          const local = new Date(date.getTime() + offsetMin * 60_000);
          if (local.getUTCFullYear() < 1 || local.getUTCFullYear() > 9999) return;
          const sign = offsetMin < 0 ? '-' : '+';
          const abs = Math.abs(offsetMin);
          const offset = offsetMin === 0 && lower ? 'z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          let text = local.toISOString().replace('Z', offset);
          if (lower) text = text.replace('T', 't');
          expect(parseRfc3339(text)).toBe(date.getTime());
        },
      ),
    );
  });

  test.each([
    '2030-02-29T00:00:00Z', // not a leap year
    '2100-02-29T00:00:00Z', // century, not a leap year
    '2030-04-31T00:00:00Z',
    '2030-00-10T00:00:00Z',
    '2030-01-00T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T00:60:00Z',
    '2030-01-01T00:00:00+24:00',
    '2030-01-01T00:00:00+01:60',
    '2030-01-01T00:00:00',
    '2030-01-01 00:00:00Z',
    '2030-01-01',
    '20300101T000000Z',
    '2030-1-01T00:00:00Z',
    '+002030-01-01T00:00:00Z',
    'Tue, 01 Jan 2030 00:00:00 GMT',
    '1893456000',
  ])('%s is not RFC 3339', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  test.each([
    ['2000-02-29T12:00:00Z', Date.UTC(2000, 1, 29, 12)],
    ['2096-02-29T00:00:00.123456+05:30', Date.UTC(2096, 1, 28, 18, 30, 0, 123)],
    ['0004-02-29T00:00:00Z', Date.parse('0004-02-29T00:00:00Z')],
  ])('%s is a real date', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  test('an expiry must be RFC 3339 and in the future; it is stored in UTC to the millisecond', () => {
    const now = Date.UTC(2030, 0, 1);
    expect(expiryProblem('2030-01-01T03:00:00.5+03:00', now - 1)).toBeUndefined();
    expect(storedTime('2030-01-01T03:00:00.5+03:00')).toBe('2030-01-01T00:00:00.500Z');
    expect(expiryProblem('2030-01-01T00:00:00Z', now)).toBe('past');
    expect(expiryProblem('2030-02-30T00:00:00Z', now)).toBe('format');
    expect(storedTime('2030-02-30T00:00:00Z')).toBeUndefined();
  });

  test('two spellings of one instant at millisecond precision are the same time; finer digits are dropped', () => {
    expect(sameInstant('2030-01-02T18:04:05+03:00', '2030-01-02T15:04:05Z')).toBe(true);
    expect(sameInstant('2030-01-02T15:04:05.1234Z', '2030-01-02T15:04:05.123Z')).toBe(true);
    expect(sameInstant('2030-01-02T15:04:05.124Z', '2030-01-02T15:04:05.123Z')).toBe(false);
    expect(sameInstant(null, null)).toBe(true);
    expect(sameInstant(null, '2030-01-02T15:04:05Z')).toBe(false);
    expect(sameInstant('not a time', 'not a time')).toBe(false);
  });
});

import { futureExpiry } from './rules';

test('an expiry must be in the future and comes back in UTC with milliseconds; a bad one names its field', () => {
  const now = Date.UTC(2030, 0, 1);
  expect(futureExpiry('expires_at', '2030-01-01T03:00:00.5+03:00', now - 1)).toBe('2030-01-01T00:00:00.500Z');
  expect(() => futureExpiry('expires_at', '2030-01-01T00:00:00Z', now)).toThrow(/past/);
  expect(() => futureExpiry('expires_at', '2030-01-01T00:00:00Z', now)).toThrow(expect.objectContaining({ code: 'invalid_argument', field: 'expires_at' }));
  expect(() => futureExpiry('expires_at', '2030-02-30T00:00:00Z', now)).toThrow(expect.objectContaining({ code: 'invalid_argument', field: 'expires_at' }));
  expect(() => futureExpiry('expires_at', '2030-02-30T00:00:00Z', now)).toThrow(/RFC 3339/);
});

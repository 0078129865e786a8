import { backoffDelay, retryAfterMs, shouldRetry, type Outcome } from './retry';

describe('shouldRetry', () => {
  const cases: [string, Outcome, boolean, boolean][] = [
    ['a 503 on a read', { kind: 'status', status: 503 }, true, true],
    ['a 500 on a read', { kind: 'status', status: 500 }, true, true],
    ['a 429 on a read', { kind: 'status', status: 429 }, true, true],
    ['a 400 on a read', { kind: 'status', status: 400 }, true, false],
    ['a 401 on a read', { kind: 'status', status: 401 }, true, false],
    ['a 404 on a read', { kind: 'status', status: 404 }, true, false],
    ['a 409 on a read', { kind: 'status', status: 409 }, true, false],
    ['a 503 on a create', { kind: 'status', status: 503 }, false, false],
    ['a 429 on a create', { kind: 'status', status: 429 }, false, false],
    ['a refused connection on a create', { kind: 'transport', code: 'ECONNREFUSED' }, false, true],
    ['a reset connection on a create', { kind: 'transport', code: 'ECONNRESET' }, false, false],
    ['a timeout on a create', { kind: 'transport', code: 'timeout' }, false, false],
    ['a reset connection on a read', { kind: 'transport', code: 'ECONNRESET' }, true, true],
    ['a timeout on a read', { kind: 'transport', code: 'timeout' }, true, true],
    ['an untrusted certificate on a read', { kind: 'transport', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, true, false],
    ['an unknown host on a read', { kind: 'transport', code: 'ENOTFOUND' }, true, false],
  ];
  test.each(cases)('%s', (_name, outcome, idempotent, expected) => {
    expect(shouldRetry(outcome, idempotent)).toBe(expected);
  });
});

test('backoff doubles per attempt, with jitter between half and all of it, capped', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };
  expect(backoffDelay(0, options, () => 0)).toBe(50);
  expect(backoffDelay(0, options, () => 1)).toBe(100);
  expect(backoffDelay(2, options, () => 0)).toBe(200);
  expect(backoffDelay(2, options, () => 1)).toBe(400);
  expect(backoffDelay(10, options, () => 1)).toBe(1000);
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(1, options);
    expect(d).toBeGreaterThanOrEqual(100);
    expect(d).toBeLessThanOrEqual(200);
  }
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  expect(retryAfterMs(undefined)).toBeUndefined();
  expect(retryAfterMs('3')).toBe(3000);
  expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
  expect(retryAfterMs('soon')).toBeUndefined();
});

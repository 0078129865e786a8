import { sameInstant, storedTime } from '../../../contract/time';
import { Diagnostics } from '../../sdk';
import { checkExpiryInFuture, checkPgpOrStore } from './plan-checks';
import { parsePgpKey } from './pgp';
import { parseVersionId, versionId } from './secret-output';

describe('expires_at is compared as an instant', () => {
  test.each([
    ['2099-01-02T18:04:05+03:00', '2099-01-02T15:04:05.000Z', true],
    ['2099-01-02T15:04:05.5Z', '2099-01-02T15:04:05.500Z', true],
    ['2099-01-02T15:04:05Z', '2099-01-02T15:04:06Z', false],
    ['2099-01-02T15:04:05Z', null, false],
    // The service keeps milliseconds and drops finer digits: what it stores is the same expiry.
    ['2099-01-02T15:04:05.1234Z', '2099-01-02T15:04:05.123Z', true],
    ['2099-01-02T15:04:05.999999999Z', '2099-01-02T15:04:05.999Z', true],
    ['2099-01-02T15:04:05.9999Z', '2099-01-02T15:04:06.000Z', false],
  ] as const)('%s and %s: %s', (a, b, same) => {
    expect(sameInstant(a, b)).toBe(same);
  });

  test('a past expiry is an error at expires_at', () => {
    const d = new Diagnostics();
    checkExpiryInFuture('2001-01-01T00:00:00Z', d);
    expect(d.toArray()).toEqual([expect.objectContaining({ severity: 'error', summary: 'Expiry In The Past', path: [{ attr: 'expires_at' }] })]);
  });
});

test('pgp_key with output_to_secret_store is an error at pgp_key', () => {
  const d = new Diagnostics();
  checkPgpOrStore('key', { secret_id: 'sec_1', entry_key: 'api_key' }, d);
  expect(d.toArray()[0]).toMatchObject({ summary: 'Conflicting Secret Outputs', path: [{ attr: 'pgp_key' }] });
});

test('the service stores sub-millisecond expiries the way sameInstant reads them', () => {
  // The service's own parser and what it stores, so the two cannot drift apart unnoticed.
  for (const t of ['2099-01-02T15:04:05.1234Z', '2099-01-02T15:04:05.999999999+03:00', '2099-01-02T15:04:05.0005Z', '2099-01-02t15:04:05.5z']) {
    expect(sameInstant(t, storedTime(t)!)).toBe(true);
  }
  // And an instant the service stores differently is a change.
  expect(sameInstant('2099-01-02T15:04:05.001Z', storedTime('2099-01-02T15:04:05.002Z')!)).toBe(false);
});

test('a secret version id round-trips', () => {
  expect(parseVersionId(versionId('sec_abc', 7))).toEqual({ secretId: 'sec_abc', version: 7 });
  expect(parseVersionId('nonsense')).toBeUndefined();
});

test('a pgp_key that is not base64 nor armored is refused without throwing', async () => {
  await expect(parsePgpKey('not a key!')).resolves.toMatchObject({ ok: false, summary: 'Invalid PGP Key' });
});

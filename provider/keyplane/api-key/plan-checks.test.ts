import { sameInstant, storedTime } from '../../../contract/time';
import { Diagnostics } from '../../sdk';
import { checkExpiryInFuture, checkPgpOrStore } from './plan-checks';
import { parsePgpKey } from './pgp';
import { rotationDue } from './rotation';
import { deliveryOf, outputsOf } from './secret-output';

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

test("the configuration becomes the service's delivery, and its answer the secret outputs (SECRET_ID/VERSION for the store)", () => {
  expect(deliveryOf({ pgp_key: 'PGP', output_to_secret_store: null })).toEqual({ pgp_public_key: 'PGP' });
  expect(deliveryOf({ pgp_key: null, output_to_secret_store: { secret_id: 'sec_a', entry_key: null } })).toEqual({
    secret_store: { secret_id: 'sec_a', entry_key: 'api_key' },
  });
  expect(deliveryOf({ pgp_key: null, output_to_secret_store: null })).toBeUndefined();
  const key = { id: 'key_1' } as never;
  const none = { secret: null, encrypted_secret: null, key_fingerprint: null, secret_store_version_id: null };
  expect(
    outputsOf({ api_key: key, replayed: false, delivery: { mode: 'secret_store', secret_store: { secret_id: 'sec_a', entry_key: 'x', version: 7 } } }),
  ).toEqual({
    ...none,
    secret_store_version_id: 'sec_a/7',
  });
  expect(outputsOf({ api_key: key, replayed: false, delivery: { mode: 'pgp', pgp: { encrypted_secret: 'MSG', key_fingerprint: 'FP' } } })).toEqual({
    ...none,
    encrypted_secret: 'MSG',
    key_fingerprint: 'FP',
  });
  expect(outputsOf({ api_key: key, replayed: false, secret: 'kp_x', delivery: { mode: 'response' } })).toEqual({ ...none, secret: 'kp_x' });
  // A replay does not repeat the secret: nothing to deliver, so create rotates for a fresh one.
  expect(outputsOf({ api_key: key, replayed: true, delivery: { mode: 'response' } })).toBeUndefined();
});

describe('rotationDue', () => {
  const created = '2026-01-01T00:00:00.000Z';
  const now = Date.parse('2026-01-31T00:00:00.000Z');
  const state = (over: object = {}) => ({
    rotation: { triggers: { v: '1' }, overlap: '24h', rotate_after: null },
    created_at: created,
    rotated_at: null,
    secret_version: 1,
    ...over,
  });
  test('nothing changed: no rotation', () => {
    expect(rotationDue({ triggers: { v: '1' }, rotate_after: null }, state(), 1, now)).toBeUndefined();
    expect(rotationDue(null, state({ rotation: null }), 1, now)).toBeUndefined();
  });
  test('a trigger changed, appeared or went away under a kept block: rotation', () => {
    expect(rotationDue({ triggers: { v: '2' }, rotate_after: null }, state(), 1, now)).toEqual({ why: 'triggers' });
    expect(rotationDue({ triggers: { v: '1', w: '1' }, rotate_after: null }, state(), 1, now)).toEqual({ why: 'triggers' });
  });
  test('adding or removing the block does not rotate', () => {
    expect(rotationDue(null, state(), 1, now)).toBeUndefined();
    expect(rotationDue({ triggers: { v: '1' }, rotate_after: null }, state({ rotation: null }), 1, now)).toBeUndefined();
  });
  test('rotate_after counts from rotated_at, or created_at before the first rotation', () => {
    expect(rotationDue({ triggers: { v: '1' }, rotate_after: '720h' }, state(), 1, now)).toEqual({ why: 'age', since: created, after: '720h' });
    expect(rotationDue({ triggers: { v: '1' }, rotate_after: '721h' }, state(), 1, now)).toBeUndefined();
    expect(
      rotationDue({ triggers: { v: '1' }, rotate_after: '720h' }, state({ rotated_at: '2026-01-30T00:00:00.000Z', secret_version: 2 }), 2, now),
    ).toBeUndefined();
  });
  test('a secret_version Terraform did not deliver: rotation, saying so; unknown delivered version: not judged', () => {
    expect(rotationDue({ triggers: { v: '1' }, rotate_after: null }, state({ secret_version: 3 }), 2, now)).toEqual({
      why: 'undelivered',
      delivered: 2,
      current: 3,
    });
    expect(rotationDue({ triggers: { v: '1' }, rotate_after: null }, state({ secret_version: 3 }), undefined, now)).toBeUndefined();
  });
});

test('a pgp_key that is not base64 nor armored is refused without throwing', async () => {
  await expect(parsePgpKey('not a key!')).resolves.toMatchObject({ ok: false, summary: 'Invalid PGP Key' });
});

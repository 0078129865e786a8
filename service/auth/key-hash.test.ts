/**
 * Key hashing and the pieces of the key format the table tests in contract/key-format.test.ts leave to properties:
 * base62 round trips, typos the checksum must catch, and the constant-time comparison.
 */
import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { BASE62_ALPHABET, decodeBase62, encodeBase62 } from '../../contract/base62';
import { displayPrefix, generateKey, keyFormatProblem, KEY_LENGTH } from '../../contract/key-format';
import { KeyHasher, sameHash } from './key-hash';

describe('base62', () => {
  test('encodes and decodes any value at any sufficient width, and fixed widths sort like the numbers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), fc.bigInt({ min: 0n, max: 2n ** 200n }), (a, b) => {
        const x = encodeBase62(a, 34);
        const y = encodeBase62(b, 34);
        expect(decodeBase62(x)).toBe(a);
        expect(x < y).toBe(a < b);
      }),
    );
  });

  test('a value too wide for its width is an error, not a silently longer string', () => {
    expect(() => encodeBase62(62n ** 4n, 4)).toThrow(RangeError);
    expect(encodeBase62(62n ** 4n - 1n, 4)).toBe('zzzz');
  });

  test('characters outside the alphabet do not decode', () => {
    for (const c of ['-', '_', '+', '/', '=', ' ', 'é']) expect(decodeBase62(`ab${c}`)).toBeUndefined();
  });
});

describe('the checksum catches typos', () => {
  test('any two adjacent different characters swapped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: KEY_LENGTH - 2 }), (i) => {
        const key = generateKey();
        if (key[i] === key[i + 1]) return;
        const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
        expect(keyFormatProblem(swapped)).toBe('checksum');
      }),
    );
  });

  test('any truncation or extension', () => {
    const key = generateKey();
    for (let n = 0; n < KEY_LENGTH; n++) expect([n, keyFormatProblem(key.slice(0, n))]).toEqual([n, n < 3 ? 'prefix' : 'length']);
    for (const c of BASE62_ALPHABET.slice(0, 5)) expect(keyFormatProblem(key + c)).toBe('length');
  });

  test('10 000 generated keys are distinct and each passes', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 10_000; i++) keys.add(generateKey());
    expect(keys.size).toBe(10_000);
    for (const k of keys) expect(keyFormatProblem(k)).toBeUndefined();
  });

  test('the display prefix shows at most 8 characters of the key body', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const key = generateKey();
        const shown = displayPrefix(key).replace('kp_', '').replace('…', '');
        expect(shown.length).toBeLessThanOrEqual(8);
        expect(key.includes(displayPrefix(key))).toBe(false);
      }),
    );
  });
});

describe('hashing', () => {
  test('is keyed by the master key and stable for one', () => {
    const master = crypto.randomBytes(32);
    const key = generateKey();
    expect(new KeyHasher(master).hash(key)).toBe(new KeyHasher(Buffer.from(master)).hash(key));
    expect(new KeyHasher(master).hash(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('comparison goes through crypto.timingSafeEqual for equal-length hashes', () => {
    // the module object itself (an `import * as` namespace cannot be spied on); key-hash.ts reads it per call
    const nodeCrypto = require('node:crypto') as typeof crypto;
    const spy = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    try {
      const hasher = new KeyHasher(crypto.randomBytes(32));
      const key = generateKey();
      const stored = hasher.hash(key);
      expect(hasher.matches(key, stored)).toBe(true);
      expect(sameHash(hasher.hash(generateKey()), stored)).toBe(false);
      expect(spy).toHaveBeenCalledTimes(2);
      // a stored value of another length is refused without comparing
      expect(sameHash(stored, stored.slice(0, -4))).toBe(false);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  test('hashes that differ only in their last byte do not match', () => {
    const hasher = new KeyHasher(crypto.randomBytes(32));
    const stored = hasher.hash(generateKey());
    const raw = Buffer.from(stored, 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(sameHash(stored, raw.toString('base64url'))).toBe(false);
  });
});

describe('key hashes', () => {
  test('hash matches only its own key, and depends on the master key', () => {
    const a = new KeyHasher(crypto.randomBytes(32));
    const b = new KeyHasher(crypto.randomBytes(32));
    const key = generateKey();
    expect(a.matches(key, a.hash(key))).toBe(true);
    expect(a.matches(generateKey(), a.hash(key))).toBe(false);
    expect(a.hash(key)).not.toBe(b.hash(key));
    expect(a.hash(key)).not.toContain(key.slice(3, 15));
  });
});

import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { BASE62_ALPHABET } from './base62';
import { displayPrefix, generateKey, keyFormatProblem, KEY_LENGTH } from './key-format';
import { KeyHasher } from './key-hash';
import { newId } from '../ids';

describe('key format', () => {
  test('a generated key is kp_ + 39 base62 characters and passes its own checksum', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateKey();
      expect(key).toMatch(/^kp_[0-9A-Za-z]{39}$/);
      expect(key).toHaveLength(KEY_LENGTH);
      expect(keyFormatProblem(key)).toBeUndefined();
    }
  });

  test('any single changed character is caught by the checksum', () => {
    const key = generateKey();
    fc.assert(
      fc.property(fc.integer({ min: 3, max: KEY_LENGTH - 1 }), fc.integer({ min: 1, max: 61 }), (pos, shift) => {
        const c = BASE62_ALPHABET[(BASE62_ALPHABET.indexOf(key[pos]!) + shift) % 62]!;
        const typo = key.slice(0, pos) + c + key.slice(pos + 1);
        expect(keyFormatProblem(typo)).toBe('checksum');
      }),
    );
  });

  test('truncated, prefixed wrongly or with foreign characters: each problem is named', () => {
    const key = generateKey();
    expect(keyFormatProblem(key.slice(0, -1))).toBe('length');
    expect(keyFormatProblem(`xx_${key.slice(3)}`)).toBe('prefix');
    expect(keyFormatProblem(`${key.slice(0, 10)}-${key.slice(11)}`)).toBe('characters');
  });

  test('display prefix shows 4 characters each side and hides the rest', () => {
    const key = generateKey();
    const shown = displayPrefix(key);
    expect(shown).toBe(`${key.slice(0, 7)}…${key.slice(-4)}`);
    expect(shown.length).toBeLessThan(13);
  });

  test('hash matches only its own key, and depends on the master key', () => {
    const a = new KeyHasher(randomBytes(32));
    const b = new KeyHasher(randomBytes(32));
    const key = generateKey();
    expect(a.matches(key, a.hash(key))).toBe(true);
    expect(a.matches(generateKey(), a.hash(key))).toBe(false);
    expect(a.hash(key)).not.toBe(b.hash(key));
    expect(a.hash(key)).not.toContain(key.slice(3, 15));
  });

  test('ids sort by creation time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => newId('apiKey', t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^key_[0-9A-Za-z]{20}$/);
  });
});

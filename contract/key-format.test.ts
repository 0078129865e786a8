import fc from 'fast-check';
import { BASE62_ALPHABET } from './base62';
import { displayPrefix, generateKey, keyFormatProblem, KEY_LENGTH } from './key-format';

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
});

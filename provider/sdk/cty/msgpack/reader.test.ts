/**
 * The hand-written reader against an independent msgpack implementation: whatever @msgpack/msgpack writes,
 * the reader reads back the same numbers, strings and extensions, and skips whole values exactly.
 */
import { Encoder, ExtData } from '@msgpack/msgpack';
import fc from 'fast-check';
import { root } from '../path';
import { Reader } from './reader';

const lib = new Encoder({ useBigInt64: true });
const libFloat32 = new Encoder({ useBigInt64: true, forceFloat32: true });

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

const generic = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    int64,
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(fc.integer({ min: 0, max: 127 }), fc.uint8Array({ maxLength: 300 })).map(([t, d]) => new ExtData(t, d)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.string().filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe('reader', () => {
  test('skips exactly one whole value, whatever it is', () => {
    fc.assert(
      fc.property(generic, fc.boolean(), (v, f32) => {
        const bytes = (f32 ? libFloat32 : lib).encode(v);
        const r = new Reader(bytes);
        r.skip(root);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  test('reads every int64 and uint64 exactly, in whatever width the library picks', () => {
    fc.assert(
      fc.property(fc.oneof(int64, uint64, fc.integer().map(BigInt)), (n) => {
        // The library writes safe integers as numbers in their smallest form, the rest as 8-byte bigints.
        const asNumber = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -(2n ** 31n) && n < 2n ** 32n;
        const r = new Reader(lib.encode(asNumber ? Number(n) : n));
        expect(BigInt(r.readNumber(root) as number | bigint)).toBe(n);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  test('reads float64 and float32 to the same JS number', () => {
    fc.assert(
      // Not -0 (the library writes it as the integer 0) and only non-integers for float32 (the library writes
      // safe integers as ints even then).
      fc.property(
        fc.double({ noNaN: true }).filter((f) => !Object.is(f, -0)),
        (f) => {
          expect(new Reader(lib.encode(f)).readNumber(root)).toBe(f);
          if (!Number.isSafeInteger(f)) expect(new Reader(libFloat32.encode(f)).readNumber(root)).toBe(Math.fround(f));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('reads strings of any length and content', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ minLength: 250, maxLength: 70000 })), (s) => {
        const r = new Reader(lib.encode(s));
        expect(r.readString(root, 'a string')).toBe(s);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  test('reads extensions of every framing with their type and payload', () => {
    fc.assert(
      fc.property(fc.integer({ min: -128, max: 127 }), fc.uint8Array({ maxLength: 70000 }), (type, data) => {
        const r = new Reader(lib.encode(new ExtData(type, data)));
        const ext = r.readExt(root);
        expect(ext.type).toBe(type);
        expect(Buffer.from(ext.data).equals(Buffer.from(data))).toBe(true);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  test('array and map headers of every width', () => {
    for (const n of [0, 15, 16, 65535, 65536]) {
      const arr = new Reader(lib.encode(new Array(n).fill(0)));
      expect(arr.readArrayHeader(root, 'an array')).toBe(n);
      const obj: Record<string, number> = {};
      for (let i = 0; i < n; i++) obj[`k${i}`] = 0;
      expect(new Reader(lib.encode(obj)).readMapHeader(root, 'a map')).toBe(n);
    }
  });
});

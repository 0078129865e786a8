/**
 * Exact numbers as canonical decimal text (number.ts): canonical forms, exact float64 expansion, the checks
 * the msgpack encoder relies on (isExactFloat64, isExactInJS, isInteger) and the total order.
 */
import fc from 'fast-check';
import {
  NumberSyntaxError,
  canonicalNumber,
  compareNumbers,
  isCanonicalNumber,
  isExactFloat64,
  isExactInJS,
  isInfinite,
  isInteger,
  numberFromBigInt,
  numberFromFloat64Exact,
  numberFromJS,
  numberToBigInt,
  numberToJS,
} from './number';

describe('canonicalNumber', () => {
  test.each([
    ['1.50e2', '150'],
    ['150', '150'],
    ['-0', '0'],
    ['+0', '0'],
    ['0.000', '0'],
    ['-0.000e10', '0'],
    ['+5', '5'],
    ['007', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1e-3', '0.001'],
    ['1E3', '1000'],
    ['-1.2300', '-1.23'],
    ['12345678901234567890123', '12345678901234567890123'],
    ['0.1000000000000000000001', '0.1000000000000000000001'],
    ['123.456e-5', '0.00123456'],
    ['  42  ', '42'],
    ['Infinity', 'Infinity'],
    ['+Infinity', 'Infinity'],
    ['Inf', 'Infinity'],
    ['-Inf', '-Infinity'],
    ['-Infinity', '-Infinity'],
  ])('%s is %s', (text, canonical) => {
    expect(canonicalNumber(text)).toBe(canonical);
  });

  test.each(['', 'abc', 'NaN', '1e', '--1', '1.2.3', '0x10', '1_000', 'e5', '.', '1e999999'])('%j is not a number', (text) => {
    expect(() => canonicalNumber(text)).toThrow(NumberSyntaxError);
  });

  test('is idempotent and agrees with the fast path check', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{0,25}$/),
        fc.option(fc.stringMatching(/^\d{0,25}$/)),
        fc.option(fc.integer({ min: -40, max: 40 })),
      )
      .filter(([, i, f]) => i.length > 0 || (f !== null && f.length > 0))
      .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : `.${f}`}${e === null ? '' : `e${e}`}`);
    fc.assert(
      fc.property(decimal, (text) => {
        const c = canonicalNumber(text);
        expect(canonicalNumber(c)).toBe(c);
        expect(isCanonicalNumber(c)).toBe(true);
        expect(isCanonicalNumber(text)).toBe(c === text);
        // Same value as JS reads it (both sides rounded to the nearest double).
        expect(Number(c)).toBe(Number(text) === 0 ? 0 : Number(text));
      }),
      { numRuns: 2000 },
    );
  });

  test.each(['0', '-0.5', '0.05', '10', 'Infinity', '-Infinity', '123.456'])('%s is canonical', (t) => expect(isCanonicalNumber(t)).toBe(true));
  test.each(['-0', '0.', '0.50', '007', '1e3', '+1', '.5', '-0.0', '', 'Inf'])('%j is not canonical', (t) => expect(isCanonicalNumber(t)).toBe(false));
});

describe('numberFromJS', () => {
  test.each([
    [0.1, '0.1'],
    [-0, '0'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%p is %s (its shortest spelling)', (n, text) => {
    expect(numberFromJS(n)).toBe(text);
  });

  test('NaN is refused: Terraform has no NaN', () => {
    expect(() => numberFromJS(NaN)).toThrow(NumberSyntaxError);
  });

  test('round-trips every double through JS', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (f) => expect(numberToJS(numberFromJS(f))).toBe(f === 0 ? 0 : f)),
      { numRuns: 2000 },
    );
  });
});

describe('numberFromFloat64Exact', () => {
  test.each([
    [0.1, '0.1000000000000000055511151231257827021181583404541015625'],
    [2.5, '2.5'],
    [-0.5, '-0.5'],
    [-0, '0'],
    [2 ** 53 + 2, '9007199254740994'],
    [2 ** 64, '18446744073709551616'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%p is exactly %s', (f, text) => {
    expect(numberFromFloat64Exact(f)).toBe(text);
  });

  test('the smallest subnormal has its full 751-digit expansion', () => {
    const text = numberFromFloat64Exact(5e-324);
    expect(text.startsWith('0.000')).toBe(true);
    expect(text.endsWith('5')).toBe(true);
    expect(text.length).toBe(2 + 1073 + 1); // "0." then 1073 zeros and significant digits, 1074 places in all
    expect(Number(text)).toBe(5e-324);
  });

  test('the largest double is an integer of 309 digits', () => {
    const text = numberFromFloat64Exact(Number.MAX_VALUE);
    expect(text).toMatch(/^\d{309}$/);
    expect(Number(text)).toBe(Number.MAX_VALUE);
  });

  test('is the exact value: canonical, reads back to the same double, and exact in float64', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (f) => {
        const text = numberFromFloat64Exact(f);
        expect(canonicalNumber(text)).toBe(text);
        expect(Number(text)).toBe(f === 0 ? 0 : f);
        expect(isExactFloat64(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('NaN is refused', () => {
    expect(() => numberFromFloat64Exact(NaN)).toThrow(NumberSyntaxError);
  });
});

describe('exactness checks', () => {
  test.each([
    ['2.5', true, true],
    ['0.1', false, true],
    ['0.1000000000000000055511151231257827021181583404541015625', true, false],
    ['9007199254740992', true, true],
    ['9007199254740993', false, false],
    ['12345678901234567890', false, false],
    // 2^64 is a double, but JS spells that double 18446744073709552000, so the JS round trip changes it
    ['18446744073709551616', true, false],
    [`1${'0'.repeat(400)}`, false, false],
    ['Infinity', true, true],
    ['-Infinity', true, true],
    ['0', true, true],
  ])('%s: exact float64 %p, exact in JS %p', (n, float64, js) => {
    expect(isExactFloat64(n)).toBe(float64);
    expect(isExactInJS(n)).toBe(js);
  });

  test.each([
    ['0', true],
    ['-12', true],
    ['12345678901234567890123', true],
    ['0.5', false],
    ['Infinity', false],
    ['-Infinity', false],
  ])('isInteger(%s) is %p', (n, want) => {
    expect(isInteger(n)).toBe(want);
  });

  test('isInfinite', () => {
    expect(isInfinite('Infinity')).toBe(true);
    expect(isInfinite('-Infinity')).toBe(true);
    expect(isInfinite('1e308')).toBe(false);
  });

  test('bigints convert both ways exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (b) => {
        expect(numberToBigInt(numberFromBigInt(b))).toBe(b);
        expect(isCanonicalNumber(numberFromBigInt(b))).toBe(true);
      }),
    );
    expect(() => numberToBigInt('0.5')).toThrow(RangeError);
    expect(() => numberToBigInt('Infinity')).toThrow(RangeError);
  });
});

describe('compareNumbers', () => {
  test.each([
    ['1', '2', -1],
    ['2', '1', 1],
    ['-1', '1', -1],
    ['0', '-0.0001', 1],
    ['0.1', '0.10000000000000000001', -1],
    ['12345678901234567890123', '12345678901234567890122', 1],
    ['-12345678901234567890123', '-12345678901234567890122', -1],
    ['1000', '999.999999999999999999', 1],
    ['-Infinity', '-1000000000', -1],
    ['Infinity', `1${'0'.repeat(400)}`, 1],
    ['-Infinity', '-Infinity', 0],
    ['Infinity', 'Infinity', 0],
    ['-Infinity', 'Infinity', -1],
    ['5', '5', 0],
  ])('%s vs %s is %p', (a, b, want) => {
    expect(Math.sign(compareNumbers(a, b))).toBe(want);
  });

  test('orders exact doubles as JS does', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (x, y) => {
        const want = x < y ? -1 : x > y ? 1 : 0;
        expect(Math.sign(compareNumbers(numberFromFloat64Exact(x), numberFromFloat64Exact(y)))).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  test('orders big decimals as bigints do after scaling', () => {
    const dec = fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(dec, dec, ([a, ea], [b, eb]) => {
        // a·10^-ea vs b·10^-eb, compared exactly at the common scale
        const scale = Math.max(ea, eb);
        const x = a * 10n ** BigInt(scale - ea);
        const y = b * 10n ** BigInt(scale - eb);
        const want = x < y ? -1 : x > y ? 1 : 0;
        expect(Math.sign(compareNumbers(canonicalNumber(`${a}e-${ea}`), canonicalNumber(`${b}e-${eb}`)))).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  test('is antisymmetric', () => {
    const n = fc.oneof(fc.double({ noNaN: true }).map(numberFromJS), fc.bigInt().map(String));
    fc.assert(fc.property(n, n, (a, b) => expect(Math.sign(compareNumbers(a, b))).toBe(-Math.sign(compareNumbers(b, a)) || 0)));
  });
});

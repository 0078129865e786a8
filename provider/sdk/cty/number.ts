/**
 * @module cty/number
 * Exact numbers. cty numbers are arbitrary-precision (Go big.Float with 512-bit mantissas); Terraform sends
 * integers beyond int64, and fractions a float64 cannot hold, as decimal strings. We keep every number as
 * its canonical decimal text, so nothing is rounded on the way through, and convert to a JS number only when
 * asked.
 *
 * Canonical text: no exponent, no leading zeros, no trailing fractional zeros, no "-0"; "Infinity" and
 * "-Infinity" for the infinities (cty has them; it has no NaN).
 */

/** A decimal as sign, coefficient and power of ten: value = (neg ? -1 : 1) * coef * 10^exp. */
interface Decimal {
  neg: boolean;
  coef: bigint;
  exp: number;
}

export const POS_INF = 'Infinity';
export const NEG_INF = '-Infinity';

const DECIMAL = /^([-+]?)(\d+\.?\d*|\.\d+)(?:[eE]([-+]?\d+))?$/;

export class NumberSyntaxError extends Error {
  readonly code = 'invalid_number';
}

function parse(text: string): Decimal | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, sign, body, e] = m;
  const dot = body!.indexOf('.');
  const digits = dot < 0 ? body! : body!.slice(0, dot) + body!.slice(dot + 1);
  const fracLen = dot < 0 ? 0 : body!.length - dot - 1;
  const exp10 = Number(e ?? '0');
  if (!Number.isSafeInteger(exp10) || Math.abs(exp10) > 100000) return null; // refuse absurd exponents instead of allocating huge strings
  return normalise({ neg: sign === '-', coef: BigInt(digits === '' ? '0' : digits), exp: exp10 - fracLen });
}

function normalise(d: Decimal): Decimal {
  if (d.coef === 0n) return { neg: false, coef: 0n, exp: 0 };
  let { coef, exp } = d;
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp += 1;
  }
  return { neg: d.neg, coef, exp };
}

function format(d: Decimal): string {
  const sign = d.neg ? '-' : '';
  const digits = d.coef.toString();
  if (d.exp >= 0) return sign + digits + '0'.repeat(d.exp);
  const point = digits.length + d.exp;
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}0.${'0'.repeat(-point)}${digits}`;
}

// Already canonical: an integer without leading zeros or "-0", optionally a fraction ending in a non-zero digit.
const CANONICAL = /^(?:0|-?(?:[1-9]\d*|0(?=\.))(?:\.\d*[1-9])?)$/;

/** True when text is already in canonical form (a cheap check: decoders produce canonical text). */
export function isCanonicalNumber(text: string): boolean {
  return CANONICAL.test(text) || text === POS_INF || text === NEG_INF;
}

/** Canonical text of a decimal string ("1.50e2" → "150"); throws NumberSyntaxError on anything else. */
export function canonicalNumber(text: string): string {
  // Fast path: Value.number canonicalises every number, and decoded ones almost always are already.
  if (isCanonicalNumber(text)) return text;
  if (text === POS_INF || text === '+Infinity' || text === 'Inf' || text === '+Inf') return POS_INF;
  if (text === NEG_INF || text === '-Inf') return NEG_INF;
  const d = parse(text);
  if (!d) throw new NumberSyntaxError(`"${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not a number`);
  return format(d);
}

/** Canonical text of a JS number, using its shortest round-trip spelling (0.1 → "0.1"). */
export function numberFromJS(n: number): string {
  if (Number.isNaN(n)) throw new NumberSyntaxError('NaN is not a number in Terraform');
  if (n === Infinity) return POS_INF;
  if (n === -Infinity) return NEG_INF;
  return format(parse(String(n))!);
}

export function numberFromBigInt(n: bigint): string {
  return n.toString();
}

/** The exact decimal value of a float64 (as cty holds it after decoding one from msgpack). */
export function numberFromFloat64Exact(f: number): string {
  if (Number.isNaN(f)) throw new NumberSyntaxError('NaN is not a number in Terraform');
  if (!Number.isFinite(f)) return f > 0 ? POS_INF : NEG_INF;
  if (Number.isInteger(f)) return BigInt(f).toString();
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, f);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = rawExp === 0 ? frac : frac | (1n << 52n);
  const e2 = (rawExp === 0 ? 1 : rawExp) - 1075; // value = mant * 2^e2, e2 < 0 for non-integers
  // mant * 2^e2 = mant * 5^-e2 * 10^e2
  return format(normalise({ neg, coef: mant * 5n ** BigInt(-e2), exp: e2 }));
}

export function isInfinite(n: string): boolean {
  return n === POS_INF || n === NEG_INF;
}

export function isInteger(n: string): boolean {
  return !isInfinite(n) && !n.includes('.');
}

/** The integer as a bigint; throws when the number has a fraction or is infinite. */
export function numberToBigInt(n: string): bigint {
  if (!isInteger(n)) throw new RangeError(`${n} is not an integer`);
  return BigInt(n);
}

/** The nearest JS number (may round: check isExactInJS first when that matters). */
export function numberToJS(n: string): number {
  return Number(n);
}

/** True when the JS number nearest to n spells back as n, so converting to JS and back loses nothing. */
export function isExactInJS(n: string): boolean {
  if (isInfinite(n)) return true;
  return numberFromJS(Number(n)) === n;
}

/** True when n is exactly some float64 (cty sends such a number as msgpack float64 when it is not whole). */
export function isExactFloat64(n: string): boolean {
  if (isInfinite(n)) return true;
  const f = Number(n);
  return Number.isFinite(f) && numberFromFloat64Exact(f) === n;
}

/** Total order on canonical numbers: negative, zero or positive like a comparator. */
export function compareNumbers(a: string, b: string): number {
  if (a === b) return 0;
  if (a === NEG_INF || b === POS_INF) return -1;
  if (a === POS_INF || b === NEG_INF) return 1;
  const x = parse(a)!;
  const y = parse(b)!;
  const sx = x.coef === 0n ? 0 : x.neg ? -1 : 1;
  const sy = y.coef === 0n ? 0 : y.neg ? -1 : 1;
  if (sx !== sy) return sx - sy;
  const e = Math.min(x.exp, y.exp);
  const cx = x.coef * 10n ** BigInt(x.exp - e);
  const cy = y.coef * 10n ** BigInt(y.exp - e);
  const mag = cx < cy ? -1 : cx > cy ? 1 : 0;
  return sx < 0 ? -mag : mag;
}

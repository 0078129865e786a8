/**
 * @module cty/msgpack/arbitraries.test-support
 * fast-check arbitraries for the codec property tests (msgpack here, JSON in ../json): types of every kind,
 * nested, with optional-attribute markers and dynamic slots; and values conforming to a type, with nulls and
 * (refined) unknowns at every level, numbers beyond 2^64, decimals no float holds, ±Infinity, sets given
 * duplicates, unicode strings and awkward map keys. Test support only; nothing in the SDK imports it.
 */
import fc from 'fast-check';
import { compareNumbers, numberFromFloat64Exact, numberFromJS, canonicalNumber } from '../number';
import { type Type, bool, dynamic, list, map, number, object, set, string, tuple } from '../types';
import { type NumberBound, type Refinement, Value } from '../value';

export interface ValueOptions {
  /** Include unknowns (and refinements). JSON cannot hold them. */
  readonly unknowns: boolean;
  /** Include ±Infinity. JSON cannot hold them. */
  readonly infinities: boolean;
}

export const MSGPACK_VALUES: ValueOptions = { unknowns: true, infinities: true };
export const JSON_VALUES: ValueOptions = { unknowns: false, infinities: false };

const weird = ['id', 'name', 'constructor', 'toString', 'hasOwnProperty', '', '10', '9', 'ünïcödé', '😀'];

/** Map keys: ordinary, prototype-shaped, integer-like, unicode. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...weird, '__proto__'), fc.string({ unit: 'binary', maxLength: 6 }));

/** Object attribute names: the same as map keys, "__proto__" included (types.ts keeps attributes in null-prototype maps). */
export const attrNameArb: fc.Arbitrary<string> = keyArb;

export function typeArb(depth = 3, allowDynamic = true): fc.Arbitrary<Type> {
  const leaves = fc.constantFrom<Type>(...(allowDynamic ? [string, number, bool, dynamic] : [string, number, bool]));
  if (depth <= 0) return leaves;
  const inner = typeArb(depth - 1, allowDynamic);
  const objectType = fc
    .uniqueArray(fc.tuple(attrNameArb, inner), { selector: ([n]) => n, maxLength: 4 })
    .chain((pairs) => fc.subarray(pairs.map(([n]) => n)).map((optional) => object(Object.fromEntries(pairs), optional)));
  return fc.oneof(
    { weight: 4, arbitrary: leaves },
    { weight: 1, arbitrary: inner.map(list) },
    { weight: 1, arbitrary: inner.map(set) },
    { weight: 1, arbitrary: inner.map(map) },
    { weight: 2, arbitrary: objectType },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 3 }).map(tuple) },
  );
}

/** A type a dynamic slot can hold: anything but the dynamic type itself at the top. */
export const concreteTypeArb = (depth = 2): fc.Arbitrary<Type> => typeArb(depth).filter((t) => t.kind !== 'dynamic');

const EDGE_NUMBERS = [
  '0',
  '1',
  '-1',
  '127',
  '128',
  '-32',
  '-33',
  '255',
  '256',
  '65535',
  '65536',
  '-2147483648',
  '-2147483649',
  '4294967295',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '12345678901234567890',
  '18446744073709551615',
  '18446744073709551616',
  '-18446744073709551616',
  '1e30',
  '1267650600228229401496703205376',
  '0.1',
  '2.5',
  '-0.5',
  '1e-7',
  '0.1000000000000000000001',
  '12345678901234567890123',
];

/**
 * Whole numbers beyond 2^53 that a float64 holds exactly (2^63, 2^64, 3·2^70, …): random bigints almost never
 * are, and they are the ones an encoder may be tempted to write as float64.
 */
export const wholeFloat64Arb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: 34, max: 180 }), fc.boolean())
  .map(([m, e, neg]) => `${neg ? '-' : ''}${BigInt(m) << BigInt(e)}`);

/**
 * Canonical number text. `long` adds the exact expansions of arbitrary doubles (up to ~1100 digits for
 * subnormals), which are too long for refinement bounds under the 1 KiB limit.
 */
export function numberTextArb(opts: { infinities: boolean; long: boolean }): fc.Arbitrary<string> {
  const arbs: fc.Arbitrary<string>[] = [
    fc.constantFrom(...EDGE_NUMBERS).map(canonicalNumber),
    fc.integer({ min: -300, max: 300 }).map(String),
    fc.integer().map(String),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
    fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n }).map(String),
    wholeFloat64Arb,
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(numberFromJS), // shortest spelling: rarely an exact float
    // exact floats with short expansions (at most ~60 digits)
    fc
      .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
      .filter((f) => f === 0 || Math.abs(f) >= 1e-3)
      .map(numberFromFloat64Exact),
    fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 1, max: 30 })).map(([c, e]) => canonicalNumber(`${c}e-${e}`)),
  ];
  if (opts.long) arbs.push(fc.double({ noNaN: true, noDefaultInfinity: true }).map(numberFromFloat64Exact));
  if (opts.infinities) arbs.push(fc.constantFrom('Infinity', '-Infinity'));
  return fc.oneof(...arbs);
}

const stringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', '\ufeffBOM', 'e\u0301', 'A\u030a', '\u0000', '<&>', '\u2028'),
);

/** Refinements that apply to the type, consistent (cty panics on contradictory ones), short enough for 1 KiB. */
export function refinementArb(t: Type): fc.Arbitrary<Refinement> {
  const notNull = fc.constantFrom(undefined, true, false);
  switch (t.kind) {
    case 'string':
      return fc.record({ notNull, stringPrefix: fc.string({ unit: 'binary', maxLength: 16 }).map((s) => s.normalize('NFC')) }, { requiredKeys: [] });
    case 'number': {
      const bound = fc.record({ value: numberTextArb({ infinities: false, long: false }), inclusive: fc.boolean() });
      return fc.record({ notNull, lower: fc.option(bound), upper: fc.option(bound) }, { requiredKeys: [] }).map(({ notNull: nn, lower, upper }) => {
        let lo: NumberBound | undefined = lower ?? undefined;
        let hi: NumberBound | undefined = upper ?? undefined;
        if (lo && hi) {
          const cmp = compareNumbers(lo.value, hi.value);
          if (cmp > 0) [lo, hi] = [hi, lo];
          if (cmp === 0 && lo.inclusive !== hi.inclusive) hi = { ...hi, inclusive: lo.inclusive };
        }
        return { notNull: nn, numberLower: lo, numberUpper: hi };
      });
    }
    case 'list':
    case 'set':
    case 'map':
      return fc.record({ notNull, lower: fc.option(fc.nat(5)), extra: fc.option(fc.nat(5)) }, { requiredKeys: [] }).map(({ notNull: nn, lower, extra }) => ({
        notNull: nn,
        lengthLower: lower ?? undefined,
        lengthUpper: extra === null || extra === undefined ? undefined : (lower ?? 0) + extra,
      }));
    case 'dynamic':
      return fc.constant({}); // cty.DynamicVal never has refinements
    default:
      return fc.record({ notNull }, { requiredKeys: [] });
  }
}

export function unknownArb(t: Type): fc.Arbitrary<Value> {
  return fc.oneof(
    fc.constant(Value.unknown(t)),
    refinementArb(t).map((r) => Value.unknown(t, r)),
  );
}

/** A value conforming to `t`: null, unknown (if allowed) or known, recursively. */
export function valueArb(t: Type, o: ValueOptions = MSGPACK_VALUES): fc.Arbitrary<Value> {
  const choices: fc.WeightedArbitrary<Value>[] = [
    { weight: 1, arbitrary: fc.constant(Value.null(t)) },
    { weight: 5, arbitrary: knownArb(t, o) },
  ];
  if (o.unknowns) choices.push({ weight: 1, arbitrary: unknownArb(t) });
  return fc.oneof(...choices);
}

function knownArb(t: Type, o: ValueOptions): fc.Arbitrary<Value> {
  switch (t.kind) {
    case 'string':
      return stringArb.map(Value.string);
    case 'number':
      return numberTextArb({ infinities: o.infinities, long: true }).map(Value.number);
    case 'bool':
      return fc.boolean().map(Value.bool);
    case 'dynamic':
      // Known values in a dynamic slot have a concrete type (which may itself contain dynamic slots).
      return concreteTypeArb(2).chain((ct) => valueArb(ct, o));
    case 'list':
      return fc.array(valueArb(t.element, o), { maxLength: 3 }).map((items) => Value.list(t.element, items));
    case 'set':
      // Duplicates go to the constructor on purpose: Value.set must drop them, and the codecs see the result.
      return fc.array(valueArb(t.element, o), { maxLength: 3 }).chain((items) => fc.subarray(items).map((dups) => Value.set(t.element, [...items, ...dups])));
    case 'map':
      return fc.uniqueArray(fc.tuple(keyArb, valueArb(t.element, o)), { selector: ([k]) => k, maxLength: 3 }).map((entries) => {
        const rec: Record<string, Value> = Object.create(null);
        for (const [k, v] of entries) rec[k] = v;
        return Value.map(t.element, rec);
      });
    case 'tuple':
      return fc.tuple(...t.elements.map((e) => valueArb(e, o))).map((items) => Value.tupleOf(t.elements, items));
    case 'object': {
      const names = Object.keys(t.attributes);
      return fc.tuple(...names.map((n) => valueArb(t.attributes[n]!, o))).map((vals) => {
        const rec: Record<string, Value> = Object.create(null);
        names.forEach((n, i) => {
          rec[n] = vals[i]!;
        });
        return Value.object(t, rec);
      });
    }
  }
}

/** A type together with a value of it. */
export const typedValueArb = (o: ValueOptions = MSGPACK_VALUES, depth = 3): fc.Arbitrary<{ t: Type; v: Value }> =>
  typeArb(depth).chain((t) => valueArb(t, o).map((v) => ({ t, v })));

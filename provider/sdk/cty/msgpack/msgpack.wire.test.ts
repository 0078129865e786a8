/**
 * Decoding whatever a valid sender may write, not just what we write: for an arbitrary value, an arbitrary
 * valid msgpack spelling of it (every int width that fits, float32/float64, numbers as decimal strings,
 * str or bin, decomposed unicode, any extension framing and type for a plain unknown, refinement maps in any
 * order with keys of any int width, unknown keys and trailing payload bytes, map and object keys in any
 * order, set elements repeated). The decoded value must be the value, and decode → encode → decode stable.
 */
import fc from 'fast-check';
import { NEG_INF, POS_INF, isExactFloat64, isInteger } from '../number';
import { type Type, typeToJSON, typeToJSONValue } from '../types';
import type { Value } from '../value';
import { decodeMsgpack, encodeMsgpack } from '.';
import { MSGPACK_VALUES, typeArb, valueArb } from './arbitraries.test-support';

type Bytes = number[];
type Wire = fc.Arbitrary<Bytes>;

const hex = (b: Uint8Array | Bytes) => Buffer.from(b).toString('hex');

function be(n: bigint, width: number): Bytes {
  const out: Bytes = [];
  for (let i = width - 1; i >= 0; i--) out.push(Number((BigInt.asUintN(width * 8, n) >> BigInt(8 * i)) & 0xffn));
  return out;
}
const f64 = (f: number): Bytes => [...new Uint8Array(new Float64Array([f]).buffer)].reverse();
const f32 = (f: number): Bytes => [...new Uint8Array(new Float32Array([f]).buffer)].reverse();

const cat = (...parts: Wire[]): Wire => fc.tuple(...parts).map((ps) => ps.flat());
const lit = (b: Bytes): Wire => fc.constant(b);
const oneOf = (forms: Bytes[]): Wire => fc.constantFrom(...forms);

/** Every header of a str (or bin, which cty's decoder also takes) holding n bytes. */
function strHeaders(n: number, allowBin = true): Bytes[] {
  const h: Bytes[] = [];
  if (n < 32) h.push([0xa0 | n]);
  if (n < 256) h.push([0xd9, n]);
  if (n < 65536) h.push([0xda, ...be(BigInt(n), 2)]);
  h.push([0xdb, ...be(BigInt(n), 4)]);
  if (allowBin) {
    if (n < 256) h.push([0xc4, n]);
    if (n < 65536) h.push([0xc5, ...be(BigInt(n), 2)]);
    h.push([0xc6, ...be(BigInt(n), 4)]);
  }
  return h;
}

function strWire(s: string): Wire {
  const body = [...Buffer.from(s, 'utf8')];
  return oneOf(strHeaders(body.length)).map((h) => [...h, ...body]);
}

function arrayHeader(n: number): Wire {
  const h: Bytes[] = [
    [0xdc, ...be(BigInt(n), 2)],
    [0xdd, ...be(BigInt(n), 4)],
  ];
  if (n < 16) h.push([0x90 | n]);
  return oneOf(h);
}

function mapHeader(n: number): Wire {
  const h: Bytes[] = [
    [0xde, ...be(BigInt(n), 2)],
    [0xdf, ...be(BigInt(n), 4)],
  ];
  if (n < 16) h.push([0x80 | n]);
  return oneOf(h);
}

/** Every msgpack integer form that holds n. */
function intForms(n: bigint): Bytes[] {
  const f: Bytes[] = [];
  if (n >= 0n && n <= 127n) f.push([Number(n)]);
  if (n >= -32n && n < 0n) f.push([Number(n) + 0x100]);
  for (const [code, w] of [
    [0xcc, 1],
    [0xcd, 2],
    [0xce, 4],
    [0xcf, 8],
  ] as const)
    if (n >= 0n && n < 2n ** BigInt(8 * w)) f.push([code, ...be(n, w)]);
  for (const [code, w] of [
    [0xd0, 1],
    [0xd1, 2],
    [0xd2, 4],
    [0xd3, 8],
  ] as const) {
    const lim = 2n ** BigInt(8 * w - 1);
    if (n >= -lim && n < lim) f.push([code, ...be(n, w)]);
  }
  return f;
}

/** A number in any form a sender may use: ints, floats when exact, decimal text (also non-canonical). */
function numberWire(text: string): Wire {
  const forms: Wire[] = [];
  if (text === POS_INF || text === NEG_INF) {
    const f = text === POS_INF ? Infinity : -Infinity;
    return oneOf([
      [0xcb, ...f64(f)],
      [0xca, ...f32(f)],
    ]);
  }
  if (isInteger(text)) {
    const ints = intForms(BigInt(text));
    if (ints.length > 0) forms.push(oneOf(ints));
  }
  if (isExactFloat64(text)) {
    const f = Number(text);
    forms.push(lit([0xcb, ...f64(f)]));
    if (Math.fround(f) === f) forms.push(lit([0xca, ...f32(f)]));
  }
  const spellings = [text, text.includes('.') ? `${text}00` : `${text}.0`, `${text}e0`, text.startsWith('-') ? text : `+${text}`];
  forms.push(fc.constantFrom(...spellings).chain(strWire));
  return fc.oneof(...forms);
}

/** A plain unknown: any extension type, a 0- or 1-byte payload, any framing. */
const plainUnknownWire: Wire = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).chain(([type, b]) =>
  oneOf([
    [0xd4, type, b],
    [0xc7, 0, type],
    [0xc7, 1, type, b],
    [0xc8, 0, 0, type],
    [0xc8, 0, 1, type, b],
    [0xc9, 0, 0, 0, 0, type],
    [0xc9, 0, 0, 0, 1, type, b],
  ]),
);

function extFrame(type: number, payload: Bytes): Wire {
  const n = payload.length;
  const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
  const forms: Bytes[] = [
    [0xc8, ...be(BigInt(n), 2), type],
    [0xc9, ...be(BigInt(n), 4), type],
  ];
  if (n < 256) forms.push([0xc7, n, type]);
  if (fixed[n] !== undefined) forms.push([fixed[n]!, type]);
  return oneOf(forms).map((h) => [...h, ...payload]);
}

/** Something a later cty might put in a refinement map: skipped whole by the decoder. */
const futureEntry: Wire = cat(
  fc.integer({ min: 7, max: 1000 }).chain((k) => oneOf(intForms(BigInt(k)))),
  fc.oneof(lit([0xc0]), fc.string({ maxLength: 5 }).chain(strWire), lit([0x92, 0x01, 0x81, 0xa1, 0x61, 0xc3]), oneOf(intForms(-5n))),
);

function refinedUnknownWire(v: Value, t: Type): Wire {
  const r = v.refinement ?? {};
  const entries: Wire[] = [];
  const keyW = (k: number) => oneOf(intForms(BigInt(k)));
  if (r.notNull) entries.push(cat(keyW(1), lit([0xc2])));
  if (t.kind === 'string' && r.stringPrefix) entries.push(cat(keyW(2), fc.constantFrom(r.stringPrefix, r.stringPrefix.normalize('NFD')).chain(strWire)));
  if (t.kind === 'number') {
    const bound = (k: number, b: { value: string; inclusive: boolean }) => cat(keyW(k), arrayHeader(2), numberWire(b.value), lit([b.inclusive ? 0xc3 : 0xc2]));
    if (r.numberLower && r.numberLower.value !== NEG_INF) entries.push(bound(3, r.numberLower));
    if (r.numberUpper && r.numberUpper.value !== POS_INF) entries.push(bound(4, r.numberUpper));
  }
  if (t.kind === 'list' || t.kind === 'set' || t.kind === 'map') {
    if (r.lengthLower !== undefined) entries.push(cat(keyW(5), oneOf(intForms(BigInt(r.lengthLower)))));
    if (r.lengthUpper !== undefined) entries.push(cat(keyW(6), oneOf(intForms(BigInt(r.lengthUpper)))));
  }
  if (entries.length === 0) return plainUnknownWire;
  return fc
    .tuple(fc.array(futureEntry, { maxLength: 2 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }))
    .chain(([future, trailing]) =>
      fc
        .shuffledSubarray([...entries.map((_, i) => i), ...future.map((_, i) => -1 - i)], { minLength: entries.length + future.length })
        .chain((order) =>
          cat(mapHeader(order.length), ...order.map((i) => (i >= 0 ? entries[i]! : lit(future[-1 - i]!)))).map((body) => [...body, ...trailing]),
        ),
    )
    .chain((payload) => extFrame(12, payload));
}

/** Any valid spelling of v in a slot of type t. */
function wireArb(v: Value, t: Type): Wire {
  if (t.kind === 'dynamic') {
    if (v.type.kind === 'dynamic') return v.isNull() ? lit([0xc0]) : plainUnknownWire;
    const typeText = fc.constantFrom(typeToJSON(v.type), JSON.stringify(typeToJSONValue(v.type), null, 1));
    return cat(arrayHeader(2), typeText.chain(strWire), wireArb(v, v.type));
  }
  if (v.isNull()) return lit([0xc0]);
  if (v.isUnknown()) return refinedUnknownWire(v, t);
  switch (t.kind) {
    case 'string':
      return fc.constantFrom(v.asString(), v.asString().normalize('NFD')).chain(strWire);
    case 'number':
      return numberWire(v.asNumber());
    case 'bool':
      return lit([v.asBool() ? 0xc3 : 0xc2]);
    case 'list':
      return cat(arrayHeader(v.length()), ...v.elements().map((e) => wireArb(e, t.element)));
    case 'tuple':
      return cat(arrayHeader(v.length()), ...v.elements().map((e, i) => wireArb(e, t.elements[i]!)));
    case 'set': {
      // Repeat some wholly known elements (the decoder must drop them again) and shuffle.
      const els = v.elements();
      const known = els.filter((e) => e.isWhollyKnown());
      return fc
        .subarray(known)
        .chain((dups) =>
          fc
            .shuffledSubarray([...els, ...dups], { minLength: els.length + dups.length })
            .chain((all) => cat(arrayHeader(all.length), ...all.map((e) => wireArb(e, t.element)))),
        );
    }
    case 'map':
    case 'object': {
      const entries = Object.entries(v.entries());
      const slot = (k: string) => (t.kind === 'map' ? t.element : t.attributes[k]!);
      return fc
        .shuffledSubarray(entries, { minLength: entries.length })
        .chain((order) => cat(mapHeader(order.length), ...order.map(([k, e]) => cat(strWire(k), wireArb(e, slot(k))))));
    }
  }
}

const sample = typeArb(3).chain((t) => valueArb(t, MSGPACK_VALUES).chain((v) => wireArb(v, t).map((w) => ({ t, v, w: new Uint8Array(w) }))));

describe('msgpack from any valid sender', () => {
  test('decodes to the value it spells', () => {
    fc.assert(
      fc.property(sample, ({ t, v, w }) => {
        const got = decodeMsgpack(w, t);
        if (!got.equals(v)) throw new Error(`decoding ${hex(w)}\n  got      ${got}\n  expected ${v}`);
      }),
      { numRuns: 400 },
    );
  });

  test('decode → encode → decode is stable, and the second encoding is byte-identical', () => {
    fc.assert(
      fc.property(sample, ({ t, w }) => {
        const v1 = decodeMsgpack(w, t);
        const b2 = encodeMsgpack(v1, t);
        const v2 = decodeMsgpack(b2, t);
        if (!v2.equals(v1)) throw new Error(`unstable: ${hex(w)} → ${hex(b2)}\n  first  ${v1}\n  second ${v2}`);
        expect(hex(encodeMsgpack(v2, t))).toBe(hex(b2));
      }),
      { numRuns: 400 },
    );
  });
});

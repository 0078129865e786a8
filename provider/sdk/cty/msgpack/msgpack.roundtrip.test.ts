/**
 * Properties over arbitrary types and values (arbitraries.test-support.ts): the round trip is exact, what we write is
 * well-formed msgpack to an independent decoder (@msgpack/msgpack), and writing is deterministic.
 * Run counts keep each property to a second or two on a 2-core machine.
 */
import { decode as libDecode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { canonicalNumber, isInteger, numberFromJS } from '../number';
import { type Type, dynamic, list, map, number, object, set, string, tuple } from '../types';
import { Value } from '../value';
import { decodeMsgpack, encodeMsgpack } from '.';
import { MSGPACK_VALUES, numberTextArb, typeArb, typedValueArb, valueArb, wholeFloat64Arb } from './arbitraries.test-support';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function roundTrip(t: Type, v: Value): void {
  const wire = encodeMsgpack(v, t);
  const back = decodeMsgpack(wire, t);
  if (!back.equals(v)) throw new Error(`round trip changed the value\n  hex  ${hex(wire)}\n  in   ${v}\n  out  ${back}`);
}

describe('msgpack round trip', () => {
  test('decode(encode(v, t), t) equals v for arbitrary types and values', () => {
    fc.assert(
      fc.property(typedValueArb(MSGPACK_VALUES, 3), ({ t, v }) => roundTrip(t, v)),
      { numRuns: 400 },
    );
  });

  test('in a dynamic slot, every value keeps its concrete type', () => {
    fc.assert(
      fc.property(valueArb(dynamic), (v) => roundTrip(dynamic, v)),
      { numRuns: 300 },
    );
  });

  test('numbers of every size and kind are exact', () => {
    fc.assert(
      fc.property(valueArb(number), (v) => roundTrip(number, v)),
      { numRuns: 1500 },
    );
  });

  test('strings of any unicode are exact', () => {
    fc.assert(
      fc.property(valueArb(string), (v) => roundTrip(string, v)),
      { numRuns: 500 },
    );
  });

  test('nested collections of objects, with nulls and unknowns at every level', () => {
    const t = object({ rule: list(object({ port: number, tags: set(string), meta: map(dynamic) })), pair: tuple([string, number]) });
    fc.assert(
      fc.property(valueArb(t), (v) => roundTrip(t, v)),
      { numRuns: 300 },
    );
  });
});

describe('the bytes we write', () => {
  test('are well-formed msgpack to @msgpack/msgpack, with nothing left over', () => {
    fc.assert(
      fc.property(typedValueArb(MSGPACK_VALUES, 3), ({ t, v }) => {
        // The library throws on truncation and on extra bytes; extensions come back as ExtData. It also refuses
        // a "__proto__" map key outright (a legal Terraform map key, and one reason reader.ts exists).
        try {
          libDecode(encodeMsgpack(v, t), { useBigInt64: true });
        } catch (e) {
          if (!/__proto__/.test((e as Error).message)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('are deterministic: re-encoding what we decoded gives the same bytes', () => {
    fc.assert(
      fc.property(typedValueArb(MSGPACK_VALUES, 3), ({ t, v }) => {
        const wire = encodeMsgpack(v, t);
        expect(hex(encodeMsgpack(decodeMsgpack(wire, t), t))).toBe(hex(wire));
      }),
      { numRuns: 300 },
    );
  });

  test('a truncated encoding is always refused with a PathError, never a crash', () => {
    fc.assert(
      fc.property(
        typedValueArb(MSGPACK_VALUES, 3).chain(({ t, v }) => {
          const wire = encodeMsgpack(v, t);
          return fc.nat(Math.max(0, wire.length - 1)).map((cut) => ({ t, wire: wire.subarray(0, cut) }));
        }),
        ({ t, wire }) => {
          try {
            decodeMsgpack(wire, t);
          } catch (e) {
            expect((e as Error).constructor.name).toBe('PathError');
            return;
          }
          throw new Error(`a ${wire.length}-byte prefix decoded: ${hex(wire)}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('decoding against another type fails with a PathError or succeeds, never crashes', () => {
    fc.assert(
      fc.property(typedValueArb(MSGPACK_VALUES, 2), typeArb(2), ({ t, v }, other) => {
        try {
          decodeMsgpack(encodeMsgpack(v, t), other);
        } catch (e) {
          expect((e as Error).constructor.name).toBe('PathError');
        }
      }),
      { numRuns: 400 },
    );
  });
});

/**
 * The digits Terraform holds after reading a number we wrote, as go-cty v1.16.0 reads it (cty/msgpack/unmarshal.go
 * unmarshalPrimitive) and prints it (big.Float Text('f', -1)): an int exactly; a float64 as a 53-bit number,
 * printed with the fewest digits that identify it, as JS prints a double; decimal text at 512 bits, which holds
 * every integer below 2^512 exactly.
 */
function ctyDigits(wire: Uint8Array): string {
  const read = libDecode(wire, { useBigInt64: true }) as number | bigint | string;
  if (wire[0] === 0xca || wire[0] === 0xcb) return numberFromJS(read as number);
  return canonicalNumber(String(read));
}

const FLOAT_CODES = [0xca, 0xcb];

describe('numbers as Terraform reads them back', () => {
  // Integers up to 2^200: far beyond int64, well inside the 512 bits cty parses decimal text with.
  const whole = fc.oneof(wholeFloat64Arb, fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map(String), fc.integer().map(String));

  test('a whole number is never a float64, so Terraform holds the same digits', () => {
    fc.assert(
      fc.property(whole, (n) => {
        const wire = encodeMsgpack(Value.number(n), number);
        if (FLOAT_CODES.includes(wire[0]!)) throw new Error(`${n} went out as a float: ${hex(wire)}`);
        expect(ctyDigits(wire)).toBe(n);
      }),
      { numRuns: 1500 },
    );
  });

  test('a float64 goes out only for an infinity or a fraction it holds exactly', () => {
    fc.assert(
      fc.property(numberTextArb({ infinities: true, long: true }), (n) => {
        const wire = encodeMsgpack(Value.number(n), number);
        if (!FLOAT_CODES.includes(wire[0]!)) return;
        if (isInteger(n)) throw new Error(`the whole number ${n} went out as a float: ${hex(wire)}`);
        expect(decodeMsgpack(wire, number).asNumber()).toBe(n);
      }),
      { numRuns: 1500 },
    );
  });
});

/**
 * Properties over arbitrary types and values (arbitraries.ts): the round trip is exact, what we write is
 * well-formed msgpack to an independent decoder (@msgpack/msgpack), and writing is deterministic.
 * Run counts keep each property to a second or two on a 2-core machine.
 */
import { decode as libDecode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { type Type, dynamic, list, map, number, object, set, string, tuple } from '../types';
import type { Value } from '../value';
import { decodeMsgpack, encodeMsgpack } from '.';
import { MSGPACK_VALUES, typeArb, typedValueArb, valueArb } from './arbitraries.test-support';

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

/**
 * Properties of the JSON codec over arbitrary wholly known values (JSON holds no unknowns or infinities):
 * exact round trip, valid and stable output, missing attributes read as nulls, and no crash on other types.
 */
import fc from 'fast-check';
import { parse, stringify } from 'lossless-json';
import { MSGPACK_VALUES, JSON_VALUES, typeArb, typedValueArb, valueArb } from '../msgpack/arbitraries.test-support';
import { decodeMsgpack, encodeMsgpack } from '../msgpack';
import { type ObjectType, number } from '../types';
import { Value } from '../value';
import { decodeJSON, encodeJSON } from '.';

describe('JSON round trip', () => {
  test('decodeJSON(encodeJSON(v, t), t) equals v for wholly known values', () => {
    fc.assert(
      fc.property(typedValueArb(JSON_VALUES, 3), ({ t, v }) => {
        const text = encodeJSON(v, t);
        const back = decodeJSON(text, t);
        if (!back.equals(v)) throw new Error(`round trip changed the value\n  json ${text}\n  in   ${v}\n  out  ${back}`);
      }),
      { numRuns: 400 },
    );
  });

  test('numbers of every size keep every digit', () => {
    fc.assert(
      fc.property(valueArb(number, JSON_VALUES), (v) => expect(decodeJSON(encodeJSON(v, number), number).equals(v)).toBe(true)),
      { numRuns: 1500 },
    );
  });

  test('the output is valid JSON and stable under decode → encode', () => {
    fc.assert(
      fc.property(typedValueArb(JSON_VALUES, 3), ({ t, v }) => {
        const text = encodeJSON(v, t);
        JSON.parse(text);
        expect(encodeJSON(decodeJSON(text, t), t)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  test('raw state converts to msgpack and back through the schema', () => {
    fc.assert(
      fc.property(typedValueArb(JSON_VALUES, 3), ({ t, v }) => {
        const fromState = decodeJSON(encodeJSON(v, t), t);
        expect(decodeMsgpack(encodeMsgpack(fromState, t), t).equals(v)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test("attributes dropped from stored state come back as nulls with missingAttributes: 'null'", () => {
    const objectValue = typeArb(3)
      .filter((t): t is ObjectType => t.kind === 'object' && Object.keys(t.attributes).length > 0)
      .chain((t) =>
        fc.tuple(
          fc.constant(t),
          valueArb(t, JSON_VALUES).filter((v) => v.isKnown()),
          fc.subarray(Object.keys(t.attributes)),
        ),
      );
    fc.assert(
      fc.property(objectValue, ([t, v, dropped]) => {
        // Drop attributes from the top-level JSON object, keeping every number exact.
        const doc = parse(encodeJSON(v, t)) as Record<string, unknown>;
        for (const name of dropped) delete doc[name];
        const got = decodeJSON(stringify(doc)!, t, { missingAttributes: 'null' });
        const attrs: Record<string, Value> = Object.create(null);
        for (const [name, av] of Object.entries(v.entries())) attrs[name] = dropped.includes(name) ? Value.null(t.attributes[name]!) : av;
        expect(got.equals(Value.object(t, attrs))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('decoding against another type fails with a PathError or succeeds, never crashes', () => {
    fc.assert(
      fc.property(typedValueArb(JSON_VALUES, 2), typeArb(2), fc.boolean(), ({ t, v }, other, lenient) => {
        const opts = lenient ? ({ missingAttributes: 'null', unknownAttributes: 'ignore' } as const) : {};
        try {
          decodeJSON(encodeJSON(v, t), other, opts);
        } catch (e) {
          expect((e as Error).constructor.name).toBe('PathError');
        }
      }),
      { numRuns: 400 },
    );
  });

  test('encoding a value with unknowns either succeeds (none reached) or names the unknown', () => {
    fc.assert(
      fc.property(typedValueArb(MSGPACK_VALUES, 2), ({ t, v }) => {
        try {
          encodeJSON(v, t);
          expect(v.isWhollyKnown()).toBe(true);
        } catch (e) {
          expect((e as Error).constructor.name).toBe('PathError');
          expect((e as Error).message).toMatch(/unknown|Infinity/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

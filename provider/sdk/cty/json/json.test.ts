/**
 * The JSON form of values (raw state): exact text we write, what we read (including cty's conversions and
 * pretty-printed state files), the missing/unknown attribute options, and errors with their paths.
 */
import { PathError } from '../path';
import { type Type, bool, dynamic, list, map, number, object, set, string, tuple } from '../types';
import { Value } from '../value';
import { decodeJSON, encodeJSON } from '.';

const N = (n: string | number) => Value.number(n);
const S = Value.string;

function expectSame(actual: Value, expected: Value, text: string): void {
  if (!actual.equals(expected)) throw new Error(`decoding ${text}\n  got      ${actual}\n  expected ${expected}`);
}

const objKT = object({ k: tuple([number, number]) });

/** [case, JSON, value, type]: we write exactly this text and read it back to the value. */
const canonical: Array<[string, string, Value, Type]> = [
  ['a null', 'null', Value.null(string), string],
  ['a string', '"hello"', S('hello'), string],
  ['unicode is written as UTF-8', '"é😀"', S('é😀'), string],
  ['control characters are escaped', '"a\\nb\\u0000"', S('a\nb\u0000'), string],
  ['<, > and & are escaped as Go does', '"\\u003ca\\u0026b\\u003e"', S('<a&b>'), string],
  ['U+2028 and U+2029 are escaped as Go does', '"\\u2028\\u2029"', S('\u2028\u2029'), string],
  ['a small integer', '42', N(42), number],
  ['a negative decimal', '-1.5', N(-1.5), number],
  ['an integer beyond 2^64 keeps every digit', '12345678901234567890123', N('12345678901234567890123'), number],
  ['a decimal no float holds keeps every digit', '0.1000000000000000000001', N('0.1000000000000000000001'), number],
  // cty writes every number as big.Float Text('f', -1): whole numbers beyond int64 in full, no exponent
  ['2^63 keeps every digit', '9223372036854775808', N('9223372036854775808'), number],
  ['2^64 keeps every digit', '18446744073709551616', N('18446744073709551616'), number],
  ['-2^63-1 keeps every digit', '-9223372036854775809', N('-9223372036854775809'), number],
  ['1e30 is written out in whole', '1000000000000000000000000000000', N('1e30'), number],
  ['0.5', '0.5', N(0.5), number],
  ['true', 'true', Value.bool(true), bool],
  ['a list', '[1,2]', Value.list(number, [N(1), N(2)]), list(number)],
  ['an empty list', '[]', Value.list(string, []), list(string)],
  ['a set', '["a","b"]', Value.set(string, [S('a'), S('b')]), set(string)],
  ['a tuple', '["a",1,true]', Value.tuple([S('a'), N(1), Value.bool(true)]), tuple([string, number, bool])],
  ['a map, keys sorted', '{"a":2,"b":1}', Value.map(number, { b: N(1), a: N(2) }), map(number)],
  [
    'an object, attributes sorted, nulls kept',
    '{"a":"x","b":null}',
    Value.object(object({ b: number, a: string }), { a: S('x'), b: Value.null(number) }),
    object({ b: number, a: string }),
  ],
  ['dynamic: a string', '{"value":"str","type":"string"}', S('str'), dynamic],
  [
    'dynamic: an object of a tuple',
    '{"value":{"k":[1,2]},"type":["object",{"k":["tuple",["number","number"]]}]}',
    Value.object(objKT, { k: Value.tuple([N(1), N(2)]) }),
    dynamic,
  ],
  ['dynamic: a null of no type is a bare null', 'null', Value.null(dynamic), dynamic],
  ['dynamic: a null string is wrapped', '{"value":null,"type":"string"}', Value.null(string), dynamic],
  [
    'dynamic: an attribute of dynamic type',
    '{"d":{"value":[true],"type":["list","bool"]},"n":1}',
    Value.object(object({ d: dynamic, n: number }), { d: Value.list(bool, [Value.bool(true)]), n: N(1) }),
    object({ d: dynamic, n: number }),
  ],
  ['dynamic: a list of dynamic wraps each element', '[{"value":1,"type":"number"},null]', Value.list(dynamic, [N(1), Value.null(dynamic)]), list(dynamic)],
];

describe('canonical JSON', () => {
  test.each(canonical)('%s: %s', (_name, text, value, type) => {
    expect(encodeJSON(value, type)).toBe(text);
    expectSame(decodeJSON(text, type), value, text);
  });
});

const state = object({ id: string, size: number, tags: map(string), rule: list(object({ port: number, cidr: string })) });

/** [case, JSON, value, type]: forms we read but do not write. */
const readOnly: Array<[string, string, Value, Type]> = [
  [
    'a pretty-printed state object',
    '{\n  "id": "k-1",\n  "rule": [\n    {\n      "cidr": "10.0.0.0/8",\n      "port": 443\n    }\n  ],\n  "size": 3,\n  "tags": {}\n}',
    Value.object(state, {
      id: S('k-1'),
      size: N(3),
      tags: Value.map(string, {}),
      rule: Value.list(state.attributes.rule.element, [Value.object(state.attributes.rule.element, { port: N(443), cidr: S('10.0.0.0/8') })]),
    }),
    state,
  ],
  ['a number written as a string (cty converts it)', '"42"', N(42), number],
  ['a number string with an exponent', '"1.5e3"', N(1500), number],
  ['a number with an exponent', '1.5e3', N(1500), number],
  ['a number for a string keeps its spelling', '123.50', S('123.50'), string],
  ['a bool for a string', 'false', S('false'), string],
  ['the string "true" for a bool', '"true"', Value.bool(true), bool],
  ['a repeated key keeps the last value, as Go does', '{"a":1,"a":2}', Value.map(number, { a: N(2) }), map(number)],
  ['a "__proto__" map key is just a key', '{"__proto__":1}', Value.map(number, Object.fromEntries([['__proto__', N(1)]])), map(number)],
  ['a lone surrogate escape becomes U+FFFD, as Go reads it', '"a\\ud800b"', S('a\ufffdb'), string],
  ['a surrogate pair escape is one character', '"\\ud83d\\ude00"', S('😀'), string],
  ['set duplicates are dropped', '[1,1,2]', Value.set(number, [N(1), N(2)]), set(number)],
  ['text is normalised to NFC', '"e\\u0301"', S('\u00e9'), string],
  ['dynamic: keys in any order', '{"type":"number","value":5}', N(5), dynamic],
  ['dynamic: type "dynamic" with a null', '{"value":null,"type":"dynamic"}', Value.null(dynamic), dynamic],
];

describe('JSON we only read', () => {
  test.each(readOnly)('%s: %s', (_name, text, value, type) => {
    expectSame(decodeJSON(text, type), value, text);
  });

  test('bytes are read as UTF-8', () => {
    expectSame(decodeJSON(new Uint8Array(Buffer.from('"é"')), string), S('é'), '"é"');
  });
});

describe('attributes missing from stored state, or no longer in the schema', () => {
  const block = object({ port: number, cidr: string });
  const t = object({ id: string, added: number, rule: list(block), dyn: dynamic });

  test('are errors by default', () => {
    expect(() => decodeJSON('{"id":"x","rule":[],"dyn":null}', t)).toThrow('attribute "added" is required');
    expect(() => decodeJSON('{"id":"x","added":1,"rule":[],"dyn":null,"gone":1}', t)).toThrow('unsupported attribute "gone"');
  });

  test("missing attributes become nulls of their type at any depth with missingAttributes: 'null'", () => {
    const text = '{"id":"x","rule":[{"port":1}],"dyn":{"value":{"a":1},"type":["object",{"a":"number","b":"string"}]}}';
    const got = decodeJSON(text, t, { missingAttributes: 'null' });
    const inner = object({ a: number, b: string });
    const want = Value.object(t, {
      id: S('x'),
      added: Value.null(number),
      rule: Value.list(block, [Value.object(block, { port: N(1), cidr: Value.null(string) })]),
      dyn: Value.object(inner, { a: N(1), b: Value.null(string) }),
    });
    expectSame(got, want, text);
  });

  test("attributes the schema lost are skipped with unknownAttributes: 'ignore', at any depth", () => {
    const text = '{"id":"x","added":1,"gone":{"deep":[1]},"rule":[{"port":1,"cidr":"c","old":true}],"dyn":null}';
    const got = decodeJSON(text, t, { unknownAttributes: 'ignore' });
    const want = Value.object(t, {
      id: S('x'),
      added: N(1),
      rule: Value.list(block, [Value.object(block, { port: N(1), cidr: S('c') })]),
      dyn: Value.null(dynamic),
    });
    expectSame(got, want, text);
  });

  test('an attribute named like an Object.prototype member is found only when present', () => {
    const odd = object({ constructor: string, toString: number });
    expect(() => decodeJSON('{"toString":1}', odd)).toThrow('attribute "constructor" is required');
    expectSame(decodeJSON('{"toString":1}', odd, { missingAttributes: 'null' }), Value.object(odd, { constructor: Value.null(string), toString: N(1) }), '');
    expect(() => decodeJSON('{"hasOwnProperty":1}', object({}))).toThrow('unsupported attribute "hasOwnProperty"');
  });
});

const port = object({ port: number });
const rules = object({ rule: list(port) });

const badInput: Array<[string, string, Type, string]> = [
  ['not JSON', '{"a":', port, 'invalid JSON'],
  ['trailing garbage', '1 2', number, 'invalid JSON'],
  ['empty input', '', string, 'invalid JSON'],
  ['a bool where a number is required', '{"port":true}', port, '.port: a number is required, got bool'],
  ['text that is not a number', '{"port":"abc"}', port, '.port: a number is required: "abc" is not a number'],
  ['a deep path', '{"rule":[{"port":1},{"port":[]}]}', rules, '.rule[1].port: a number is required, got array'],
  ['an object where a list is required', '{}', list(string), 'a list of string is required, got object'],
  ['an array where an object is required', '[]', port, 'an object is required, got array'],
  ['a number where a map is required', '1', map(string), 'a map of string is required, got number'],
  ['an array for a string', '[]', string, 'a string is required, got array'],
  ['"1" for a bool (cty takes only "true" and "false")', '"1"', bool, 'a bool is required, got string'],
  ['a tuple of the wrong length', '["a"]', tuple([string, number]), 'a tuple of 2 elements is required (1 given)'],
  ['a map key path', '{"a":{"b":[1]}}', map(map(string)), '["a"]["b"]: a string is required, got array'],
  ['dynamic: a bare value', '"str"', dynamic, 'a dynamically typed value ({"value": …, "type": …}) is required, got string'],
  ['dynamic: the msgpack shape', '["string","str"]', dynamic, 'is required, got array'],
  ['dynamic: no type', '{"value":1}', dynamic, 'missing type in a dynamically typed value'],
  ['dynamic: no value', '{"type":"number"}', dynamic, 'missing value in a dynamically typed value'],
  ['dynamic: another key', '{"value":1,"type":"number","x":1}', dynamic, 'invalid key "x" in a dynamically typed value'],
  ['dynamic: an invalid type', '{"value":1,"type":"integer"}', dynamic, 'invalid type in a dynamically typed value: invalid primitive type name "integer"'],
  ['dynamic: a type that is not a type', '{"value":1,"type":["list"]}', dynamic, 'invalid type in a dynamically typed value'],
  [
    'dynamic: the value does not fit the type',
    '{"d":{"value":"x","type":["list","string"]}}',
    object({ d: dynamic }),
    '.d: a list of string is required, got string',
  ],
  ['dynamic: a nested wrapper of type "dynamic"', '{"value":{"value":1,"type":"number"},"type":"dynamic"}', dynamic, 'of type "dynamic" must be null'],
];

describe('bad JSON input', () => {
  test.each(badInput)('%s: %s', (_name, text, type, message) => {
    let err: unknown;
    try {
      decodeJSON(text, type);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PathError);
    expect((err as Error).message).toContain(message);
  });

  test('deeply nested JSON is a PathError, not a stack overflow', () => {
    let t: Type = string;
    for (let i = 0; i < 5000; i++) t = list(t);
    const text = `${'['.repeat(50000)}${']'.repeat(50000)}`;
    expect(() => decodeJSON(text, t)).toThrow(PathError);
  });
});

describe('encoding refuses what JSON cannot hold or the type does not allow', () => {
  const cases: Array<[string, Value, Type, string]> = [
    ['an unknown (state is wholly known)', Value.object(port, { port: Value.unknown(number) }), port, '.port: value is unknown'],
    ['an unknown of dynamic type', Value.unknown(dynamic), dynamic, 'value is unknown'],
    ['+Infinity', Value.list(number, [N('Infinity')]), list(number), '[0]: Infinity cannot be written as JSON'],
    ['a string for a number', Value.object(object({ port: string }), { port: S('1') }), port, '.port: a number is required, got string'],
    ['an object lacking an attribute of the type', Value.object(object({}), {}), port, '.port: attribute is missing'],
    ['an object with an extra attribute', Value.object(object({ port: number, x: string }), { port: N(1), x: S('') }), port, 'unsupported attribute "x"'],
    ['a tuple of the wrong length', Value.tuple([]), tuple([string]), 'a tuple of 1 elements is required (0 given)'],
    ['a null of another type', Value.null(number), string, 'a string is required, got number'],
    ['a lone surrogate', S('\udc00'), string, 'lone surrogate'],
    ['a map key with a lone surrogate', Value.map(string, { '\ud800': S('') }), map(string), 'lone surrogate'],
  ];
  test.each(cases)('%s', (_name, value, type, message) => {
    expect(() => encodeJSON(value, type)).toThrow(PathError);
    expect(() => encodeJSON(value, type)).toThrow(message);
  });
});

/**
 * Golden bytes: what Terraform sends and accepts (docs/sdk/value-encoding.md#observed-bytes, rows marked verified
 * were observed from Terraform 1.11.4), what cty writes, and what we must read although nobody writes it.
 * Every table row is [case name, hex, value, type]; a failure prints both hex strings.
 */
import { PathError } from '../path';
import { type Type, bool, dynamic, list, map, number, object, set, string, tuple } from '../types';
import { Value } from '../value';
import { decodeMsgpack, encodeMsgpack } from '.';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const str = (s: string) => Buffer.from(s, 'utf8').toString('hex');
/** A msgpack str (fixstr or str8) and a bin8 of `s`, header included. */
const mstr = (s: string) => {
  const n = Buffer.byteLength(s);
  return n < 32 ? `${(0xa0 + n).toString(16)} ${str(s)}` : `d9 ${n.toString(16).padStart(2, '0')} ${str(s)}`;
};
const mbin = (s: string) => `c4 ${Buffer.byteLength(s).toString(16).padStart(2, '0')} ${str(s)}`;

function expectSame(actual: Value, expected: Value, wire: string): void {
  if (!actual.equals(expected)) throw new Error(`decoding ${wire}\n  got      ${actual}\n  expected ${expected}`);
}

const N = (n: string | number) => Value.number(n);
const S = Value.string;

const objKT = object({ k: tuple([number, number]) });
const port = object({ port: number });
const rules = object({ rule: list(port) });

/** Canonical forms: we write exactly these bytes, and read them back to the same value. */
const canonical: Array<[string, string, Value, Type]> = [
  // numbers (verified: 443, 3000000000, 9007199254740993, 2.5, 0.1, 12345678901234567890)
  ['zero is a positive fixint', '00', N(0), number],
  ['127 is a positive fixint', '7f', N(127), number],
  ['128 is a uint8', 'cc 80', N(128), number],
  ['443 is a uint16', 'cd 01bb', N(443), number],
  ['65536 is a uint32', 'ce 00010000', N(65536), number],
  ['3000000000 is a uint32', 'ce b2d05e00', N(3000000000), number],
  ['2^32 takes the 8-byte uint64 form', 'cf 0000000100000000', N('4294967296'), number],
  ['9007199254740993 (2^53+1) is an exact uint64', 'cf 0020000000000001', N('9007199254740993'), number],
  ['int64 max is a uint64', 'cf 7fffffffffffffff', N('9223372036854775807'), number],
  ['-1 is a negative fixint', 'ff', N(-1), number],
  ['-32 is a negative fixint', 'e0', N(-32), number],
  ['-33 is an int8', 'd0 df', N(-33), number],
  ['-129 is an int16', 'd1 ff7f', N(-129), number],
  ['-2^31 is an int32', 'd2 80000000', N(-2147483648), number],
  ['-2^31-1 takes the 8-byte int64 form', 'd3 ffffffff7fffffff', N(-2147483649), number],
  ['int64 min is an int64', 'd3 8000000000000000', N('-9223372036854775808'), number],
  ['2.5 is a float64', 'cb 4004000000000000', N(2.5), number],
  ['-0.5 is a float64', 'cb bfe0000000000000', N(-0.5), number],
  ['0.1 is the decimal string "0.1"', `a3 ${str('0.1')}`, N('0.1'), number],
  ['12345678901234567890 (a uint64 but not an int64) is a string', `b4 ${str('12345678901234567890')}`, N('12345678901234567890'), number],
  // Whole numbers beyond int64 are decimal text even when float64 holds them exactly (cty since v1.14.4): a
  // float64 comes back to Terraform at 53 bits and prints rounded (2^63 as 9223372036854776000).
  ['2^63 is beyond int64: decimal text, not a float64', `b3 ${str('9223372036854775808')}`, N('9223372036854775808'), number],
  ['2^64-1 is a string', `b4 ${str('18446744073709551615')}`, N('18446744073709551615'), number],
  ['2^64 is decimal text, not a float64', `b4 ${str('18446744073709551616')}`, N('18446744073709551616'), number],
  ['-2^63-1 is beyond int64: decimal text, not a float64', `b4 ${str('-9223372036854775809')}`, N('-9223372036854775809'), number],
  ['1e30 is written out in whole as decimal text', `bf ${str('1000000000000000000000000000000')}`, N('1e30'), number],
  ['2^100 is decimal text, not a float64', `bf ${str('1267650600228229401496703205376')}`, N((2n ** 100n).toString()), number],
  ['0.5 is a float64', 'cb 3fe0000000000000', N(0.5), number],
  ['a 23-digit integer is a string', `b7 ${str('12345678901234567890123')}`, N('12345678901234567890123'), number],
  ['a decimal no float holds is a string', `b8 ${str('0.1000000000000000000001')}`, N('0.1000000000000000000001'), number],
  ['+Infinity is a float64', 'cb 7ff0000000000000', N('Infinity'), number],
  ['-Infinity is a float64', 'cb fff0000000000000', N('-Infinity'), number],
  // strings and bools
  ['the empty string', 'a0', S(''), string],
  ['a fixstr', `a5 ${str('hello')}`, S('hello'), string],
  ['a 32-byte string is a str8', `d9 20 ${str('x'.repeat(32))}`, S('x'.repeat(32)), string],
  ['a 256-byte string is a str16', `da 0100 ${str('y'.repeat(256))}`, S('y'.repeat(256)), string],
  ['unicode goes out as UTF-8 (NFC)', `a2 ${str('é')}`, S('e\u0301'), string],
  ['false', 'c2', Value.bool(false), bool],
  ['true', 'c3', Value.bool(true), bool],
  // null and unknown of any type
  ['a null string', 'c0', Value.null(string), string],
  ['a null list', 'c0', Value.null(list(string)), list(string)],
  ['a null object', 'c0', Value.null(port), port],
  ['an unknown string (verified)', 'd4 00 00', Value.unknown(string), string],
  ['an unknown object stands for the whole object', 'd4 00 00', Value.unknown(rules), rules],
  ['an unknown list of blocks', 'd4 00 00', Value.unknown(list(port)), list(port)],
  // refined unknowns (ext 12)
  [
    'not null with prefix "b-" (verified from Terraform 1.11)',
    'c7 07 0c 82 01 c2 02 a2 622d',
    Value.unknown(string, { notNull: true, stringPrefix: 'b-' }),
    string,
  ],
  ['only not null', 'c7 03 0c 81 01 c2', Value.unknown(port, { notNull: true }), port],
  ['a 4-byte payload takes fixext4', 'd6 0c 81 02 a1 61', Value.unknown(string, { stringPrefix: 'a' }), string],
  [
    'number bounds are [number, inclusive] pairs',
    'c7 0b 0c 83 01 c2 03 92 00 c3 04 92 0a c2',
    Value.unknown(number, { notNull: true, numberLower: { value: '0', inclusive: true }, numberUpper: { value: '10', inclusive: false } }),
    number,
  ],
  [
    'a whole bound beyond int64 is decimal text, like any number',
    `c7 18 0c 81 03 92 b3 ${str('9223372036854775808')} c3`,
    Value.unknown(number, { numberLower: { value: '9223372036854775808', inclusive: true } }),
    number,
  ],
  [
    'a bound no float holds is a decimal string (8 bytes: fixext8)',
    'd7 0c 81 03 92 a3 302e31 c3',
    Value.unknown(number, { numberLower: { value: '0.1', inclusive: true } }),
    number,
  ],
  ['collection length bounds', 'c7 05 0c 82 05 01 06 03', Value.unknown(list(string), { lengthLower: 1, lengthUpper: 3 }), list(string)],
  ['a length upper bound of 0', 'c7 03 0c 81 06 00', Value.unknown(set(number), { lengthUpper: 0 }), set(number)],
  // collections and structures
  ['a list', '92 01 02', Value.list(number, [N(1), N(2)]), list(number)],
  ['an empty list (a block list with no blocks)', '90', Value.list(port, []), list(port)],
  ['a set', '92 a1 61 a1 62', Value.set(string, [S('a'), S('b')]), set(string)],
  ['a map', `81 a1 6b 01`, Value.map(number, { k: N(1) }), map(number)],
  ['a tuple', `93 a1 61 01 c3`, Value.tuple([S('a'), N(1), Value.bool(true)]), tuple([string, number, bool])],
  [
    'an object has every attribute, sorted',
    `82 a1 61 a1 78 a1 62 c0`,
    Value.object(object({ b: number, a: string }), { a: S('x'), b: Value.null(number) }),
    object({ b: number, a: string }),
  ],
  ['an empty object', '80', Value.object(object({}), {}), object({})],
  ['a list of unknowns', '92 d40000 01', Value.list(number, [Value.unknown(number), N(1)]), list(number)],
  // dynamic slots (verified: the object example and dyn = "str")
  [
    'dynamic: an object of a tuple (verified)',
    `92 c4 2e ${str('["object",{"k":["tuple",["number","number"]]}]')} 81 a1 6b 92 01 02`,
    Value.object(objKT, { k: Value.tuple([N(1), N(2)]) }),
    dynamic,
  ],
  ['dynamic: dyn = "str" (verified)', `92 ${mbin('"string"')} a3 ${str('str')}`, S('str'), dynamic],
  ['dynamic: a null of no type is a bare nil', 'c0', Value.null(dynamic), dynamic],
  ['dynamic: a wholly unknown value is a bare extension', 'd4 00 00', Value.unknown(dynamic), dynamic],
  ['dynamic: a null string is still wrapped', `92 ${mbin('"string"')} c0`, Value.null(string), dynamic],
  [
    'dynamic: an unknown string keeps its refinements inside the wrapper',
    `92 ${mbin('"string"')} c7 03 0c 81 01 c2`,
    Value.unknown(string, { notNull: true }),
    dynamic,
  ],
  [
    'dynamic: a list of dynamic wraps each element',
    `92 ${mbin('["list","dynamic"]')} 92 92 ${mbin('"bool"')} c3 c0`,
    Value.list(dynamic, [Value.bool(true), Value.null(dynamic)]),
    dynamic,
  ],
  [
    'dynamic: an attribute of dynamic type inside an object',
    `81 a3 ${str('dyn')} 92 ${mbin('"number"')} 05`,
    Value.object(object({ dyn: dynamic }), { dyn: N(5) }),
    object({ dyn: dynamic }),
  ],
  [
    'dynamic: optional attribute markers travel in the type JSON',
    `92 ${mbin('["object",{"a":"string"},["a"]]')} 81 a1 61 c0`,
    Value.object(object({ a: string }, ['a']), { a: Value.null(string) }),
    dynamic,
  ],
];

describe('canonical msgpack', () => {
  test.each(canonical)('%s: %s', (_name, wire, value, type) => {
    expect(hex(encodeMsgpack(value, type))).toBe(hex(bytes(wire)));
    expectSame(decodeMsgpack(bytes(wire), type), value, wire);
  });
});

/** Forms we never write but must read: other widths, other extension framings, unsorted keys, … */
const readOnly: Array<[string, string, Value, Type]> = [
  ['an empty ext8 payload is a plain unknown (verified accepted)', 'c7 00 00', Value.unknown(string), string],
  ['any extension type with one byte is a plain unknown', 'd4 05 ff', Value.unknown(number), number],
  ['ext 12 with one byte is a plain unknown', 'c7 01 0c 00', Value.unknown(string), string],
  ['ext16 with an empty payload', 'c8 0000 00', Value.unknown(string), string],
  ['an empty refinement map is a plain unknown', 'c7 01 0c 80', Value.unknown(string), string],
  ['trailing payload bytes are ignored (cty keeps them for later use)', 'c7 04 0c 81 01 c2 ff', Value.unknown(string, { notNull: true }), string],
  ['unknown refinement keys are skipped with their values', `c7 08 0c 82 09 a3 ${str('xyz')} 01 c2`, Value.unknown(string, { notNull: true }), string],
  ['an unknown key holding a nested map is skipped whole', 'c7 09 0c 82 07 81 a1 61 91 00 01 c2', Value.unknown(string, { notNull: true }), string],
  ['nullness true means definitely null: a known null', 'c7 03 0c 81 01 c3', Value.null(string), string],
  ['refinements of a dynamic-typed unknown are ignored', 'c7 03 0c 81 01 c2', Value.unknown(dynamic), dynamic],
  ['an extension stands for a whole dynamic wrapper', 'c7 00 00', Value.unknown(dynamic), dynamic],
  ['an int8', 'd0 05', N(5), number],
  ['an int16', 'd1 0005', N(5), number],
  ['an int32', 'd2 00000005', N(5), number],
  ['an int64', 'd3 0000000000000005', N(5), number],
  ['a uint8', 'cc 05', N(5), number],
  ['a uint16', 'cd 0005', N(5), number],
  ['a uint32', 'ce 00000005', N(5), number],
  ['a uint64', 'cf 0000000000000005', N(5), number],
  ['uint64 max keeps every digit', 'cf ffffffffffffffff', N('18446744073709551615'), number],
  ['a float32', 'ca 40200000', N(2.5), number],
  ['a float32 0.1 is its exact binary value', 'ca 3dcccccd', N('0.100000001490116119384765625'), number],
  ['a float64 0.1 is its exact binary value', 'cb 3fb999999999999a', N('0.1000000000000000055511151231257827021181583404541015625'), number],
  ['a whole float64', 'cb 4000000000000000', N(2), number],
  // What cty before v1.14.4 wrote for these (and what we wrote): read back at their exact binary value.
  ['a float64 2^63 is exactly 2^63', 'cb 43e0000000000000', N('9223372036854775808'), number],
  ['a float64 2^64 is exactly 2^64', 'cb 43f0000000000000', N('18446744073709551616'), number],
  ['a float64 -2^64 is exactly -2^64', 'cb c3f0000000000000', N('-18446744073709551616'), number],
  ['a float64 -0 is 0', 'cb 8000000000000000', N(0), number],
  ['a decimal string with an exponent', `a3 ${str('1e3')}`, N(1000), number],
  ['a non-canonical decimal string', `a5 ${str('-0.50')}`, N(-0.5), number],
  ['a number string as bin', `${mbin('1.5')}`, N(1.5), number],
  ['a string as bin', `${mbin('abc')}`, S('abc'), string],
  ['a str8 for a short string', `d9 03 ${str('abc')}`, S('abc'), string],
  ['a bin16', `c5 0003 ${str('abc')}`, S('abc'), string],
  ['a str32', `db 00000003 ${str('abc')}`, S('abc'), string],
  ['text is normalised to NFC', `a3 65cc81`, S('\u00e9'), string],
  ['a BOM is text, kept', `a3 efbbbf`, S('\ufeff'), string],
  ['an array16', 'dc 0001 01', Value.list(number, [N(1)]), list(number)],
  ['an array32', 'dd 00000001 01', Value.list(number, [N(1)]), list(number)],
  ['a map16', `de 0001 a1 6b 01`, Value.map(number, { k: N(1) }), map(number)],
  ['a map32', `df 00000001 a1 6b 01`, Value.map(number, { k: N(1) }), map(number)],
  ['a repeated map key keeps the last value', `82 a1 6b 01 a1 6b 02`, Value.map(number, { k: N(2) }), map(number)],
  ['a "__proto__" map key is just a key', `81 a9 ${str('__proto__')} 01`, Value.map(number, Object.fromEntries([['__proto__', N(1)]])), map(number)],
  ['set duplicates are dropped', '93 01 01 02', Value.set(number, [N(1), N(2)]), set(number)],
  [
    'object keys in any order',
    `82 a1 62 01 a1 61 a1 78`,
    Value.object(object({ a: string, b: number }), { a: S('x'), b: N(1) }),
    object({ a: string, b: number }),
  ],
  ['dynamic type JSON as str', `92 ${mstr('"string"')} a3 ${str('str')}`, S('str'), dynamic],
  ['dynamic type JSON with whitespace', `92 ${mbin(' "number" ')} 01`, N(1), dynamic],
  ['dynamic of type "dynamic" holding a nil', `92 ${mbin('"dynamic"')} c0`, Value.null(dynamic), dynamic],
];

describe('msgpack we only read', () => {
  test.each(readOnly)('%s: %s', (_name, wire, value, type) => {
    expectSame(decodeMsgpack(bytes(wire), type), value, wire);
  });
});

/** Broken input: always a PathError, naming where, never a bare TypeError or RangeError. */
const badInput: Array<[string, string, Type, string]> = [
  ['no bytes at all', '', string, 'unexpected end of msgpack data'],
  ['a truncated uint16', 'cd 01', number, 'unexpected end of msgpack data'],
  ['a truncated attribute value', `81 a4 ${str('port')} cd 01`, port, '.port: unexpected end of msgpack data'],
  ['a list claiming more elements than bytes left', '92 01', list(number), 'unexpected end of msgpack data'],
  ['a truncated list element', `92 a1 61 a3 62`, list(string), '[1]: unexpected end of msgpack data'],
  ['a truncated string', `a5 ${str('abc')}`, string, 'unexpected end of msgpack data'],
  ['a truncated extension', 'c7 05 0c 81', string, 'unexpected end of msgpack data'],
  ['an array count beyond the input', 'dd ffffffff 01', list(number), 'unexpected end of msgpack data'],
  ['a string where a number is required', `81 a4 ${str('port')} a3 ${str('abc')}`, port, '.port: a number is required: "abc" is not a number'],
  ['a bool where a number is required', `81 a4 ${str('port')} c3`, port, '.port: a number is required, got bool'],
  ['a deep path', `81 a4 ${str('rule')} 92 81 a4 ${str('port')} 01 81 a4 ${str('port')} c2`, rules, '.rule[1].port: a number is required, got bool'],
  ['a map where a list is required', '80', list(string), 'a list of string is required, got map'],
  ['a number where a string is required', '01', string, 'a string is required, got integer'],
  ['a string where a bool is required', `a4 ${str('true')}`, bool, 'a bool is required, got string'],
  ['an array where a map is required', '90', map(string), 'a map of string is required, got array'],
  ['a map key that is not a string', '81 01 01', map(number), 'a string map key is required, got integer'],
  ['a tuple of the wrong length', `91 a1 61`, tuple([string, number]), 'a tuple of 2 elements is required (1 given)'],
  ['an object missing an attribute (verified wording)', `81 a1 61 01`, object({ a: number, b: number }), 'an object with 2 attributes is required (1 given)'],
  ['an empty map for an object', '80', port, 'an object with 1 attributes is required (0 given)'],
  ['an unsupported attribute', `82 a1 61 01 a1 7a 01`, object({ a: number, b: number }), 'unsupported attribute "z"'],
  ['an attribute given twice', `82 a1 61 01 a1 61 01`, object({ a: number, b: number }), 'attribute "a" is given twice'],
  ['a "constructor" key is not an attribute of every object', `81 ab ${str('constructor')} 01`, port, 'unsupported attribute "constructor"'],
  [
    'a forgotten dynamic wrapper',
    `81 a3 ${str('dyn')} 81 a1 61 01`,
    object({ dyn: dynamic }),
    '.dyn: a dynamically typed value must be a [type, value] array, got map',
  ],
  ['a bare string in a dynamic slot', `a3 ${str('str')}`, dynamic, 'a dynamically typed value must be a [type, value] array, got string'],
  ['a dynamic wrapper of three elements', `93 ${mbin('"string"')} a0 a0`, dynamic, 'exactly two elements, got 3'],
  [
    'an unknown type name in a dynamic wrapper',
    `92 ${mbin('"foo"')} c0`,
    dynamic,
    'invalid type in a dynamically typed value: invalid primitive type name "foo"',
  ],
  ['type JSON that is not JSON', `92 ${mbin('[')} c0`, dynamic, 'invalid type in a dynamically typed value: type is not JSON'],
  ['type JSON as a number', `92 01 c0`, dynamic, 'the type JSON (bin or str) of a dynamically typed value is required, got integer'],
  ['a nested dynamic wrapper', `92 ${mbin('"dynamic"')} 92 ${mbin('"dynamic"')} c0`, dynamic, 'of type "dynamic" must be null or unknown'],
  ['a 2-byte payload of extension type 0 (verified refused)', 'd5 00 0000', string, 'unsupported extension type 0x00 with len 2'],
  ['a long payload of another extension type', 'c7 03 01 81 01 c2', string, 'unsupported extension type 0x01 with len 3'],
  ['a refinement payload over 1 KiB', `c8 0401 0c 81 ${'00'.repeat(1024)}`, string, 'oversize unknown value refinement'],
  ['a refinement payload that is not a map', 'c7 02 0c 91 00', string, 'a refinement map is required, got array'],
  ['a non-integer refinement key', `c7 04 0c 81 a1 61 c2`, string, 'a refinement key is required, got string'],
  ['a string prefix for a number', `c7 04 0c 81 02 a1 61`, number, 'a string prefix refinement for a non-string type'],
  ['a length bound for a string', 'c7 03 0c 81 05 01', string, 'a length bound refinement for a non-collection type'],
  ['a number bound for a list', 'c7 05 0c 81 03 92 00 c3', list(number), 'a number bound refinement for a non-number type'],
  ['a number bound that is not an array', 'c7 03 0c 81 03 00', number, 'a number bound must be a [number, bool] array'],
  ['a negative length bound', 'c7 03 0c 81 05 ff', list(number), 'a negative length bound'],
  ['contradictory number bounds', 'c7 09 0c 82 03 92 05 c3 04 92 01 c3', number, 'number lower bound 5 is above upper bound 1'],
  ['contradictory length bounds', 'c7 05 0c 82 05 05 06 01', list(number), 'length upper bound 1 is below lower bound 5'],
  ['a prefix that is not UTF-8', 'c7 05 0c 81 02 a2 c328', string, 'string is not valid UTF-8'],
  ['invalid UTF-8 in a string', 'a2 c328', string, 'string is not valid UTF-8'],
  ['the never-used code 0xc1', 'c1', number, 'a number is required, got invalid code 0xc1'],
  ['a NaN float', 'cb 7ff8000000000000', number, 'NaN is not a number in Terraform'],
  ['bytes after the value', 'c0 c0', string, '1 byte(s) left over after the msgpack value'],
];

describe('bad msgpack input', () => {
  test.each(badInput)('%s: %s', (_name, wire, type, message) => {
    let err: unknown;
    try {
      decodeMsgpack(bytes(wire), type);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PathError);
    expect((err as Error).message).toContain(message);
  });

  test('the error carries the path as steps', () => {
    const wire = `81 a4 ${str('rule')} 92 81 a4 ${str('port')} 01 81 a4 ${str('port')} c2`;
    try {
      decodeMsgpack(bytes(wire), rules);
      throw new Error('decoded');
    } catch (e) {
      expect(e).toBeInstanceOf(PathError);
      expect((e as PathError).path).toEqual([{ attr: 'rule' }, { index: 1 }, { attr: 'port' }]);
    }
  });

  test('a type JSON nested beyond the stack is a PathError', () => {
    const deep = `${'["list",'.repeat(20000)}"string"${']'.repeat(20000)}`;
    const json = Buffer.from(deep);
    const header = Buffer.from([0x92, 0xc6, 0, 0, 0, 0]);
    header.writeUInt32BE(json.length, 2);
    const wire = Buffer.concat([header, json, Buffer.from([0xc0])]);
    expect(() => decodeMsgpack(wire, dynamic)).toThrow(PathError);
  });
});

describe('encoding refuses values that do not fit the type', () => {
  const cases: Array<[string, Value, Type, string]> = [
    ['a string for a number', Value.object(object({ port: string }), { port: S('x') }), port, '.port: a number is required, got string'],
    [
      'an object lacking an attribute of the type',
      Value.object(object({ a: string }), { a: S('x') }),
      object({ a: string, b: number }),
      '.b: attribute is missing',
    ],
    [
      'an object with an extra attribute',
      Value.object(object({ a: string, b: number }), { a: S('x'), b: N(1) }),
      object({ a: string }),
      'unsupported attribute "b"',
    ],
    ['a tuple of the wrong length', Value.tuple([S('a')]), tuple([string, string]), 'a tuple of 2 elements is required (1 given)'],
    ['an unknown of another type', Value.unknown(number), string, 'a string is required, got number'],
    ['a null list of numbers for a list of strings', Value.null(list(number)), list(string), 'a list of string is required, got list of number'],
    ['a list element of the wrong type', Value.list(string, [S('a'), N(1)]), list(string), '[1]: a string is required, got number'],
    ['a string with a lone surrogate', Value.string('a\ud800b'), string, 'lone surrogate'],
    [
      'contradictory refinements',
      Value.unknown(number, { numberLower: { value: '5', inclusive: true }, numberUpper: { value: '1', inclusive: true } }),
      number,
      'above upper bound',
    ],
    ['a bound that is not a number', Value.unknown(number, { numberLower: { value: 'x', inclusive: true } }), number, 'bound "x" is not a number'],
    ['a fractional length bound', Value.unknown(list(string), { lengthLower: 1.5 }), list(string), 'length bound 1.5 is not a whole number'],
    ['a negative length bound', Value.unknown(map(string), { lengthUpper: -1 }), map(string), 'length bound -1 is not a whole number'],
    [
      'refinements over 1 KiB',
      Value.unknown(number, { numberLower: { value: `0.${'1'.repeat(1100)}`, inclusive: true } }),
      number,
      "over Terraform's limit of 1024",
    ],
  ];
  test.each(cases)('%s', (_name, value, type, message) => {
    expect(() => encodeMsgpack(value, type)).toThrow(PathError);
    expect(() => encodeMsgpack(value, type)).toThrow(message);
  });

  test('a null or unknown of the dynamic type fits any slot, bare', () => {
    expect(hex(encodeMsgpack(Value.null(dynamic), port))).toBe('c0');
    expect(hex(encodeMsgpack(Value.unknown(dynamic), port))).toBe('d40000');
  });

  test('a value of concrete type fits a list-of-dynamic slot, each element wrapped', () => {
    const wire = hex(encodeMsgpack(Value.list(string, [S('a')]), list(dynamic)));
    expect(wire).toBe(hex(bytes(`91 92 ${mbin('"string"')} a1 61`)));
  });
});

describe('refinements on the way out', () => {
  test('fields that say nothing fall back to the plain unknown', () => {
    const nothing = Value.unknown(list(string), { notNull: false, lengthLower: 0, stringPrefix: 'x' /* not a string type */ });
    expect(hex(encodeMsgpack(nothing, list(string)))).toBe('d40000');
    expect(hex(encodeMsgpack(Value.unknown(string, { stringPrefix: '' }), string))).toBe('d40000');
    const unbounded = Value.unknown(number, { numberLower: { value: '-Infinity', inclusive: true }, numberUpper: { value: 'Infinity', inclusive: false } });
    expect(hex(encodeMsgpack(unbounded, number))).toBe('d40000');
  });

  test('a dynamic-typed unknown never carries refinements', () => {
    expect(hex(encodeMsgpack(Value.unknown(dynamic, { notNull: true }), dynamic))).toBe('d40000');
  });

  test.each([
    ['ASCII', 'a', 1],
    ['two-byte characters', 'é', 2],
    ['three-byte characters', '€', 3],
    ['four-byte characters', '😀', 4],
  ])('a long prefix of %s is cut to at most 256 bytes on a character boundary', (_name, ch, width) => {
    const prefix = ch.repeat(300);
    const back = decodeMsgpack(encodeMsgpack(Value.unknown(string, { notNull: true, stringPrefix: prefix }), string), string);
    const got = back.refinement!.stringPrefix!;
    expect(Buffer.byteLength(got)).toBe(Math.floor(256 / width) * width);
    expect(prefix.startsWith(got)).toBe(true);
    expect(back.refinement!.notNull).toBe(true);
  });

  test('a 256-byte prefix is kept whole', () => {
    const prefix = 'p'.repeat(256);
    const wire = encodeMsgpack(Value.unknown(string, { stringPrefix: prefix }), string);
    expect(hex(wire.subarray(0, 9))).toBe('c801050c8102da0100'); // ext16 of 261 bytes, str16 of 256
    expect(decodeMsgpack(wire, string).refinement!.stringPrefix).toBe(prefix);
  });

  test('the bytes Terraform sent echo back unchanged', () => {
    const wire = 'c7070c8201c202a2622d';
    expect(hex(encodeMsgpack(decodeMsgpack(bytes(wire), string), string))).toBe(wire);
  });
});

describe('attribute names that are Object.prototype keys', () => {
  // In a plain `{}`, assigning "__proto__" sets the prototype and the attribute vanishes from the type JSON;
  // types.ts typeToJSONValue/typeFromJSONValue build attribute maps with Object.create(null) for this.
  test('an object type with a "__proto__" attribute survives a dynamic wrapper', () => {
    const t = object(Object.fromEntries([['__proto__', string]]));
    const v = Value.object(t, Object.fromEntries([['__proto__', S('x')]]));
    expect(decodeMsgpack(encodeMsgpack(v, dynamic), dynamic).equals(v)).toBe(true);
  });
});

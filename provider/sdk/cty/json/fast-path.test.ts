/**
 * decodeJSON reads most states with the native JSON.parse (cty/json/decode.ts): every result and every error
 * must be what the lossless-json path gives for the same text, numbers beyond float64 included.
 */
import fc from 'fast-check';
import { JSON_VALUES, typeArb, typedValueArb } from '../msgpack/arbitraries.test-support';
import { type Type, bool, dynamic, list, map, number, object, set, string, tuple } from '../types';
import type { Value } from '../value';
import { type JSONDecodeOptions, decodeJSON, encodeJSON } from '.';
import { float64Suffices } from './decode';

type Outcome = { value: Value } | { error: string };

function outcome(text: string, t: Type, opts: JSONDecodeOptions): Outcome {
  try {
    return { value: decodeJSON(text, t, opts) };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

/** The native and the lossless path agree on `text`: the same value (same number text) or the same error. */
function expectSamePaths(text: string, t: Type, opts: JSONDecodeOptions = {}): Outcome {
  const fast = outcome(text, t, opts);
  const slow = outcome(text, t, { ...opts, lossless: true });
  if ('value' in slow) {
    if (!('value' in fast)) throw new Error(`${text}: the native path failed (${fast.error}) where lossless-json read ${slow.value}`);
    // equals compares numbers by value; the encoded text also shows their spelling.
    expect(fast.value.equals(slow.value)).toBe(true);
    expect(encodeJSON(fast.value, t)).toBe(encodeJSON(slow.value, t));
  } else {
    expect(fast).toEqual(slow);
  }
  return fast;
}

const upgradeOpts: JSONDecodeOptions = { missingAttributes: 'null', unknownAttributes: 'ignore' };

describe('float64Suffices', () => {
  test.each([
    ['{"a":1,"b":-2.5,"c":0.000001}', true],
    ['{"a":123456789012345}', true],
    ['{"a":1234567890123456}', false],
    ['{"a":9007199254740993}', false],
    ['{"a":0.1000000000000000000001}', false],
    ['{"a":0.000000000000000000001}', true], // one significant digit
    ['{"a":1e5}', false],
    ['{"a":1E-5}', false],
    ['{"a":"12345678901234567890 and 1e5 in a string"}', true],
    ['{"a":"an escaped \\" quote then 12345678901234567890"}', true],
    ['{"a":"ends in a backslash \\\\","b":12345678901234567890}', false],
    ['{"12345678901234567890":1}', true],
  ])('%s → %s', (text, expected) => {
    expect(float64Suffices(text)).toBe(expected);
  });
});

describe('decodeJSON: the native path gives what lossless-json gives', () => {
  const state = object({
    id: string,
    count: number,
    ratio: number,
    enabled: bool,
    scopes: set(string),
    labels: map(string),
    limits: list(object({ name: string, max: number })),
    nested: set(object({ tags: map(set(number)), pair: tuple([string, number]) })),
    extra: dynamic,
  });

  test.each([
    ['plain numbers', '{"id":"k1","count":3,"ratio":0.25,"enabled":true,"scopes":["a"],"labels":{"x":"y"},"limits":[{"name":"n","max":-7}]}'],
    ['a large integer beyond 2^53', '{"count":9007199254740993}'],
    ['a large integer beyond 2^64', '{"count":123456789012345678901234567890}'],
    ['a long fraction', '{"ratio":0.1000000000000000000001}'],
    ['an exponent', '{"ratio":1.5e300,"count":2E-3}'],
    ['a tiny fraction', '{"ratio":0.0000001}'],
    ['negative zero', '{"ratio":-0.0,"count":-0}'],
    ['15 significant digits', '{"ratio":0.123456789012345,"count":999999999999999}'],
    ['nulls everywhere', '{"id":null,"count":null,"scopes":null,"labels":{"a":null},"limits":[{"name":null,"max":null}],"nested":null,"extra":null}'],
    ['nested sets and maps', '{"nested":[{"tags":{"a":[1,2,2,3],"b":[]},"pair":["p",4.5]},{"tags":{},"pair":["q",12345678901234567890]}]}'],
    ['duplicate set elements', '{"scopes":["a","a","b"],"nested":[{"tags":{},"pair":["x",1]},{"tags":{},"pair":["x",1.0]}]}'],
    ['a dynamic value', '{"extra":{"value":{"n":1,"m":[2.5,"s"]},"type":["object",{"n":"number","m":["tuple",["number","string"]]}]}}'],
    ['a dynamic value with a large number', '{"extra":{"value":[12345678901234567890123],"type":["list","number"]}}'],
    ['a dynamic null', '{"extra":{"value":null,"type":"dynamic"}}'],
    ['a number in a string slot', '{"id":1.50}'],
    ['a bool in a string slot', '{"id":true}'],
    ['a decimal string in a number slot', '{"count":"1.50e2"}'],
    ['a repeated key', '{"count":1,"count":2}'],
    ['a __proto__ map key', '{"labels":{"__proto__":"x","constructor":"y"}}'],
    ['an unknown attribute', '{"nope":1}'],
    ['a lone surrogate', '{"id":"\\ud800"}'],
    ['escaped quotes and backslashes', '{"id":"a\\"b\\\\","labels":{"\\"":"1e5"}}'],
  ])('%s', (_name, text) => {
    expectSamePaths(text, state, upgradeOpts);
    expectSamePaths(text, state);
  });

  test.each([
    ['not JSON', '{"id":'],
    ['a trailing comma', '{"id":"a",}'],
    ['a wrong type', '{"count":"abc"}'],
    ['an array for an object', '[]'],
    ['a bad dynamic value', '{"extra":{"value":1}}'],
    ['a raw control character', '{"id":"a\tb"}'],
  ])('the same error: %s', (_name, text) => {
    expect('error' in expectSamePaths(text, state, upgradeOpts)).toBe(true);
  });

  test('large integers keep every digit', () => {
    const v = expectSamePaths('{"count":9007199254740993,"ratio":18446744073709551616}', state, upgradeOpts);
    if (!('value' in v)) throw new Error('expected a value');
    expect(v.value.attr('count').asNumber()).toBe('9007199254740993');
    expect(v.value.attr('ratio').asNumber()).toBe('18446744073709551616');
  });

  test('arbitrary values and types', () => {
    fc.assert(
      fc.property(typedValueArb(JSON_VALUES, 3), ({ t, v }) => {
        expectSamePaths(encodeJSON(v, t), t);
      }),
      { numRuns: 400 },
    );
  });

  test('arbitrary JSON read as arbitrary types', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), typeArb(2), (text, t) => {
        expectSamePaths(text, t, upgradeOpts);
      }),
      { numRuns: 400 },
    );
  });
});

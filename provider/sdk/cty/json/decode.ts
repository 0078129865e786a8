/**
 * @module cty/json/decode
 * JSON → Value, directed by the type (go-cty cty/json/unmarshal.go). This is the form of `RawState.json` in
 * UpgradeResourceState and MoveResourceState: the instance's attributes object as Terraform stored it.
 *
 * - Numbers are read with lossless-json, so 12345678901234567890123 and 0.1000000000000000000001 keep every
 *   digit (JSON.parse would round them to float64). A number slot also takes a JSON string of decimal text,
 *   and a string slot a JSON number or bool, as cty's decoder converts them.
 * - A dynamic slot holds `{"value": V, "type": TYPEJSON}`; a bare `null` is a null of the dynamic type.
 * - Objects: Terraform strips attributes the schema no longer has but does not add new ones, so the caller
 *   chooses what a missing attribute means (`missingAttributes: 'null'` gives a null of its type, at any
 *   depth, which is what cty's own decoder always does) and what an extra one means.
 * - A repeated object key keeps its last value, as Go's encoding/json does.
 * - JSON holds no unknowns.
 *
 * Most states hold no number that a float64 could change, and lossless-json costs several times what the
 * native JSON.parse does (UpgradeResourceState decodes every instance's state before each read and plan).
 * So a first scan looks at every number token outside strings: when none has an exponent or more than 15
 * significant digits, each one is exactly the float64 JSON.parse makes of it (15 digits always survive the
 * round trip), and the native parse is used. Anything else, or any text JSON.parse refuses, takes the
 * lossless path, so results and error messages are the same either way (cty/json/fast-path.test.ts).
 */
import { parse } from 'lossless-json';
import { NumberSyntaxError, canonicalNumber } from '../number';
import { type Path, PathError, attr, index, key, root } from '../path';
import { type Type, TypeJSONError, dynamic, friendlyName, typeFromJSONValue } from '../types';
import { Value } from '../value';
import { attributeMap } from '../msgpack/conformance';

export interface JSONDecodeOptions {
  /** An attribute of the type absent from a JSON object: an error (default), or a null of its type. */
  readonly missingAttributes?: 'error' | 'null';
  /** A JSON object key that is not an attribute of the type: an error (default), or skipped. */
  readonly unknownAttributes?: 'error' | 'ignore';
  /** Always read with lossless-json, never natively (the tests compare the two paths). */
  readonly lossless?: boolean;
}

/** A JSON number, kept as the exact text it was written with. */
class JSONNumber {
  constructor(readonly text: string) {}
}

const parseOptions = {
  parseNumber: (text: string) => new JSONNumber(text),
  onDuplicateKey: (info: { newValue: unknown }) => info.newValue,
};

interface Options {
  readonly missingNull: boolean;
  readonly ignoreUnknown: boolean;
}

export function decodeJSON(input: string | Uint8Array, type: Type, opts: JSONDecodeOptions = {}): Value {
  // Invalid UTF-8 becomes U+FFFD, as Go's encoding/json reads it.
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const o: Options = { missingNull: opts.missingAttributes === 'null', ignoreUnknown: opts.unknownAttributes === 'ignore' };
  if (!opts.lossless && float64Suffices(text)) {
    let doc: unknown = NOT_PARSED;
    try {
      doc = JSON.parse(text);
    } catch {
      // Refused (or nested too deep): the lossless path gives its own error for it.
    }
    if (doc !== NOT_PARSED) {
      try {
        return fromJSON(doc, type, root, o);
      } catch (e) {
        if (e !== NEEDS_NUMBER_TEXT) return rethrow(e);
      }
    }
  }
  let doc: unknown;
  try {
    doc = parse(text, null, parseOptions);
  } catch (e) {
    throw new PathError(root, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return fromJSON(doc, type, root, o);
  } catch (e) {
    return rethrow(e);
  }
}

function rethrow(e: unknown): never {
  if (e instanceof PathError) throw e;
  throw PathError.at(root, e); // a value nested deeper than the stack allows
}

const NOT_PARSED = Symbol('not parsed');

/** Thrown when a natively parsed number lands in a string slot, which keeps the number's text as written. */
const NEEDS_NUMBER_TEXT = Symbol('needs the number as written');

/**
 * True when no number token of the JSON text (outside strings) has an exponent or more than 15 significant
 * digits: each such decimal is the shortest spelling of the float64 nearest to it, so JSON.parse loses
 * nothing. Leading zeros do not count; trailing ones do. Text that is not JSON may pass: JSON.parse judges it.
 */
export function float64Suffices(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: its closing quote is the next one not escaped by an odd run of backslashes.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return true;
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let digits = 0;
      let j = c === 0x2d ? i + 1 : i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) {
          if (digits > 0 || d !== 0x30) digits++;
        } else if (d === 0x65 || d === 0x45) return false;
        else if (d !== 0x2e) break;
      }
      if (digits > 15) return false;
      i = j - 1;
    }
  }
  return true;
}

function fromJSON(j: unknown, t: Type, path: Path, o: Options): Value {
  if (j === null) return Value.null(t);
  switch (t.kind) {
    case 'dynamic':
      return fromDynamic(j, path, o);
    case 'string':
      if (typeof j === 'string') return Value.string(wellFormed(j));
      if (j instanceof JSONNumber) return Value.string(j.text);
      if (typeof j === 'number') throw NEEDS_NUMBER_TEXT;
      if (typeof j === 'boolean') return Value.string(j ? 'true' : 'false');
      throw mismatch(path, 'a string', j);
    case 'number':
      // Only numbers float64Suffices let through: whole ones in safe range, or fractions of at most 15 digits,
      // whose shortest spelling (String) is their exact text (possibly with an exponent, as in 1e-7).
      if (typeof j === 'number') return Value.number(Number.isSafeInteger(j) ? String(j) : canonicalNumber(String(j)));
      if (j instanceof JSONNumber || typeof j === 'string') {
        try {
          return Value.number(canonicalNumber(j instanceof JSONNumber ? j.text : j));
        } catch (e) {
          if (e instanceof NumberSyntaxError) throw new PathError(path, `a number is required: ${e.message}`);
          throw e;
        }
      }
      throw mismatch(path, 'a number', j);
    case 'bool':
      if (typeof j === 'boolean') return Value.bool(j);
      // cty converts only the exact strings "true" and "false".
      if (j === 'true' || j === 'false') return Value.bool(j === 'true');
      throw mismatch(path, 'a bool', j);
    case 'list':
      if (!Array.isArray(j)) throw mismatch(path, `a ${friendlyName(t)}`, j);
      return Value.list(
        t.element,
        j.map((e, i) => fromJSON(e, t.element, index(path, i), o)),
      );
    case 'set':
      if (!Array.isArray(j)) throw mismatch(path, `a ${friendlyName(t)}`, j);
      return Value.set(
        t.element,
        j.map((e) => fromJSON(e, t.element, path, o)),
      );
    case 'tuple':
      if (!Array.isArray(j)) throw mismatch(path, 'a tuple', j);
      if (j.length !== t.elements.length) throw new PathError(path, `a tuple of ${t.elements.length} elements is required (${j.length} given)`);
      return Value.tupleOf(
        t.elements,
        j.map((e, i) => fromJSON(e, t.elements[i]!, index(path, i), o)),
      );
    case 'map': {
      if (!isObject(j)) throw mismatch(path, `a ${friendlyName(t)}`, j);
      const entries: Record<string, Value> = Object.create(null);
      for (const k of Object.keys(j)) entries[wellFormed(k)] = fromJSON(j[k], t.element, key(path, k), o);
      return Value.map(t.element, entries);
    }
    case 'object': {
      if (!isObject(j)) throw mismatch(path, 'an object', j);
      const attrTypes = attributeMap(t);
      const attrs: Record<string, Value> = Object.create(null);
      for (const k of Object.keys(j)) {
        const at = attrTypes.get(k);
        if (at === undefined) {
          if (o.ignoreUnknown) continue;
          throw new PathError(path, `unsupported attribute ${JSON.stringify(k)}`);
        }
        attrs[k] = fromJSON(j[k], at, attr(path, k), o);
      }
      for (const [name, at] of attrTypes) {
        if (name in attrs) continue;
        if (!o.missingNull) throw new PathError(path, `attribute ${JSON.stringify(name)} is required`);
        attrs[name] = Value.null(at);
      }
      return Value.object(t, attrs);
    }
  }
}

/** `{"value": V, "type": T}`, exactly those two keys (cty refuses any other). */
function fromDynamic(j: unknown, path: Path, o: Options): Value {
  if (!isObject(j)) throw mismatch(path, 'a dynamically typed value ({"value": …, "type": …})', j);
  for (const k of Object.keys(j)) {
    if (k !== 'value' && k !== 'type') throw new PathError(path, `invalid key ${JSON.stringify(k)} in a dynamically typed value`);
  }
  if (!Object.hasOwn(j, 'type')) throw new PathError(path, 'missing type in a dynamically typed value');
  if (!Object.hasOwn(j, 'value')) throw new PathError(path, 'missing value in a dynamically typed value');
  let t: Type;
  try {
    t = typeFromJSONValue(j.type);
  } catch (e) {
    if (e instanceof TypeJSONError || e instanceof RangeError) throw new PathError(path, `invalid type in a dynamically typed value: ${e.message}`);
    throw e;
  }
  if (t.kind === 'dynamic') {
    // Only a null can be of the dynamic type itself; refusing nested wrappers keeps the recursion bounded.
    if (j.value !== null) throw new PathError(path, 'a dynamically typed value of type "dynamic" must be null');
    return Value.null(dynamic);
  }
  return fromJSON(j.value, t, path, o);
}

function isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof JSONNumber);
}

function describe(j: unknown): string {
  if (Array.isArray(j)) return 'array';
  if (j instanceof JSONNumber || typeof j === 'number') return 'number';
  if (typeof j === 'boolean') return 'bool';
  return typeof j === 'string' ? 'string' : 'object';
}

function mismatch(path: Path, what: string, j: unknown): PathError {
  return new PathError(path, `${what} is required, got ${describe(j)}`);
}

/** A `\ud800`-style escape of half a surrogate pair becomes U+FFFD, as Go's encoding/json decodes it. */
function wellFormed(s: string): string {
  const native = (s as unknown as { toWellFormed?: () => string }).toWellFormed;
  return native ? native.call(s) : s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

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
  let doc: unknown;
  try {
    doc = parse(text, null, parseOptions);
  } catch (e) {
    throw new PathError(root, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const o: Options = { missingNull: opts.missingAttributes === 'null', ignoreUnknown: opts.unknownAttributes === 'ignore' };
  try {
    return fromJSON(doc, type, root, o);
  } catch (e) {
    if (e instanceof PathError) throw e;
    throw PathError.at(root, e); // a value nested deeper than the stack allows
  }
}

function fromJSON(j: unknown, t: Type, path: Path, o: Options): Value {
  if (j === null) return Value.null(t);
  switch (t.kind) {
    case 'dynamic':
      return fromDynamic(j, path, o);
    case 'string':
      if (typeof j === 'string') return Value.string(wellFormed(j));
      if (j instanceof JSONNumber) return Value.string(j.text);
      if (typeof j === 'boolean') return Value.string(j ? 'true' : 'false');
      throw mismatch(path, 'a string', j);
    case 'number':
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
  if (j instanceof JSONNumber) return 'number';
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

/**
 * @module cty/msgpack/decode
 * msgpack → Value, directed by the type (go-cty cty/msgpack/unmarshal.go). The bytes alone are ambiguous
 * (lists, sets and tuples are all arrays; maps and objects are both maps), so the type says what each item is.
 *
 * Order of checks at every slot, as cty has it: an extension first (an unknown can stand for anything,
 * including a whole object, list or block), then the dynamic wrapper, then nil, then the type's own shape.
 * Numbers are accepted in every msgpack form Terraform may use (any int/uint width, float32/64, decimal
 * string). Objects must carry exactly the type's attributes. Every error is a PathError naming the slot.
 */
import { NumberSyntaxError, canonicalNumber, numberFromFloat64Exact } from '../number';
import { type Path, PathError, attr, index, key, root } from '../path';
import { type ObjectType, type Type, friendlyName } from '../types';
import { Value } from '../value';
import { attributeMap } from './conformance';
import { decodeDynamic } from './dynamic';
import { NIL, Reader, isExtCode } from './reader';
import { decodeUnknown } from './unknown';

/**
 * Decodes one msgpack value of type `type`. Bytes left over after the value are an error: a DynamicValue
 * holds exactly one value, so leftovers mean a framing bug (cty would silently ignore them).
 */
export function decodeMsgpack(bytes: Uint8Array, type: Type): Value {
  const r = new Reader(bytes);
  let v: Value;
  try {
    v = decodeValue(r, type, root);
  } catch (e) {
    if (e instanceof PathError) throw e;
    // A value nested deeper than the stack allows; anything else here is a bug, still reported as a PathError
    // so a malformed message never escapes as a bare TypeError.
    throw PathError.at(root, e);
  }
  if (r.remaining > 0) throw new PathError(root, `${r.remaining} byte(s) left over after the msgpack value`);
  return v;
}

export function decodeValue(r: Reader, t: Type, path: Path): Value {
  const c = r.peek(path);
  if (isExtCode(c)) return decodeUnknown(r.readExt(path), t, path, readNumberText);
  if (t.kind === 'dynamic') return decodeDynamic(r, path, decodeValue);
  if (c === NIL) {
    r.pos++;
    return Value.null(t);
  }
  switch (t.kind) {
    case 'string':
      return Value.string(r.readString(path, 'a string'));
    case 'number':
      return Value.number(readNumberText(r, path));
    case 'bool':
      return Value.bool(r.readBool(path));
    case 'list': {
      const n = r.readArrayHeader(path, article(t));
      const items = new Array<Value>(n);
      for (let i = 0; i < n; i++) items[i] = decodeValue(r, t.element, index(path, i));
      return Value.list(t.element, items);
    }
    case 'set': {
      // Set elements have no address (see cty/path), so errors inside one name the set. Value.set drops
      // duplicates, as cty.SetVal does.
      const n = r.readArrayHeader(path, article(t));
      const items = new Array<Value>(n);
      for (let i = 0; i < n; i++) items[i] = decodeValue(r, t.element, path);
      return Value.set(t.element, items);
    }
    case 'tuple': {
      const n = r.readArrayHeader(path, 'a tuple');
      if (n !== t.elements.length) throw new PathError(path, `a tuple of ${t.elements.length} elements is required (${n} given)`);
      const items = new Array<Value>(n);
      for (let i = 0; i < n; i++) items[i] = decodeValue(r, t.elements[i]!, index(path, i));
      return Value.tupleOf(t.elements, items);
    }
    case 'map': {
      const n = r.readMapHeader(path, article(t));
      const entries: Record<string, Value> = Object.create(null);
      for (let i = 0; i < n; i++) {
        const k = r.readString(path, 'a string map key');
        // A repeated key keeps the last value, like cty's unmarshalMap.
        entries[k] = decodeValue(r, t.element, key(path, k));
      }
      return Value.map(t.element, entries);
    }
    case 'object':
      return decodeObject(r, t, path);
  }
}

function decodeObject(r: Reader, t: ObjectType, path: Path): Value {
  const n = r.readMapHeader(path, 'an object');
  const attrTypes = attributeMap(t);
  // Terraform's own wording (cty unmarshalObject), which users know (docs/sdk/value-encoding.md#objects-and-blocks).
  if (n !== attrTypes.size) throw new PathError(path, `an object with ${attrTypes.size} attributes is required (${n} given)`);
  const attrs: Record<string, Value> = Object.create(null);
  for (let i = 0; i < n; i++) {
    const name = r.readString(path, 'a string attribute name');
    const at = attrTypes.get(name);
    if (at === undefined) throw new PathError(path, `unsupported attribute ${JSON.stringify(name)}`);
    // With the count already matched, a repeated name means another attribute is missing.
    if (name in attrs) throw new PathError(path, `attribute ${JSON.stringify(name)} is given twice`);
    attrs[name] = decodeValue(r, at, attr(path, name));
  }
  return Value.object(t, attrs);
}

/** A number slot's value as canonical decimal text. */
export function readNumberText(r: Reader, path: Path): string {
  const raw = r.readNumber(path);
  try {
    if (typeof raw === 'string') return canonicalNumber(raw);
    if (typeof raw === 'bigint') return raw.toString();
    // Integers of every width arrive as safe JS numbers; floats are kept at their exact binary value.
    return Number.isSafeInteger(raw) ? String(raw) : numberFromFloat64Exact(raw);
  } catch (e) {
    if (e instanceof NumberSyntaxError) throw new PathError(path, `a number is required: ${e.message}`);
    throw e;
  }
}

/** "a list of string", for the message should the header be something else; once per type, as it is asked on every header. */
function article(t: Type): string {
  let text = articles.get(t);
  if (text === undefined) {
    const name = friendlyName(t);
    text = /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
    articles.set(t, text);
  }
  return text;
}
const articles = new WeakMap<Type, string>();

/**
 * @module cty/json/encode
 * Value → JSON, directed by the type (go-cty cty/json/marshal.go): compact, object attributes and map keys
 * sorted, numbers as exact decimal text of any length, dynamic slots as `{"value":V,"type":T}`. This is the
 * shape Terraform keeps an instance's attributes in within the state file. JSON cannot hold unknowns or
 * infinities; either is an error naming the slot.
 */
import { isInfinite } from '../number';
import { type Path, PathError, attr, index, key, root } from '../path';
import { type Type, sortedAttributeNames, typeToJSON } from '../types';
import type { Value } from '../value';
import { checkedString, mismatch, typeConforms } from '../msgpack/conformance';

export function encodeJSON(value: Value, type: Type): string {
  return write(value, type, root);
}

function write(v: Value, t: Type, path: Path): string {
  if (t.kind === 'dynamic' && v.type.kind !== 'dynamic') {
    // cty writes the value first, then its type.
    return `{"value":${write(v, v.type, path)},"type":${typeToJSON(v.type)}}`;
  }
  if (v.isUnknown()) throw new PathError(path, 'value is unknown, and JSON (stored state) cannot hold unknown values');
  if (v.isNull()) {
    if (!typeConforms(v.type, t)) throw mismatch(path, t, v.type);
    return 'null';
  }
  if (v.type.kind !== t.kind) throw mismatch(path, t, v.type);
  switch (t.kind) {
    case 'dynamic':
      throw new PathError(path, 'a known value cannot have the dynamic type itself'); // Value never builds one
    case 'string':
      return jsonString(v.asString(), path);
    case 'number': {
      const n = v.asNumber();
      if (isInfinite(n)) throw new PathError(path, `${n} cannot be written as JSON`);
      return n; // canonical text is a valid JSON number
    }
    case 'bool':
      return v.asBool() ? 'true' : 'false';
    case 'list':
      return `[${v
        .elements()
        .map((e, i) => write(e, t.element, index(path, i)))
        .join(',')}]`;
    case 'set':
      return `[${v
        .elements()
        .map((e) => write(e, t.element, path))
        .join(',')}]`;
    case 'tuple': {
      const els = v.elements();
      if (els.length !== t.elements.length) throw new PathError(path, `a tuple of ${t.elements.length} elements is required (${els.length} given)`);
      return `[${els.map((e, i) => write(e, t.elements[i]!, index(path, i))).join(',')}]`;
    }
    case 'map': {
      const entries = v.entries();
      const keys = Object.keys(entries).sort();
      return `{${keys.map((k) => `${jsonString(k, path)}:${write(entries[k]!, t.element, key(path, k))}`).join(',')}}`;
    }
    case 'object': {
      const given = v.entries();
      const names = sortedAttributeNames(t);
      const parts = names.map((name) => {
        const av = given[name];
        if (av === undefined) throw new PathError(attr(path, name), 'attribute is missing from the object value');
        return `${jsonString(name, path)}:${write(av, t.attributes[name]!, attr(path, name))}`;
      });
      if (Object.keys(given).length !== names.length) {
        const extra = Object.keys(given).find((n) => !Object.hasOwn(t.attributes, n));
        throw new PathError(path, `unsupported attribute ${JSON.stringify(extra)}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

const GO_ESCAPES = /[<>&\u2028\u2029]/g;

/** A JSON string as Go's encoding/json writes it: also escaping <, >, & and U+2028/U+2029 (HTML-safe). */
function jsonString(s: string, path: Path): string {
  return JSON.stringify(checkedString(s, path)).replace(GO_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * @module cty/msgpack/encode
 * Value → msgpack, directed by the type (go-cty cty/msgpack/marshal.go). We walk the *type*, never the value
 * alone: objects are written with exactly the type's attributes, dynamic slots get their `[type, value]`
 * wrapper, unknowns become extensions. The walk builds the tree @msgpack/msgpack writes; the library does
 * the byte level (headers, UTF-8, floats, extension framing).
 *
 * Numbers, as cty writes them (docs/sdk/value-encoding.md#numbers; go-cty cty/msgpack/marshal.go, v1.14.4 on):
 * - ±Infinity → float64 `cb`;
 * - an integer in int64 range → the smallest int/uint form (`443` → `cd 01 bb`, `9007199254740993` →
 *   `cf 00 20 00 00 00 00 00 01`); beyond 2^32 (or below -2^31) only the 8-byte forms exist;
 * - any other integer → its decimal text as a str, even when float64 holds it exactly (2^63 →
 *   `b3 "9223372036854775808"`): a float64 reaches Terraform as a 53-bit number that prints rounded
 *   (9223372036854776000), so the plan shows other digits and the apply fails as an inconsistent plan;
 * - a fraction that float64 holds exactly → float64 (`2.5` → `cb 40 04 00 00 00 00 00 00`);
 * - anything else → its canonical decimal text as a str (`0.1` → `a3 "0.1"`).
 *
 * A value that does not conform to the type throws a PathError naming the slot.
 */
import { Encoder, type ExtData } from '@msgpack/msgpack';
import { NEG_INF, POS_INF, isExactFloat64, isInteger } from '../number';
import { type Path, PathError, attr, index, key, root } from '../path';
import { type Type, sortedAttributeNames } from '../types';
import type { Value } from '../value';
import { checkedString, mismatch, typeConforms } from './conformance';
import { typeJSONBytes } from './dynamic';
import { PLAIN_UNKNOWN, encodeUnknown } from './unknown';

/** What the walk hands to @msgpack/msgpack: a JS value it writes as the msgpack we mean. */
type Tree = null | boolean | number | bigint | string | Uint8Array | ExtData | Tree[] | { [k: string]: Tree };

// useBigInt64 lets bigints through as int64/uint64 (without it the library refuses them: docs/sdk/node-pitfalls.md#numbers).
// maxDepth: the library's default of 100 is too shallow for nested blocks inside dynamic wrappers.
const encoder = new Encoder({ useBigInt64: true, maxDepth: 2000 });

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SMALL_MIN = -(2 ** 31);
const SMALL_MAX = 2 ** 32;

export function encodeMsgpack(value: Value, type: Type): Uint8Array {
  const tree = toTree(value, type, root);
  try {
    return encoder.encode(tree);
  } catch (e) {
    throw PathError.at(root, e);
  }
}

function toTree(v: Value, t: Type, path: Path): Tree {
  if (t.kind === 'dynamic') {
    if (v.type.kind === 'dynamic') {
      // A null or unknown of no particular type: bare, there is no type to wrap it with.
      return v.isNull() ? null : PLAIN_UNKNOWN;
    }
    return [typeJSONBytes(v.type), toTree(v, v.type, path)];
  }
  if (!v.isKnown()) {
    if (!typeConforms(v.type, t)) throw mismatch(path, t, v.type);
    return v.isNull() ? null : encodeUnknown(v, t, path, numberTree);
  }
  if (v.type.kind !== t.kind) throw mismatch(path, t, v.type);
  switch (t.kind) {
    case 'string':
      return checkedString(v.asString(), path);
    case 'number':
      return numberTree(v.asNumber());
    case 'bool':
      return v.asBool();
    case 'list':
      return v.elements().map((e, i) => toTree(e, t.element, index(path, i)));
    case 'set':
      return v.elements().map((e) => toTree(e, t.element, path));
    case 'tuple': {
      const els = v.elements();
      if (els.length !== t.elements.length) throw new PathError(path, `a tuple of ${t.elements.length} elements is required (${els.length} given)`);
      return els.map((e, i) => toTree(e, t.elements[i]!, index(path, i)));
    }
    case 'map': {
      const out: Record<string, Tree> = Object.create(null);
      const entries = v.entries();
      for (const k of Object.keys(entries)) out[checkedString(k, path)] = toTree(entries[k]!, t.element, key(path, k));
      return out;
    }
    case 'object': {
      const given = v.entries();
      const names = sortedAttributeNames(t); // cty writes attributes sorted; Terraform sends them so too
      const out: Record<string, Tree> = Object.create(null);
      for (const name of names) {
        const av = given[name];
        if (av === undefined) throw new PathError(attr(path, name), 'attribute is missing from the object value');
        out[name] = toTree(av, t.attributes[name]!, attr(path, name));
      }
      if (Object.keys(given).length !== names.length) {
        const extra = Object.keys(given).find((n) => !Object.hasOwn(t.attributes, n));
        throw new PathError(path, `unsupported attribute ${JSON.stringify(extra)}`);
      }
      return out;
    }
  }
}

/** The tree for a canonical number, per the rules in the module comment. */
export function numberTree(n: string): number | bigint | string {
  if (n === POS_INF) return Infinity;
  if (n === NEG_INF) return -Infinity;
  if (isInteger(n)) {
    if (n.length <= 15) {
      // Short integers are safe JS numbers; the library picks the smallest form, and for the 8-byte range we
      // hand it a bigint because with useBigInt64 it would write a safe integer beyond 2^32 as a float.
      const f = Number(n);
      return f >= SMALL_MIN && f < SMALL_MAX ? f : BigInt(n);
    }
    const b = BigInt(n);
    return b >= INT64_MIN && b <= INT64_MAX ? b : n;
  }
  return isExactFloat64(n) ? Number(n) : n;
}

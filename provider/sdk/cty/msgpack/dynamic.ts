/**
 * @module cty/msgpack/dynamic
 * Values in a slot of the dynamic pseudo-type carry their type (go-cty cty/msgpack/dynamic.go,
 * docs/sdk/value-encoding.md#dynamic-values): a 2-array `[bin(type JSON), value encoded by that type]`, e.g. `dyn = "str"` is
 * `92 c4 08 "\"string\"" a3 "str"`. A null or an unknown *of the dynamic type itself* has no type to tell,
 * so it is written bare (`c0`, `d4 00 00`); a null string in a dynamic slot is still wrapped.
 * Forgetting the wrapper is the classic schema-blind mistake; Terraform rejects it
 * (`msgpack: invalid code=82 decoding array length`), and so do we, with the path.
 */
import { type Path, PathError } from '../path';
import { type Type, TypeJSONError, dynamic, typeFromJSON, typeToJSON } from '../types';
import { Value } from '../value';
import { type Reader, decodeUTF8, describeCode, isArrayCode, isExtCode } from './reader';

const utf8 = new TextEncoder();

// The same few type JSON texts repeat across a state's dynamic slots; types are immutable, so parsed ones are
// shared. Bounded, so hostile input cannot grow it without limit.
const TYPE_CACHE_SIZE = 256;
const typeCache = new Map<string, Type>();

/** The type half of a wrapper. Sent as bin, as Terraform does; its decoder accepts bin or str. */
export function typeJSONBytes(t: Type): Uint8Array {
  return utf8.encode(typeToJSON(t));
}

/**
 * Reads the value in a dynamic slot, after the caller has ruled out an extension (an unknown is checked
 * first everywhere). `decodeAs` decodes the wrapped value once its type is known.
 */
export function decodeDynamic(r: Reader, path: Path, decodeAs: (r: Reader, t: Type, path: Path) => Value): Value {
  if (r.tryNil()) return Value.null(dynamic);
  const c = r.peek(path);
  if (!isArrayCode(c)) throw new PathError(path, `a dynamically typed value must be a [type, value] array, got ${describeCode(c)}`);
  const n = r.readArrayHeader(path, 'a dynamically typed value');
  if (n !== 2) throw new PathError(path, `a dynamically typed value must be a [type, value] array of exactly two elements, got ${n}`);
  const text = decodeUTF8(r.readStringBytes(path, 'the type JSON (bin or str) of a dynamically typed value'), path);
  let t = typeCache.get(text);
  if (t === undefined) {
    try {
      t = typeFromJSON(text);
    } catch (e) {
      // RangeError too: absurdly nested type JSON must not escape as a stack overflow.
      if (e instanceof TypeJSONError || e instanceof RangeError) throw new PathError(path, `invalid type in a dynamically typed value: ${e.message}`);
      throw e;
    }
    if (typeCache.size >= TYPE_CACHE_SIZE) typeCache.clear();
    typeCache.set(text, t);
  }
  if (t.kind === 'dynamic') {
    // cty would recurse here; only a bare null or unknown can be of the dynamic type, so nested wrappers (an
    // unbounded recursion on hostile input) are refused.
    const next = r.peek(path);
    if (next !== 0xc0 && !isExtCode(next)) throw new PathError(path, 'a dynamically typed value of type "dynamic" must be null or unknown');
  }
  return decodeAs(r, t, path);
}

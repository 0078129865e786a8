/**
 * @module cty/msgpack/conformance
 * What both codecs (msgpack and JSON) need while walking a value against a type: does a null or unknown fit
 * the slot, is a string encodable, the wording of a mismatch, and attribute lookup by name.
 */
import { type Path, PathError } from '../path';
import { type ObjectType, type Type, friendlyName, typeEquals } from '../types';

/**
 * A JS string with a lone surrogate has no UTF-8 form: it would go out as invalid UTF-8 (msgpack) or an
 * escape Terraform turns into U+FFFD (JSON). Such a string can only come from a bug, so it is refused where it is.
 */
export function checkedString(s: string, path: Path): string {
  if (!isWellFormed(s)) throw new PathError(path, 'string is not valid Unicode (it holds a lone surrogate)');
  return s;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed is in Node 20 but not in the ES2022 lib typings.
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(s) : !LONE_SURROGATE.test(s);
}

/**
 * Whether a null or unknown of type `given` may stand in a slot of type `want`. The dynamic type on either
 * side matches anything (cty.DynamicVal converts to any type); optional-attribute markers are constraint
 * details and do not matter for a value.
 */
export function typeConforms(given: Type, want: Type): boolean {
  if (given === want || given.kind === 'dynamic' || want.kind === 'dynamic') return true;
  if (given.kind !== want.kind) return false;
  switch (want.kind) {
    case 'list':
    case 'set':
    case 'map':
      return typeConforms((given as typeof want).element, want.element);
    case 'tuple': {
      const g = (given as typeof want).elements;
      return g.length === want.elements.length && g.every((e, i) => typeConforms(e, want.elements[i]!));
    }
    case 'object': {
      const g = (given as typeof want).attributes;
      const names = Object.keys(want.attributes);
      if (Object.keys(g).length !== names.length) return false;
      return names.every((n) => Object.hasOwn(g, n) && typeConforms(g[n]!, want.attributes[n]!));
    }
    default:
      return typeEquals(given, want);
  }
}

export function mismatch(path: Path, want: Type, got: Type): PathError {
  const name = friendlyName(want);
  return new PathError(path, `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name} is required, got ${friendlyName(got)}`);
}

// Attribute lookup by name, once per object type: a Map is exact (no prototype names such as "constructor")
// and, on a few hundred attributes, much faster than hasOwnProperty on the frozen attributes object.
const attributeMaps = new WeakMap<ObjectType, ReadonlyMap<string, Type>>();

export function attributeMap(t: ObjectType): ReadonlyMap<string, Type> {
  let m = attributeMaps.get(t);
  if (!m) {
    m = new Map(Object.entries(t.attributes));
    attributeMaps.set(t, m);
  }
  return m;
}

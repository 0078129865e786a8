/**
 * @module tools/docs/type-name
 * A cty type (as type JSON, the shape `terraform providers schema -json` prints) named the way tfplugindocs
 * names it in a schema list: `String`, `List of String`, `Map of Number`, `Object`, `Dynamic`.
 */
import { type Type, typeFromJSONValue } from '../../cty/types';

/** The element type of a list, set or map, or the attribute types of an object; undefined for anything else. */
export function elementType(type: unknown): unknown {
  return Array.isArray(type) && (type[0] === 'list' || type[0] === 'set' || type[0] === 'map') ? type[1] : undefined;
}

export function objectAttributes(type: unknown): Record<string, unknown> | undefined {
  return Array.isArray(type) && type[0] === 'object' && typeof type[1] === 'object' && type[1] !== null ? (type[1] as Record<string, unknown>) : undefined;
}

/** `path` only makes the error say where a type that is not valid type JSON was found. */
export function typeName(type: unknown, path: string): string {
  let t: Type;
  try {
    t = typeFromJSONValue(type);
  } catch {
    throw new Error(`${path}: unknown type ${JSON.stringify(type)}`);
  }
  return docName(t);
}

/** tfplugindocs' names: cty's kinds capitalised, bool as Boolean; object and tuple bare (their parts do not fit a list item). */
function docName(t: Type): string {
  switch (t.kind) {
    case 'bool':
      return 'Boolean';
    case 'list':
    case 'set':
    case 'map':
      return `${capitalise(t.kind)} of ${docName(t.element)}`;
    default:
      return capitalise(t.kind);
  }
}

const capitalise = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/**
 * @module tools/docs/type-name
 * A cty type (as type JSON, the shape `terraform providers schema -json` prints) named the way tfplugindocs
 * names it in a schema list: `String`, `List of String`, `Map of Number`, `Object`, `Dynamic`.
 */

/** The element type of a list, set or map, or the attribute types of an object; undefined for anything else. */
export function elementType(type: unknown): unknown {
  return Array.isArray(type) && (type[0] === 'list' || type[0] === 'set' || type[0] === 'map') ? type[1] : undefined;
}

export function objectAttributes(type: unknown): Record<string, unknown> | undefined {
  return Array.isArray(type) && type[0] === 'object' && typeof type[1] === 'object' && type[1] !== null ? (type[1] as Record<string, unknown>) : undefined;
}

/** `path` only makes the error say where a type this renderer does not know was found. */
export function typeName(type: unknown, path: string): string {
  switch (type) {
    case 'string':
      return 'String';
    case 'number':
      return 'Number';
    case 'bool':
      return 'Boolean';
    case 'dynamic':
      return 'Dynamic';
  }
  if (Array.isArray(type)) {
    const element = elementType(type);
    if (element !== undefined) return `${{ list: 'List', set: 'Set', map: 'Map' }[type[0] as 'list' | 'set' | 'map']} of ${typeName(element, path)}`;
    if (type[0] === 'object') return 'Object';
    // tfplugindocs prints a bare "Tuple" too: the element types do not fit in a list item.
    if (type[0] === 'tuple') return 'Tuple';
  }
  throw new Error(`${path}: unknown type ${JSON.stringify(type)}`);
}

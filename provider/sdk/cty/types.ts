/**
 * @module cty/types
 * Terraform's type system (go-cty): primitives, collections, structural types and the dynamic
 * pseudo-type. Types are plain immutable objects; the generic parameters let the framework derive
 * TypeScript types from a schema declaration (StateOf in framework/schema/schema.ts, on ObjectPlainOf in
 * framework/schema/blocks.ts).
 */

export interface StringType {
  readonly kind: 'string';
}
export interface NumberType {
  readonly kind: 'number';
}
export interface BoolType {
  readonly kind: 'bool';
}
/** The dynamic pseudo-type: a slot whose concrete type travels with the value. */
export interface DynamicType {
  readonly kind: 'dynamic';
}
export interface ListType<E extends Type = Type> {
  readonly kind: 'list';
  readonly element: E;
}
export interface SetType<E extends Type = Type> {
  readonly kind: 'set';
  readonly element: E;
}
export interface MapType<E extends Type = Type> {
  readonly kind: 'map';
  readonly element: E;
}
export interface ObjectType<A extends Readonly<Record<string, Type>> = Readonly<Record<string, Type>>> {
  readonly kind: 'object';
  readonly attributes: A;
  /** Attribute names marked optional; meaningful only in type constraints (function parameters, variables). */
  readonly optional: readonly string[];
}
export interface TupleType<E extends readonly Type[] = readonly Type[]> {
  readonly kind: 'tuple';
  readonly elements: E;
}

export type Type = StringType | NumberType | BoolType | DynamicType | ListType | SetType | MapType | ObjectType | TupleType;

export type PrimitiveType = StringType | NumberType | BoolType;
export type CollectionType = ListType | SetType | MapType;

const freeze = Object.freeze;

export const string: StringType = freeze({ kind: 'string' });
export const number: NumberType = freeze({ kind: 'number' });
export const bool: BoolType = freeze({ kind: 'bool' });
export const dynamic: DynamicType = freeze({ kind: 'dynamic' });

export function list<E extends Type>(element: E): ListType<E> {
  return freeze({ kind: 'list', element });
}
export function set<E extends Type>(element: E): SetType<E> {
  return freeze({ kind: 'set', element });
}
export function map<E extends Type>(element: E): MapType<E> {
  return freeze({ kind: 'map', element });
}
export function object<A extends Readonly<Record<string, Type>>>(attributes: A, optional: readonly string[] = []): ObjectType<A> {
  for (const name of optional) {
    if (!hasOwn(attributes, name)) throw new TypeError(`optional attribute "${name}" is not an attribute of the object type`);
  }
  // A null-prototype copy: an attribute may be called "__proto__" or "constructor".
  const own: Record<string, Type> = Object.create(null);
  for (const name of Object.keys(attributes)) own[name] = attributes[name]!;
  return freeze({ kind: 'object', attributes: freeze(own) as A, optional: freeze([...optional].sort()) });
}
export function tuple<const E extends readonly Type[]>(elements: E): TupleType<E> {
  return freeze({ kind: 'tuple', elements: freeze([...elements]) as unknown as E });
}

/**
 * The object type's attribute names, sorted (the order cty writes them in), computed once per type: values of
 * one schema type are built and encoded on every call, and sorting the names each time showed in profiles.
 */
export function sortedAttributeNames(t: ObjectType): readonly string[] {
  let names = sortedNames.get(t);
  if (!names) {
    names = freeze(Object.keys(t.attributes).sort());
    sortedNames.set(t, names);
  }
  return names;
}
const sortedNames = new WeakMap<ObjectType, readonly string[]>();

/** The empty object type, which is also the type of a block with no attributes. */
export const emptyObject: ObjectType<Record<string, never>> = object({});

function hasOwn(o: object, key: string): boolean {
  return Object.hasOwn(o, key);
}

export function isPrimitive(t: Type): t is PrimitiveType {
  return t.kind === 'string' || t.kind === 'number' || t.kind === 'bool';
}
export function isCollection(t: Type): t is CollectionType {
  return t.kind === 'list' || t.kind === 'set' || t.kind === 'map';
}

/** Structural equality; optional-attribute markers take part, as in cty's Type.Equals. */
export function typeEquals(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'list':
    case 'set':
    case 'map':
      return typeEquals(a.element, (b as CollectionType).element);
    case 'tuple': {
      const be = (b as TupleType).elements;
      return a.elements.length === be.length && a.elements.every((t, i) => typeEquals(t, be[i]!));
    }
    case 'object': {
      const bo = b as ObjectType;
      const an = Object.keys(a.attributes);
      if (an.length !== Object.keys(bo.attributes).length) return false;
      if (a.optional.length !== bo.optional.length || a.optional.some((n, i) => n !== bo.optional[i])) return false;
      return an.every((n) => hasOwn(bo.attributes, n) && typeEquals(a.attributes[n]!, bo.attributes[n]!));
    }
    default:
      return true;
  }
}

/** True when the type contains the dynamic pseudo-type anywhere. */
export function hasDynamic(t: Type): boolean {
  switch (t.kind) {
    case 'dynamic':
      return true;
    case 'list':
    case 'set':
    case 'map':
      return hasDynamic(t.element);
    case 'tuple':
      return t.elements.some(hasDynamic);
    case 'object':
      return Object.values(t.attributes).some(hasDynamic);
    default:
      return false;
  }
}

/** The JSON form Terraform uses in schemas and dynamic wrappers: `"string"`, `["list","number"]`, … */
export type TypeJSON =
  | string
  | [string, TypeJSON]
  | ['object', Record<string, TypeJSON>]
  | ['object', Record<string, TypeJSON>, string[]]
  | ['tuple', TypeJSON[]];

export function typeToJSONValue(t: Type): TypeJSON {
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return t.kind;
    case 'list':
    case 'set':
    case 'map':
      return [t.kind, typeToJSONValue(t.element)];
    case 'tuple':
      return ['tuple', t.elements.map(typeToJSONValue)];
    case 'object': {
      const attrs: Record<string, TypeJSON> = Object.create(null);
      for (const name of Object.keys(t.attributes).sort()) attrs[name] = typeToJSONValue(t.attributes[name]!);
      return t.optional.length > 0 ? ['object', attrs, [...t.optional]] : ['object', attrs];
    }
  }
}

/** Compact JSON text of a type, as Terraform writes it (object attributes sorted). */
export function typeToJSON(t: Type): string {
  return JSON.stringify(typeToJSONValue(t));
}

export class TypeJSONError extends Error {
  readonly code = 'invalid_type_json';
}

export function typeFromJSONValue(j: unknown): Type {
  if (typeof j === 'string') {
    switch (j) {
      case 'string':
        return string;
      case 'number':
        return number;
      case 'bool':
        return bool;
      case 'dynamic':
        return dynamic;
      default:
        throw new TypeJSONError(`invalid primitive type name "${j}"`);
    }
  }
  if (!Array.isArray(j) || j.length < 2 || typeof j[0] !== 'string') throw new TypeJSONError(`invalid type ${JSON.stringify(j)}`);
  const [kind, arg, extra] = j as [string, unknown, unknown];
  switch (kind) {
    case 'list':
    case 'set':
    case 'map':
      if (j.length !== 2) throw new TypeJSONError(`a ${kind} type takes one element type`);
      return kind === 'list' ? list(typeFromJSONValue(arg)) : kind === 'set' ? set(typeFromJSONValue(arg)) : map(typeFromJSONValue(arg));
    case 'tuple':
      if (j.length !== 2 || !Array.isArray(arg)) throw new TypeJSONError('a tuple type takes an array of element types');
      return tuple(arg.map(typeFromJSONValue));
    case 'object': {
      if (j.length > 3 || arg === null || typeof arg !== 'object' || Array.isArray(arg))
        throw new TypeJSONError('an object type takes a map of attribute types');
      const attrs: Record<string, Type> = Object.create(null);
      for (const [name, at] of Object.entries(arg as Record<string, unknown>)) attrs[name] = typeFromJSONValue(at);
      let optional: string[] = [];
      if (extra !== undefined) {
        if (!Array.isArray(extra) || extra.some((n) => typeof n !== 'string' || !hasOwn(attrs, n))) {
          throw new TypeJSONError('optional attributes must name attributes of the object type');
        }
        optional = extra as string[];
      }
      return object(attrs, optional);
    }
    default:
      throw new TypeJSONError(`invalid complex type kind "${kind}"`);
  }
}

export function typeFromJSON(text: string): Type {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TypeJSONError(`type is not JSON: ${text.slice(0, 80)}`);
  }
  return typeFromJSONValue(parsed);
}

/** A human name for messages, in cty's FriendlyName style: "list of string", "object". */
export function friendlyName(t: Type): string {
  switch (t.kind) {
    case 'dynamic':
      return 'dynamic';
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind} of ${friendlyName(t.element)}`;
    default:
      return t.kind;
  }
}

/**
 * @module framework/server/walk
 * Schema-directed walks over values, shared by the RPCs: each visits every attribute instance with its path,
 * recursing into nested attributes and blocks. Paths stop at a set (its elements have no address).
 */
import { type Path, attr as attrStep, index as indexStep, key as keyStep } from '../../cty/path';
import type { ObjectType } from '../../cty/types';
import { Value } from '../../cty/value';
import type { AnyAttribute, NestedAttributeObject } from '../schema/attributes';
import type { AnyBlock, BlockObject } from '../schema/blocks';

export type ObjectSchema = BlockObject | NestedAttributeObject;

export function blocksOf(o: ObjectSchema): Readonly<Record<string, AnyBlock>> {
  return 'blocks' in o ? o.blocks : {};
}

/** The object type of one element of a nested attribute or block. */
export function elementObjectType(type: Value['type'], nesting: string): ObjectType {
  return (nesting === 'single' || nesting === 'group' ? type : (type as { element: ObjectType }).element) as ObjectType;
}

export interface AttributeVisit {
  readonly attribute: AnyAttribute;
  readonly value: Value;
  readonly path: Path;
  /** The object holding the attribute. */
  readonly parent: Value;
}

/** Calls visit for every attribute in a known object value, depth first (parent before its nested values). */
export function forEachAttribute(schema: ObjectSchema, value: Value, path: Path, visit: (v: AttributeVisit) => void): void {
  if (!value.isKnown()) return;
  for (const [name, a] of Object.entries(schema.attributes)) {
    const v = value.attr(name);
    const p = attrStep(path, name);
    visit({ attribute: a, value: v, path: p, parent: value });
    if (a.nested) forEachElement(v, a.nested.nesting, p, (e, ep) => forEachAttribute(a.nested!.object, e, ep, visit));
  }
  for (const [name, b] of Object.entries(blocksOf(schema))) {
    const p = attrStep(path, name);
    forEachElement(value.attr(name), b.nesting, p, (e, ep) => forEachAttribute(b.object, e, ep, visit));
  }
}

/** Calls fn for each object in a nested value (one for single/group, each element otherwise). */
export function forEachElement(v: Value, nesting: string, path: Path, fn: (element: Value, path: Path) => void): void {
  if (!v.isKnown()) return;
  switch (nesting) {
    case 'single':
    case 'group':
      fn(v, path);
      return;
    case 'list':
      v.elements().forEach((e, i) => fn(e, indexStep(path, i)));
      return;
    case 'set':
      v.elements().forEach((e) => fn(e, path));
      return;
    case 'map':
      for (const [k, e] of Object.entries(v.entries())) fn(e, keyStep(path, k));
  }
}

/**
 * Rebuilds a known object, replacing each attribute by what fn returns; recursion into nested values goes
 * through the returned value, so fn sees children after their parent was transformed. `others` are values
 * correlated with the object (configuration, prior state) and are passed down alongside it.
 */
export function mapAttributes(
  schema: ObjectSchema,
  type: ObjectType,
  value: Value,
  others: readonly Value[],
  path: Path,
  fn: (a: AnyAttribute, v: Value, others: readonly Value[], path: Path) => Value,
): Value {
  if (!value.isKnown()) return value;
  const attrs: Record<string, Value> = { ...value.entries() };
  const sub = (o: Value, name: string) => (o.isKnown() && o.type.kind === 'object' ? o.attr(name) : Value.null(type.attributes[name]!));
  for (const [name, a] of Object.entries(schema.attributes)) {
    const p = attrStep(path, name);
    const os = others.map((o) => sub(o, name));
    let v = fn(a, attrs[name]!, os, p);
    if (a.nested) v = mapNested(v, a.nested.nesting, a.nested.object, a.type, os, p, fn);
    attrs[name] = v;
  }
  for (const [name, b] of Object.entries(blocksOf(schema))) {
    const p = attrStep(path, name);
    attrs[name] = mapNested(attrs[name]!, b.nesting, b.object, b.type, others.map((o) => sub(o, name)), p, fn);
  }
  return Value.object(type, attrs);
}

function mapNested(
  v: Value,
  nesting: string,
  schema: ObjectSchema,
  type: Value['type'],
  others: readonly Value[],
  path: Path,
  fn: (a: AnyAttribute, v: Value, others: readonly Value[], path: Path) => Value,
): Value {
  if (!v.isKnown()) return v;
  const objType = elementObjectType(type, nesting);
  switch (nesting) {
    case 'single':
    case 'group':
      return mapAttributes(schema, objType, v, others, path, fn);
    case 'list':
      return Value.list(
        objType,
        v.elements().map((e, i) => mapAttributes(schema, objType, e, others.map((o) => (o.isKnown() ? (o.elements()[i] ?? Value.null(objType)) : Value.null(objType))), indexStep(path, i), fn)),
      );
    case 'set':
      return Value.set(
        objType,
        v.elements().map((e) => mapAttributes(schema, objType, e, others.map((o) => correlateSetElement(schema, e, o, objType)), path, fn)),
      );
    case 'map': {
      const entries: Record<string, Value> = {};
      for (const [k, e] of Object.entries(v.entries())) {
        entries[k] = mapAttributes(schema, objType, e, others.map((o) => (o.isKnown() ? (o.entries()[k] ?? Value.null(objType)) : Value.null(objType))), keyStep(path, k), fn);
      }
      return Value.map(objType, entries);
    }
    default:
      return v;
  }
}

/**
 * Set elements have no key, so a planned element is matched with the element of another set (configuration
 * or prior state) whose non-computed attributes are equal, as Terraform's ProposedNew does.
 */
function correlateSetElement(schema: ObjectSchema, element: Value, other: Value, objType: ObjectType): Value {
  if (!other.isKnown() || !element.isKnown()) return Value.null(objType);
  const configurable = Object.entries(schema.attributes).filter(([, a]) => !a.computed || a.optional);
  const match = other.elements().find((o) => o.isKnown() && configurable.every(([n, a]) => (a.computed ? true : o.attr(n).equals(element.attr(n)))));
  return match ?? Value.null(objType);
}

/** Paths of every unknown inside a value (used to refuse unknowns after apply and in read results). */
export function unknownPaths(v: Value, path: Path = [], out: Path[] = []): Path[] {
  if (v.isUnknown()) {
    out.push(path);
    return out;
  }
  if (!v.isKnown()) return out;
  switch (v.type.kind) {
    case 'list':
    case 'tuple':
      v.elements().forEach((e, i) => unknownPaths(e, indexStep(path, i), out));
      break;
    case 'set':
      v.elements().forEach((e) => unknownPaths(e, path, out));
      break;
    case 'map':
      for (const [k, e] of Object.entries(v.entries())) unknownPaths(e, keyStep(path, k), out);
      break;
    case 'object':
      for (const [k, e] of Object.entries(v.entries())) unknownPaths(e, attrStep(path, k), out);
      break;
    default:
  }
  return out;
}

/** Every unknown replaced by a null of its type (what Terraform does itself, but with our diagnostics first). */
export function unknownsToNull(v: Value): Value {
  if (v.isUnknown()) return Value.null(v.type);
  if (!v.isKnown() || v.isWhollyKnown()) return v;
  switch (v.type.kind) {
    case 'list':
      return Value.list(v.type.element, v.elements().map(unknownsToNull));
    case 'set':
      return Value.set(v.type.element, v.elements().map(unknownsToNull));
    case 'tuple':
      return Value.tupleOf(v.type.elements, v.elements().map(unknownsToNull));
    case 'map': {
      const out: Record<string, Value> = {};
      for (const [k, e] of Object.entries(v.entries())) out[k] = unknownsToNull(e);
      return Value.map(v.type.element, out);
    }
    case 'object': {
      const out: Record<string, Value> = {};
      for (const [k, e] of Object.entries(v.entries())) out[k] = unknownsToNull(e);
      return Value.object(v.type, out);
    }
    default:
      return v;
  }
}

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

/**
 * Calls visit for every attribute in a known object value, depth first (parent before its nested values).
 * Inside a set element the path stays at the set: Terraform cannot follow a path into a set.
 */
export function forEachAttribute(schema: ObjectSchema, value: Value, path: Path, visit: (v: AttributeVisit) => void, inSet = false): void {
  if (!value.isKnown()) return;
  const step = (name: string) => (inSet ? path : attrStep(path, name));
  for (const [name, a] of Object.entries(schema.attributes)) {
    const v = value.attr(name);
    const p = step(name);
    visit({ attribute: a, value: v, path: p, parent: value });
    if (a.nested) forEachElement(v, a.nested.nesting, p, (e, ep, s) => forEachAttribute(a.nested!.object, e, ep, visit, inSet || s), inSet);
  }
  for (const [name, b] of Object.entries(blocksOf(schema))) {
    forEachElement(value.attr(name), b.nesting, step(name), (e, ep, s) => forEachAttribute(b.object, e, ep, visit, inSet || s), inSet);
  }
}

/** Calls fn for each object in a nested value (one for single/group, each element otherwise). */
export function forEachElement(v: Value, nesting: string, path: Path, fn: (element: Value, path: Path, inSet: boolean) => void, frozen = false): void {
  if (!v.isKnown()) return;
  if (frozen) {
    // Already inside a set: every element is addressed by the set's path.
    const all = nesting === 'single' || nesting === 'group' ? [v] : nesting === 'map' ? Object.values(v.entries()) : v.elements();
    for (const e of all) fn(e, path, true);
    return;
  }
  switch (nesting) {
    case 'single':
    case 'group':
      fn(v, path, false);
      return;
    case 'list':
      for (const [i, e] of v.elements().entries()) fn(e, indexStep(path, i), false);
      return;
    case 'set':
      for (const e of v.elements()) fn(e, path, true);
      return;
    case 'map':
      for (const [k, e] of Object.entries(v.entries())) fn(e, keyStep(path, k), false);
  }
}

/** Values correlated with the object being rebuilt: its configuration and its prior state. */
export interface Correlated {
  readonly config?: Value;
  readonly prior?: Value;
}

/** Where fn is called: the path stops at a set (its elements have no address), and says so. */
export interface AttributeSite {
  readonly path: Path;
  /** Inside a set element: `path` is the set's path, not the attribute's. */
  readonly inSet: boolean;
}

export type AttributeMapper = (a: AnyAttribute, v: Value, with_: Correlated, site: AttributeSite) => Value;

/**
 * Rebuilds a known object, replacing each attribute by what fn returns; recursion into nested values goes
 * through the returned value, so fn sees children after their parent was transformed. The configuration and
 * prior state are walked alongside: by index in lists, by key in maps, and by matching in sets (see pairSet).
 */
export function mapAttributes(schema: ObjectSchema, type: ObjectType, value: Value, with_: Correlated, path: Path, fn: AttributeMapper, inSet = false): Value {
  if (!value.isKnown()) return value;
  const before = value.entries();
  // Copied only once something changes: most walks of a plan leave most objects as they are, and then the
  // same (immutable) value is returned instead of an equal new one.
  let attrs: Record<string, Value> | undefined;
  const put = (name: string, v: Value) => {
    if (v === before[name]) return;
    attrs ??= { ...before };
    attrs[name] = v;
  };
  const sub = (name: string): Correlated => ({ config: child(with_.config, name, type), prior: child(with_.prior, name, type) });
  for (const [name, a] of Object.entries(schema.attributes)) {
    const site = { path: inSet ? path : attrStep(path, name), inSet };
    const w = sub(name);
    let v = fn(a, before[name]!, w, site);
    if (a.nested) v = mapNested(v, a.nested.nesting, a.nested.object, a.type, w, site, fn);
    put(name, v);
  }
  for (const [name, b] of Object.entries(blocksOf(schema))) {
    const site = { path: inSet ? path : attrStep(path, name), inSet };
    put(name, mapNested(before[name]!, b.nesting, b.object, b.type, sub(name), site, fn));
  }
  return attrs ? Value.object(type, attrs) : value;
}

function child(v: Value | undefined, name: string, type: ObjectType): Value | undefined {
  if (v === undefined) return undefined;
  return v.isKnown() && v.type.kind === 'object' ? v.attr(name) : Value.null(type.attributes[name]!);
}

function mapNested(v: Value, nesting: string, schema: ObjectSchema, type: Value['type'], with_: Correlated, site: AttributeSite, fn: AttributeMapper): Value {
  if (!v.isKnown()) return v;
  const objType = elementObjectType(type, nesting);
  const { path, inSet } = site;
  const at = (o: Value | undefined, pick: (o: Value) => Value | undefined): Value | undefined =>
    o === undefined ? undefined : o.isKnown() ? (pick(o) ?? Value.null(objType)) : Value.null(objType);
  switch (nesting) {
    case 'single':
    case 'group':
      return mapAttributes(schema, objType, v, with_, path, fn, inSet);
    case 'list':
      return Value.list(
        objType,
        v
          .elements()
          .map((e, i) =>
            mapAttributes(
              schema,
              objType,
              e,
              { config: at(with_.config, (o) => o.elements()[i]), prior: at(with_.prior, (o) => o.elements()[i]) },
              inSet ? path : indexStep(path, i),
              fn,
              inSet,
            ),
          ),
      );
    case 'set': {
      const pairs = pairSet(schema, v, with_);
      return Value.set(
        objType,
        v.elements().map((e, i) => mapAttributes(schema, objType, e, pairs[i]!, path, fn, true)),
      );
    }
    case 'map': {
      const entries: Record<string, Value> = {};
      for (const [k, e] of Object.entries(v.entries())) {
        entries[k] = mapAttributes(
          schema,
          objType,
          e,
          { config: at(with_.config, (o) => o.entries()[k]), prior: at(with_.prior, (o) => o.entries()[k]) },
          inSet ? path : keyStep(path, k),
          fn,
          inSet,
        );
      }
      return Value.map(objType, entries);
    }
    default:
      return v;
  }
}

/**
 * Set elements have no key, so each planned element is paired, one to one, with the configuration element it
 * came from and the prior element that one came from, as Terraform's ProposedNew pairs them:
 * - configuration: every attribute equal, except computed ones the configuration leaves null (the plan may
 *   have filled those), blocks compared the same way;
 * - prior state: equal to the configuration element once computed attributes are nulled in both.
 */
function pairSet(schema: ObjectSchema, planned: Value, with_: Correlated): Correlated[] {
  const elements = planned.elements();
  const configs = with_.config?.isKnown() ? [...with_.config.elements()] : [];
  const priors = with_.prior?.isKnown() ? [...with_.prior.elements()] : [];
  const priorCmp = priors.map((e) => nullComputed(schema, e));
  const usedConfig = new Set<number>();
  const usedPrior = new Set<number>();
  return elements.map((e) => {
    const ci = configs.findIndex((c, i) => !usedConfig.has(i) && matchesConfig(schema, e, c));
    if (ci < 0) return { config: with_.config && Value.null(e.type), prior: with_.prior && Value.null(e.type) };
    usedConfig.add(ci);
    const cmp = nullComputed(schema, configs[ci]!);
    const pi = priorCmp.findIndex((p, i) => !usedPrior.has(i) && p.equals(cmp));
    if (pi >= 0) usedPrior.add(pi);
    return { config: with_.config && configs[ci], prior: with_.prior && (pi >= 0 ? priors[pi] : Value.null(e.type)) };
  });
}

function matchesConfig(schema: ObjectSchema, planned: Value, config: Value): boolean {
  if (!planned.isKnown() || !config.isKnown()) return planned.equals(config);
  for (const [name, a] of Object.entries(schema.attributes)) {
    const c = config.attr(name);
    if (a.computed && c.isNull()) continue;
    if (!planned.attr(name).equals(c)) return false;
  }
  for (const [name, b] of Object.entries(blocksOf(schema))) {
    const p = planned.attr(name);
    const c = config.attr(name);
    if (!p.isKnown() || !c.isKnown()) {
      if (!p.equals(c)) return false;
      continue;
    }
    switch (b.nesting) {
      case 'single':
      case 'group':
        if (!matchesConfig(b.object, p, c)) return false;
        break;
      case 'list': {
        const pe = p.elements();
        const ce = c.elements();
        if (pe.length !== ce.length || pe.some((e, i) => !matchesConfig(b.object, e, ce[i]!))) return false;
        break;
      }
      case 'map': {
        const pe = p.entries();
        const ce = c.entries();
        if (
          Object.keys(pe).length !== Object.keys(ce).length ||
          Object.entries(pe).some(([k, e]) => ce[k] === undefined || !matchesConfig(b.object, e, ce[k]!))
        )
          return false;
        break;
      }
      case 'set': {
        const used = new Set<number>();
        const ce = c.elements();
        if (p.length() !== ce.length) return false;
        for (const e of p.elements()) {
          const i = ce.findIndex((x, j) => !used.has(j) && matchesConfig(b.object, e, x));
          if (i < 0) return false;
          used.add(i);
        }
      }
    }
  }
  return true;
}

/** The object with every computed attribute null, at every depth (Terraform's setElementComputedAsNull). */
function nullComputed(schema: ObjectSchema, v: Value): Value {
  if (!v.isKnown() || v.type.kind !== 'object') return v;
  return mapAttributes(schema, v.type, v, {}, [], (a, x) => (a.computed ? Value.null(a.type) : x));
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
      for (const [i, e] of v.elements().entries()) unknownPaths(e, indexStep(path, i), out);
      break;
    case 'set':
      for (const e of v.elements()) unknownPaths(e, path, out);
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

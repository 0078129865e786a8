/**
 * @module framework/schema/convert
 * Between cty Values and the plain JS objects resource authors work with. Conversion is driven by the
 * schema (blocks, exact numbers) and the cty type, never guessed from the JS value. Nothing is rounded: a
 * number a JS number cannot hold exactly is an error at its path, not a silently different value.
 */
import { isExactInJS, numberToJS } from '../../cty/number';
import { type Path, PathError, attr as attrStep, index as indexStep, key as keyStep } from '../../cty/path';
import type * as T from '../../cty/types';
import type { ObjectType, Type } from '../../cty/types';
import { Value } from '../../cty/value';
import type { AnyAttribute, NestedAttributeObject } from './attributes';
import type { AnyBlock, BlockObject } from './blocks';

/** Stands for a value not known until apply, in plain configuration and plan objects. */
export const Unknown: unique symbol = Symbol('unknown value');
export type Unknown = typeof Unknown;

export function isUnknown(v: unknown): v is Unknown {
  return v === Unknown;
}

/** Plain forms where any value may still be unknown (configuration during validate and plan, plans). */
export type MaybeUnknown<P> = P extends Value
  ? P | Unknown
  : P extends (infer E)[]
    ? MaybeUnknown<E>[] | Unknown
    : P extends object
      ? { [K in keyof P]: MaybeUnknown<P[K]> } | Unknown
      : P | Unknown;

export interface ToPlainOptions {
  /** Unknowns become `Unknown`; without this an unknown is an error (state is always known). */
  allowUnknown?: boolean;
}

type AnyObjectSchema = BlockObject | NestedAttributeObject;

function blocksOf(o: AnyObjectSchema): Readonly<Record<string, AnyBlock>> {
  return 'blocks' in o ? o.blocks : {};
}

// ---- Value → plain ------------------------------------------------------------------------------------------

/** A number a JS number cannot hold exactly, where the attribute hands out JS numbers. */
export class InexactNumberError extends PathError {
  constructor(
    path: Path,
    readonly number: string,
  ) {
    super(path, `the number ${number} cannot be held exactly by a JavaScript number (declare the attribute with exactNumberAttr)`);
  }
}

export function valueToPlain(v: Value, t: Type, opts: ToPlainOptions = {}, path: Path = [], exact = false): unknown {
  if (v.isUnknown()) {
    if (opts.allowUnknown) return Unknown;
    throw new PathError(path, 'value is unknown where a known value is required');
  }
  if (v.isNull()) return null;
  if (t.kind === 'dynamic') return v;
  switch (t.kind) {
    case 'string':
      return v.asString();
    case 'bool':
      return v.asBool();
    case 'number': {
      const n = v.asNumber();
      if (exact) return n;
      if (!isExactInJS(n)) throw new InexactNumberError(path, n);
      return numberToJS(n);
    }
    case 'list':
    case 'set':
      return v.elements().map((e, i) => valueToPlain(e, t.element, opts, indexStep(path, i)));
    case 'tuple':
      return v.elements().map((e, i) => valueToPlain(e, t.elements[i]!, opts, indexStep(path, i)));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v.entries())) out[k] = valueToPlain(e, t.element, opts, keyStep(path, k));
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, at] of Object.entries(t.attributes)) out[k] = valueToPlain(v.attr(k), at, opts, attrStep(path, k));
      return out;
    }
  }
}

/** An object of a schema (block or nested-attribute object) to plain; block collections come out never null. */
export function objectToPlain(v: Value, schema: AnyObjectSchema, opts: ToPlainOptions = {}, path: Path = []): Record<string, unknown> | Unknown | null {
  if (v.isUnknown()) {
    if (opts.allowUnknown) return Unknown;
    throw new PathError(path, 'value is unknown where a known value is required');
  }
  if (v.isNull()) return null;
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(schema.attributes)) out[name] = attributeToPlain(v.attr(name), a, opts, attrStep(path, name));
  for (const [name, b] of Object.entries(blocksOf(schema))) out[name] = blockToPlain(v.attr(name), b, opts, attrStep(path, name));
  return out;
}

export function attributeToPlain(v: Value, a: AnyAttribute, opts: ToPlainOptions, path: Path): unknown {
  if (!a.nested) return valueToPlain(v, a.type, opts, path, a.exact ?? false);
  return nestedToPlain(v, a.nested.nesting, a.nested.object, opts, path, false);
}

export function blockToPlain(v: Value, b: AnyBlock, opts: ToPlainOptions, path: Path): unknown {
  return nestedToPlain(v, b.nesting === 'group' ? 'single' : b.nesting, b.object, opts, path, b.nesting !== 'single');
}

function nestedToPlain(
  v: Value,
  nesting: 'single' | 'list' | 'set' | 'map',
  schema: AnyObjectSchema,
  opts: ToPlainOptions,
  path: Path,
  neverNull: boolean,
): unknown {
  if (v.isUnknown()) {
    if (opts.allowUnknown) return Unknown;
    throw new PathError(path, 'value is unknown where a known value is required');
  }
  if (v.isNull()) return neverNull ? (nesting === 'map' ? {} : nesting === 'single' ? null : []) : null;
  switch (nesting) {
    case 'single':
      return objectToPlain(v, schema, opts, path);
    case 'list':
    case 'set':
      return v.elements().map((e, i) => objectToPlain(e, schema, opts, indexStep(path, i)));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v.entries())) out[k] = objectToPlain(e, schema, opts, keyStep(path, k));
      return out;
    }
  }
}

// ---- plain → Value ------------------------------------------------------------------------------------------

export function plainToValue(p: unknown, t: Type, exact = false, path: Path = []): Value {
  if (p === Unknown) return Value.unknown(t);
  if (p instanceof Value) return p;
  if (p === null || p === undefined) return Value.null(t);
  const fail = (what: string): never => {
    throw new PathError(path, `${what} required, got ${describeJS(p)}`);
  };
  switch (t.kind) {
    case 'dynamic':
      return fail('a cty Value (dynamic attribute)');
    case 'string':
      return typeof p === 'string' ? Value.string(p) : fail('a string');
    case 'bool':
      return typeof p === 'boolean' ? Value.bool(p) : fail('a bool');
    case 'number':
      if (typeof p === 'number' || typeof p === 'bigint') return Value.number(p);
      if (typeof p === 'string' && exact) {
        try {
          return Value.number(p);
        } catch (err) {
          throw PathError.at(path, err);
        }
      }
      return fail(exact ? 'a number or decimal text' : 'a number');
    case 'list':
    case 'set': {
      if (!Array.isArray(p)) return fail(`a ${t.kind} (array)`);
      const items = p.map((e, i) => plainToValue(e, t.element, false, indexStep(path, i)));
      return t.kind === 'list' ? Value.list(t.element, items) : Value.set(t.element, items);
    }
    case 'tuple': {
      if (!Array.isArray(p) || p.length !== t.elements.length) return fail(`a tuple of ${t.elements.length} elements`);
      return Value.tupleOf(
        t.elements,
        p.map((e, i) => plainToValue(e, t.elements[i]!, false, indexStep(path, i))),
      );
    }
    case 'map': {
      if (typeof p !== 'object' || Array.isArray(p)) return fail('a map (object)');
      const entries: Record<string, Value> = {};
      for (const [k, e] of Object.entries(p as Record<string, unknown>)) entries[k] = plainToValue(e, t.element, false, keyStep(path, k));
      return Value.map(t.element, entries);
    }
    case 'object': {
      if (typeof p !== 'object' || Array.isArray(p)) return fail('an object');
      return plainObjectOfType(p as Record<string, unknown>, t, path);
    }
  }
}

function plainObjectOfType(p: Record<string, unknown>, t: ObjectType, path: Path): Value {
  for (const k of Object.keys(p)) if (!(k in t.attributes)) throw new PathError(attrStep(path, k), 'unsupported attribute');
  const attrs: Record<string, Value> = {};
  for (const [k, at] of Object.entries(t.attributes)) attrs[k] = plainToValue(p[k], at, false, attrStep(path, k));
  return Value.object(t, attrs);
}

/** A plain object of a schema to a Value; absent keys are null (block collections empty). */
export function plainToObject(p: unknown, schema: AnyObjectSchema, type: ObjectType, path: Path = []): Value {
  if (p === Unknown) return Value.unknown(type);
  if (p instanceof Value) return p;
  if (p === null || p === undefined) return Value.null(type);
  if (typeof p !== 'object' || Array.isArray(p)) throw new PathError(path, `an object required, got ${describeJS(p)}`);
  const rec = p as Record<string, unknown>;
  const blocks = blocksOf(schema);
  for (const k of Object.keys(rec)) if (!(k in schema.attributes) && !(k in blocks)) throw new PathError(attrStep(path, k), 'unsupported attribute');
  const attrs: Record<string, Value> = {};
  for (const [name, a] of Object.entries(schema.attributes)) attrs[name] = plainToAttribute(rec[name], a, attrStep(path, name));
  for (const [name, b] of Object.entries(blocks)) attrs[name] = plainToBlock(rec[name], b, attrStep(path, name));
  return Value.object(type, attrs);
}

export function plainToAttribute(p: unknown, a: AnyAttribute, path: Path): Value {
  if (!a.nested) return plainToValue(p, a.type, a.exact ?? false, path);
  return plainToNested(p, a.nested.nesting, a.nested.object, a.type, path, false);
}

export function plainToBlock(p: unknown, b: AnyBlock, path: Path): Value {
  if (b.nesting === 'group' && (p === null || p === undefined)) return plainToObject({}, b.object, b.objectType, path);
  return plainToNested(p, b.nesting === 'group' ? 'single' : b.nesting, b.object, b.type, path, b.nesting !== 'single');
}

function plainToNested(p: unknown, nesting: 'single' | 'list' | 'set' | 'map', schema: AnyObjectSchema, type: Type, path: Path, neverNull: boolean): Value {
  if (p === Unknown) return Value.unknown(type);
  if (p instanceof Value) return p;
  const objType = (nesting === 'single' ? type : (type as T.CollectionType).element) as ObjectType;
  if (p === null || p === undefined) {
    if (!neverNull) return Value.null(type);
    if (nesting === 'map') return Value.map(objType, {});
    return nesting === 'list' ? Value.list(objType, []) : Value.set(objType, []);
  }
  switch (nesting) {
    case 'single':
      return plainToObject(p, schema, objType, path);
    case 'list':
    case 'set': {
      if (!Array.isArray(p)) throw new PathError(path, `a ${nesting} (array) required, got ${describeJS(p)}`);
      const items = p.map((e, i) => plainToObject(e, schema, objType, indexStep(path, i)));
      return nesting === 'list' ? Value.list(objType, items) : Value.set(objType, items);
    }
    case 'map': {
      if (typeof p !== 'object' || Array.isArray(p)) throw new PathError(path, `a map (object) required, got ${describeJS(p)}`);
      const entries: Record<string, Value> = {};
      for (const [k, e] of Object.entries(p as Record<string, unknown>)) entries[k] = plainToObject(e, schema, objType, keyStep(path, k));
      return Value.map(objType, entries);
    }
  }
}

function describeJS(p: unknown): string {
  if (Array.isArray(p)) return 'an array';
  if (p === null) return 'null';
  return `a JS ${typeof p}`;
}

/**
 * @module cty/value
 * Values as go-cty has them: each value has a type and is known, null or unknown. Only an unknown carries
 * refinements (what is already known about the value to come: not null, a string prefix, number or length
 * bounds). Values are immutable. A value in a dynamically typed slot has its concrete type; only a null or an
 * unknown can have the dynamic type itself.
 */
import { NEG_INF, POS_INF, compareNumbers, canonicalNumber, numberFromBigInt, numberFromJS } from './number';
import {
  type ObjectType,
  type Type,
  bool as boolType,
  dynamic as dynamicType,
  friendlyName,
  list as listType,
  map as mapType,
  number as numberType,
  object as objectType,
  set as setType,
  sortedAttributeNames,
  string as stringType,
  tuple as tupleType,
  typeEquals,
} from './types';

export interface NumberBound {
  /** Canonical decimal text (see cty/number). */
  readonly value: string;
  readonly inclusive: boolean;
}

/** What is known about an unknown value (cty's unknown_refinement.go). All fields optional. */
export interface Refinement {
  /** true: the final value is definitely not null. */
  readonly notNull?: boolean;
  /** Strings: the final value starts with this (at most 256 bytes on the wire). */
  readonly stringPrefix?: string;
  readonly numberLower?: NumberBound;
  readonly numberUpper?: NumberBound;
  /** Collections: bounds on the number of elements, inclusive. */
  readonly lengthLower?: number;
  readonly lengthUpper?: number;
}

export type ValueState = 'known' | 'null' | 'unknown';

type Payload = string | boolean | readonly Value[] | Readonly<Record<string, Value>> | undefined;

export class Value {
  private constructor(
    readonly type: Type,
    readonly state: ValueState,
    private readonly payload: Payload,
    readonly refinement?: Refinement,
  ) {
    Object.freeze(this);
  }

  // ---- constructors -------------------------------------------------------------------------------------

  static null(type: Type): Value {
    return new Value(type, 'null', undefined);
  }

  static unknown(type: Type, refinement?: Refinement): Value {
    const r =
      refinement && Object.keys(refinement).some((k) => (refinement as Record<string, unknown>)[k] !== undefined)
        ? Object.freeze({ ...refinement })
        : undefined;
    return new Value(type, 'unknown', undefined, r);
  }

  static string(s: string): Value {
    // Terraform normalises strings to NFC (cty.StringVal does too), so equal text compares equal.
    return new Value(stringType, 'known', s.normalize('NFC'));
  }

  /** A number from canonical or non-canonical decimal text, a JS number or a bigint. */
  static number(n: string | number | bigint): Value {
    const text = typeof n === 'string' ? canonicalNumber(n) : typeof n === 'bigint' ? numberFromBigInt(n) : numberFromJS(n);
    return new Value(numberType, 'known', text);
  }

  static bool(b: boolean): Value {
    return new Value(boolType, 'known', b);
  }

  static list(element: Type, items: readonly Value[]): Value {
    return new Value(listType(element), 'known', Object.freeze([...items]));
  }

  /** A set: known elements equal to an earlier one are dropped, as cty does. */
  static set(element: Type, items: readonly Value[]): Value {
    const out: Value[] = [];
    for (const item of items) {
      if (item.isWhollyKnown() && out.some((o) => o.equals(item))) continue;
      out.push(item);
    }
    return new Value(setType(element), 'known', Object.freeze(out));
  }

  static map(element: Type, entries: Readonly<Record<string, Value>>): Value {
    return new Value(mapType(element), 'known', freezeRecord(entries));
  }

  /**
   * An object of the given type. Every attribute of the type must be present: Terraform refuses an object with
   * missing or extra attributes.
   */
  static object(type: ObjectType, attributes: Readonly<Record<string, Value>>): Value {
    // Not `in`: a plain object finds "constructor" or "toString" on its prototype, and those are never Values.
    // The copy is built in the type's sorted order, as freezeRecord would, without sorting per value.
    const names = sortedAttributeNames(type);
    const out: Record<string, Value> = Object.create(null);
    for (const name of names) {
      const v = attributes[name];
      if (!(v instanceof Value)) throw new TypeError(`object value lacks attribute "${name}"`);
      out[name] = v;
    }
    // Every attribute of the type is present, so an equal count means there is nothing else.
    if (Object.keys(attributes).length !== names.length) {
      const extra = Object.keys(attributes).find((n) => !Object.hasOwn(type.attributes, n));
      throw new TypeError(`object value has unexpected attribute "${extra}"`);
    }
    return new Value(type, 'known', Object.freeze(out));
  }

  /** An object whose type is inferred from its attribute values. */
  static objectOf(attributes: Readonly<Record<string, Value>>): Value {
    const types: Record<string, Type> = {};
    for (const [k, v] of Object.entries(attributes)) types[k] = v.type;
    return Value.object(objectType(types), attributes);
  }

  static tuple(items: readonly Value[]): Value {
    return new Value(tupleType(items.map((i) => i.type)), 'known', Object.freeze([...items]));
  }

  /** A tuple with declared element types (e.g. a tuple holding unknowns of dynamic type). */
  static tupleOf(types: readonly Type[], items: readonly Value[]): Value {
    if (types.length !== items.length) throw new TypeError(`tuple of ${types.length} elements given ${items.length} values`);
    return new Value(tupleType(types), 'known', Object.freeze([...items]));
  }

  // ---- state ----------------------------------------------------------------------------------------------

  isNull(): boolean {
    return this.state === 'null';
  }
  isUnknown(): boolean {
    return this.state === 'unknown';
  }
  isKnown(): boolean {
    return this.state === 'known';
  }

  /** Known all the way down: no unknown at any depth (nulls are fine). */
  isWhollyKnown(): boolean {
    if (this.state === 'unknown') return false;
    if (this.state === 'null') return true;
    const p = this.payload;
    if (Array.isArray(p)) return (p as Value[]).every((v) => v.isWhollyKnown());
    if (p !== null && typeof p === 'object') return Object.values(p as Record<string, Value>).every((v) => v.isWhollyKnown());
    return true;
  }

  // ---- access ---------------------------------------------------------------------------------------------

  private expectKnown(kind: string): void {
    if (this.state !== 'known') throw new TypeError(`${this.state} value used as a known ${kind}`);
  }

  asString(): string {
    this.expectKnown('string');
    if (this.type.kind !== 'string') throw new TypeError(`${friendlyName(this.type)} value used as a string`);
    return this.payload as string;
  }

  /** Canonical decimal text (see cty/number). */
  asNumber(): string {
    this.expectKnown('number');
    if (this.type.kind !== 'number') throw new TypeError(`${friendlyName(this.type)} value used as a number`);
    return this.payload as string;
  }

  asBool(): boolean {
    this.expectKnown('bool');
    if (this.type.kind !== 'bool') throw new TypeError(`${friendlyName(this.type)} value used as a bool`);
    return this.payload as boolean;
  }

  /** Elements of a list, set or tuple. */
  elements(): readonly Value[] {
    this.expectKnown('sequence');
    const k = this.type.kind;
    if (k !== 'list' && k !== 'set' && k !== 'tuple') throw new TypeError(`${friendlyName(this.type)} value has no elements`);
    return this.payload as readonly Value[];
  }

  /** Entries of a map, or attributes of an object. */
  entries(): Readonly<Record<string, Value>> {
    this.expectKnown('mapping');
    const k = this.type.kind;
    if (k !== 'map' && k !== 'object') throw new TypeError(`${friendlyName(this.type)} value has no entries`);
    return this.payload as Readonly<Record<string, Value>>;
  }

  /** One attribute of a known object. */
  attr(name: string): Value {
    if (this.type.kind !== 'object') throw new TypeError(`${friendlyName(this.type)} value has no attribute "${name}"`);
    const v = this.entries()[name];
    if (v === undefined) throw new TypeError(`object has no attribute "${name}"`);
    return v;
  }

  /** Number of elements or entries of a known collection or structure. */
  length(): number {
    const p = this.payload;
    this.expectKnown('collection');
    if (Array.isArray(p)) return p.length;
    if (p !== null && typeof p === 'object') return Object.keys(p).length;
    throw new TypeError(`${friendlyName(this.type)} value has no length`);
  }

  // ---- comparison -----------------------------------------------------------------------------------------

  /**
   * Exact equality: same state, same type, same refinements for unknowns, same contents (sets compare
   * without regard to order). This is "the same value", not Terraform's `==` operator.
   */
  equals(other: Value): boolean {
    if (this === other) return true;
    if (this.state !== other.state || !typeEquals(this.type, other.type)) return false;
    if (this.state === 'null') return true;
    if (this.state === 'unknown') return refinementEquals(this.refinement, other.refinement);
    const a = this.payload;
    const b = other.payload;
    if (this.type.kind === 'number') return compareNumbers(a as string, b as string) === 0;
    if (Array.isArray(a)) {
      const av = a as readonly Value[];
      const bv = b as readonly Value[];
      if (av.length !== bv.length) return false;
      if (this.type.kind === 'set') return setContentsEqual(av, bv);
      return av.every((v, i) => v.equals(bv[i]!));
    }
    if (a !== null && typeof a === 'object') {
      const ar = a as Readonly<Record<string, Value>>;
      const br = b as Readonly<Record<string, Value>>;
      const ak = Object.keys(ar);
      if (ak.length !== Object.keys(br).length) return false;
      return ak.every((k) => br[k] !== undefined && ar[k]!.equals(br[k]!));
    }
    return a === b;
  }

  /** A short description for messages and test output, never the whole of a large value. */
  toString(): string {
    return describe(this, 3);
  }
}

function freezeRecord(entries: Readonly<Record<string, Value>>): Readonly<Record<string, Value>> {
  const out: Record<string, Value> = Object.create(null);
  for (const k of Object.keys(entries).sort()) out[k] = entries[k]!;
  return Object.freeze(out);
}

function setContentsEqual(a: readonly Value[], b: readonly Value[]): boolean {
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((x) => {
    const i = b.findIndex((y, j) => !used[j] && x.equals(y));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

/**
 * Same information, field by field. A field that says nothing equals its absence, as in cty (which cannot
 * even hold such fields, so they do not survive the wire): notNull false, an empty prefix, a lower length of
 * 0, a lower bound of -Infinity or an upper bound of +Infinity.
 */
export function refinementEquals(a: Refinement | undefined, b: Refinement | undefined): boolean {
  if (a === b) return true;
  const x = a ?? {};
  const y = b ?? {};
  return (
    (x.notNull ?? false) === (y.notNull ?? false) &&
    (x.stringPrefix ?? '') === (y.stringPrefix ?? '') &&
    boundEquals(boundOrNone(x.numberLower, NEG_INF), boundOrNone(y.numberLower, NEG_INF)) &&
    boundEquals(boundOrNone(x.numberUpper, POS_INF), boundOrNone(y.numberUpper, POS_INF)) &&
    (x.lengthLower ?? 0) === (y.lengthLower ?? 0) &&
    x.lengthUpper === y.lengthUpper
  );
}

function boundOrNone(b: NumberBound | undefined, infiniteEnd: string): NumberBound | undefined {
  return b && b.value !== infiniteEnd ? b : undefined;
}

function boundEquals(a?: NumberBound, b?: NumberBound): boolean {
  if (!a || !b) return a === b;
  return a.inclusive === b.inclusive && compareNumbers(a.value, b.value) === 0;
}

function describe(v: Value, depth: number): string {
  if (v.isNull()) return `null(${friendlyName(v.type)})`;
  if (v.isUnknown()) return v.refinement ? `unknown(${friendlyName(v.type)}, ${JSON.stringify(v.refinement)})` : `unknown(${friendlyName(v.type)})`;
  switch (v.type.kind) {
    case 'string':
      return JSON.stringify(v.asString());
    case 'number':
      return v.asNumber();
    case 'bool':
      return String(v.asBool());
    case 'list':
    case 'set':
    case 'tuple': {
      if (depth === 0) return `${v.type.kind}(…)`;
      const inner = v
        .elements()
        .map((e) => describe(e, depth - 1))
        .join(', ');
      return v.type.kind === 'set' ? `set{${inner}}` : `[${inner}]`;
    }
    default: {
      if (depth === 0) return `${v.type.kind}(…)`;
      const inner = Object.entries(v.entries())
        .map(([k, e]) => `${k}: ${describe(e, depth - 1)}`)
        .join(', ');
      return `{${inner}}`;
    }
  }
}

/** Does v fit type t (with dynamic accepting anything)? Returns the path of the first mismatch, or null. */
export function conformanceError(v: Value, t: Type, path = ''): string | null {
  if (t.kind === 'dynamic') return null;
  if (v.type.kind === 'dynamic' && (v.isNull() || v.isUnknown())) return null;
  if (v.type.kind !== t.kind) return `${path || 'value'}: ${friendlyName(t)} required, got ${friendlyName(v.type)}`;
  if (!v.isKnown()) return null;
  switch (t.kind) {
    case 'list':
    case 'set': {
      for (const [i, e] of v.elements().entries()) {
        const err = conformanceError(e, t.element, `${path}[${i}]`);
        if (err) return err;
      }
      return null;
    }
    case 'map': {
      for (const [k, e] of Object.entries(v.entries())) {
        const err = conformanceError(e, t.element, `${path}[${JSON.stringify(k)}]`);
        if (err) return err;
      }
      return null;
    }
    case 'tuple': {
      const els = v.elements();
      if (els.length !== t.elements.length) return `${path || 'value'}: tuple of ${t.elements.length} elements required, got ${els.length}`;
      for (const [i, e] of els.entries()) {
        const err = conformanceError(e, t.elements[i]!, `${path}[${i}]`);
        if (err) return err;
      }
      return null;
    }
    case 'object': {
      const attrs = v.entries();
      for (const name of Object.keys(t.attributes)) {
        if (!(name in attrs)) return `${path}.${name}: attribute missing`;
        const err = conformanceError(attrs[name]!, t.attributes[name]!, `${path}.${name}`);
        if (err) return err;
      }
      for (const name of Object.keys(attrs)) if (!Object.hasOwn(t.attributes, name)) return `${path}.${name}: unsupported attribute`;
      return null;
    }
    default:
      return null;
  }
}

export const DynamicNull = Value.null(dynamicType);

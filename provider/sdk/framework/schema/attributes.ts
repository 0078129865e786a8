/**
 * @module framework/schema/attributes
 * Attributes are declared as data: one constructor per kind, options naming the behaviour. The generic
 * parameters carry what TypeScript needs to derive a state type from the declaration (StateOf, schema.ts):
 * the plain JS type, whether the attribute is required (so never null in state), and whether it uses
 * resource-only powers (plan modifiers, defaults, write-only), which a data source schema refuses.
 */
import * as T from '../../cty/types';
import type { Type } from '../../cty/types';
import type { Value } from '../../cty/value';
import type { PlanModifier } from '../plan-modifiers/plan-modifier';
import type { Validator } from '../validators/validator';
import type { Block, ObjectPlainOf } from './blocks';
import { plainToValue } from './convert';

/** Where an attribute may be used: 'resource' when it has plan behaviour only managed resources have. */
export type SchemaKind = 'any' | 'resource';

/** No members: the type of an empty attribute or block map (`{}` would also admit any non-null value). */
export type NoMembers = Record<never, never>;

export interface AttributeOptions {
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  /** Shown as (sensitive value) in plans and marked in state; the value itself is still stored. */
  sensitive?: boolean;
  /** Deprecation message; setting the attribute warns with it. */
  deprecated?: string;
  /** Plain-text description (docs and `terraform providers schema -json`). */
  description?: string;
  /** Markdown description; sent instead of the plain one when given. */
  markdownDescription?: string;
  validators?: readonly Validator[];
}

export interface ResourceAttributeOptions<P> extends AttributeOptions {
  planModifiers?: readonly PlanModifier[];
  /** Planned when the configuration leaves the attribute null; needs optional + computed. */
  default?: P;
  /**
   * Terraform 1.11 write-only argument: read from the configuration, never stored in plan or state. It can
   * receive ephemeral values. Changes are invisible to diffing: pair it with a version attribute.
   */
  writeOnly?: boolean;
}

export type NestingMode = 'single' | 'list' | 'set' | 'map';

/** The object inside a nested attribute: attributes only (blocks cannot nest inside attributes). */
export interface NestedAttributeObject {
  readonly attributes: Readonly<Record<string, AnyAttribute>>;
}

export interface Attribute<P = unknown, R extends boolean = boolean, K extends SchemaKind = SchemaKind> {
  readonly kind: 'attribute';
  /** The cty type of the attribute's value (for nested attributes, the implied type of the nesting). */
  readonly type: Type;
  readonly nested?: { readonly nesting: NestingMode; readonly object: NestedAttributeObject };
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly sensitive: boolean;
  readonly writeOnly: boolean;
  readonly deprecated?: string;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly validators: readonly Validator[];
  readonly planModifiers: readonly PlanModifier[];
  readonly default?: Value;
  /** Numbers kept as exact decimal text in plain form instead of JS numbers. */
  readonly exact?: boolean;
  /** Type-level only: the plain value type. */
  readonly __plain?: P;
  readonly __required?: R;
  readonly __kind?: K;
}

// biome-ignore lint/suspicious/noExplicitAny: an attribute of any plain type (Attribute<unknown> would not accept them all)
export type AnyAttribute = Attribute<any, boolean, SchemaKind>;

// A write-only attribute is null in every plan and state, even when the configuration requires it.
type RequiredOf<O> = O extends { required: true } ? (O extends { writeOnly: true } ? false : true) : false;
type KindOf<O> = O extends { planModifiers: readonly unknown[] }
  ? 'resource'
  : O extends { default: unknown }
    ? 'resource'
    : O extends { writeOnly: true }
      ? 'resource'
      : 'any';

type Options<P> = ResourceAttributeOptions<P>;

function build<P, O extends Options<P>>(type: Type, o: O, extra: Partial<Attribute> = {}): Attribute<P, RequiredOf<O>, KindOf<O>> {
  return Object.freeze({
    kind: 'attribute' as const,
    type,
    required: o.required ?? false,
    optional: o.optional ?? false,
    computed: o.computed ?? false,
    sensitive: o.sensitive ?? false,
    writeOnly: o.writeOnly ?? false,
    deprecated: o.deprecated,
    description: o.description,
    markdownDescription: o.markdownDescription,
    validators: Object.freeze([...(o.validators ?? [])]),
    planModifiers: Object.freeze([...(o.planModifiers ?? [])]),
    default: o.default === undefined ? undefined : plainToValue(o.default, type, extra.exact ?? false),
    ...extra,
  }) as Attribute<P, RequiredOf<O>, KindOf<O>>;
}

export function stringAttr<const O extends Options<string>>(o: O): Attribute<string, RequiredOf<O>, KindOf<O>> {
  return build(T.string, o);
}

export function boolAttr<const O extends Options<boolean>>(o: O): Attribute<boolean, RequiredOf<O>, KindOf<O>> {
  return build(T.bool, o);
}

/**
 * A number, as a JS number in plain form. A value a JS number cannot hold exactly (more than 17 significant
 * digits) is reported as an error at the attribute rather than rounded; use exactNumberAttr for those.
 */
export function numberAttr<const O extends Options<number>>(o: O): Attribute<number, RequiredOf<O>, KindOf<O>> {
  return build(T.number, o);
}

/** A number kept as canonical decimal text ("12345678901234567890", "0.1"), never rounded. */
export function exactNumberAttr<const O extends Options<string>>(o: O): Attribute<string, RequiredOf<O>, KindOf<O>> {
  return build(T.number, o, { exact: true });
}

export function listAttr<E extends Type, const O extends Options<PlainOfType<E>[]>>(element: E, o: O): Attribute<PlainOfType<E>[], RequiredOf<O>, KindOf<O>> {
  return build(T.list(element), o);
}

export function setAttr<E extends Type, const O extends Options<PlainOfType<E>[]>>(element: E, o: O): Attribute<PlainOfType<E>[], RequiredOf<O>, KindOf<O>> {
  return build(T.set(element), o);
}

export function mapAttr<E extends Type, const O extends Options<Record<string, PlainOfType<E>>>>(
  element: E,
  o: O,
): Attribute<Record<string, PlainOfType<E>>, RequiredOf<O>, KindOf<O>> {
  return build(T.map(element), o);
}

/** An attribute of any cty type given directly (object and tuple types included). */
export function typedAttr<TT extends Type, const O extends Options<PlainOfType<TT>>>(type: TT, o: O): Attribute<PlainOfType<TT>, RequiredOf<O>, KindOf<O>> {
  return build(type, o);
}

/** A dynamically typed attribute: any value, with its type, as a cty Value in plain form. */
export function dynamicAttr<const O extends Options<Value>>(o: O): Attribute<Value, RequiredOf<O>, KindOf<O>> {
  return build(T.dynamic, o);
}

// ---- nested attributes ------------------------------------------------------------------------------------

type NestedPlain<N extends NestingMode, P> = N extends 'single' ? P : N extends 'map' ? Record<string, P> : P[];

function nested<N extends NestingMode, A extends Readonly<Record<string, AnyAttribute>>, O extends Options<unknown>>(
  nesting: N,
  object: { attributes: A },
  o: O,
): Attribute<NestedPlain<N, ObjectPlainOf<A, NoMembers>>, RequiredOf<O>, KindOf<O>> {
  const objType = attributesType(object.attributes);
  const type = nesting === 'single' ? objType : nesting === 'list' ? T.list(objType) : nesting === 'set' ? T.set(objType) : T.map(objType);
  return build(type, o as unknown as Options<never>, {
    nested: Object.freeze({ nesting, object: Object.freeze({ attributes: Object.freeze({ ...object.attributes }) }) }),
  }) as never;
}

export function singleNestedAttr<A extends Readonly<Record<string, AnyAttribute>>, const O extends Options<ObjectPlainOf<A, NoMembers>>>(
  object: { attributes: A },
  o: O,
) {
  return nested('single', object, o);
}
export function listNestedAttr<A extends Readonly<Record<string, AnyAttribute>>, const O extends Options<ObjectPlainOf<A, NoMembers>[]>>(
  object: { attributes: A },
  o: O,
) {
  return nested('list', object, o);
}
export function setNestedAttr<A extends Readonly<Record<string, AnyAttribute>>, const O extends Options<ObjectPlainOf<A, NoMembers>[]>>(
  object: { attributes: A },
  o: O,
) {
  return nested('set', object, o);
}
export function mapNestedAttr<A extends Readonly<Record<string, AnyAttribute>>, const O extends Options<Record<string, ObjectPlainOf<A, NoMembers>>>>(
  object: { attributes: A },
  o: O,
) {
  return nested('map', object, o);
}

export function attributesType(attributes: Readonly<Record<string, AnyAttribute>>, blocks: Readonly<Record<string, Block>> = {}): T.ObjectType {
  const types: Record<string, Type> = {};
  for (const [name, a] of Object.entries(attributes)) types[name] = a.type;
  for (const [name, b] of Object.entries(blocks)) types[name] = b.type;
  return T.object(types);
}

// ---- plain JS types of cty types ----------------------------------------------------------------------------

/** The plain JS form of a cty type; object attributes may be null, as cty object attributes may. */
export type PlainOfType<TT> = TT extends T.StringType
  ? string
  : TT extends T.NumberType
    ? number
    : TT extends T.BoolType
      ? boolean
      : TT extends T.DynamicType
        ? Value
        : TT extends T.ListType<infer E> | T.SetType<infer E>
          ? PlainOfType<E>[]
          : TT extends T.MapType<infer E>
            ? Record<string, PlainOfType<E>>
            : TT extends T.ObjectType<infer A>
              ? { [K in keyof A]: PlainOfType<A[K]> | null }
              : TT extends T.TupleType<infer E>
                ? { -readonly [K in keyof E]: PlainOfType<E[K]> | null }
                : unknown;

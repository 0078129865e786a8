/**
 * @module framework/schema/schema
 * Whole schemas: one per provider configuration, managed resource, data source and ephemeral resource. They are
 * distinct types, so an attribute with plan behaviour (plan modifiers, defaults, write-only) only type-checks
 * in a resource schema. The state type of a resource follows from its schema: `StateOf<typeof schema>`.
 */
import type { ObjectType } from '../../cty/types';
import type { AnyAttribute, Attribute, NoMembers } from './attributes';
import { attributesType } from './attributes';
import type { AnyBlock, Block, BlockNesting, BlockObject, ObjectPlainOf } from './blocks';
import type { MaybeUnknown } from './convert';

export type SchemaFor = 'provider' | 'resource' | 'data source' | 'ephemeral resource' | 'provider meta';

export interface SchemaDefinition<A extends Readonly<Record<string, AnyAttribute>>, B extends Readonly<Record<string, AnyBlock>>> {
  /** Resources only: the state's schema version (drives UpgradeResourceState). */
  version?: number;
  attributes: A;
  blocks?: B;
  description?: string;
  markdownDescription?: string;
  deprecated?: string;
}

export interface Schema<
  A extends Readonly<Record<string, AnyAttribute>> = Readonly<Record<string, AnyAttribute>>,
  B extends Readonly<Record<string, AnyBlock>> = Readonly<Record<string, AnyBlock>>,
  F extends SchemaFor = SchemaFor,
> {
  readonly for: F;
  readonly version: number;
  readonly object: BlockObject<A, B>;
  /** The implied type: what a configuration, plan or state of this schema decodes as. */
  readonly type: ObjectType;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly deprecated?: string;
}

export type AnySchema = Schema<Readonly<Record<string, AnyAttribute>>, Readonly<Record<string, AnyBlock>>, SchemaFor>;

/** Attributes and blocks without resource-only behaviour. */
// biome-ignore lint/suspicious/noExplicitAny: attributes of any plain type
type PlainAttributes = Readonly<Record<string, Attribute<any, boolean, 'any'>>>;
// biome-ignore lint/suspicious/noExplicitAny: blocks of any plain type
type PlainBlocks = Readonly<Record<string, Block<any, BlockNesting, 'any'>>>;

function make<A extends Readonly<Record<string, AnyAttribute>>, B extends Readonly<Record<string, AnyBlock>>, F extends SchemaFor>(
  kind: F,
  def: SchemaDefinition<A, B>,
): Schema<A, B, F> {
  const attributes = Object.freeze({ ...def.attributes });
  const blocks = Object.freeze({ ...(def.blocks ?? ({} as B)) });
  return Object.freeze({
    for: kind,
    version: def.version ?? 0,
    object: Object.freeze({ attributes, blocks }),
    type: attributesType(attributes, blocks),
    description: def.description,
    markdownDescription: def.markdownDescription,
    deprecated: def.deprecated,
  });
}

export function resourceSchema<A extends Readonly<Record<string, AnyAttribute>>, B extends Readonly<Record<string, AnyBlock>> = NoMembers>(
  def: SchemaDefinition<A, B>,
): Schema<A, B, 'resource'> {
  return make('resource', def);
}

export function dataSourceSchema<A extends PlainAttributes, B extends PlainBlocks = NoMembers>(
  def: Omit<SchemaDefinition<A, B>, 'version'>,
): Schema<A, B, 'data source'> {
  return make('data source', def);
}

export function ephemeralResourceSchema<A extends PlainAttributes, B extends PlainBlocks = NoMembers>(
  def: Omit<SchemaDefinition<A, B>, 'version'>,
): Schema<A, B, 'ephemeral resource'> {
  return make('ephemeral resource', def);
}

export function providerSchema<A extends PlainAttributes, B extends PlainBlocks = NoMembers>(
  def: Omit<SchemaDefinition<A, B>, 'version'>,
): Schema<A, B, 'provider'> {
  return make('provider', def);
}

export function providerMetaSchema<A extends PlainAttributes, B extends PlainBlocks = NoMembers>(
  def: Omit<SchemaDefinition<A, B>, 'version'>,
): Schema<A, B, 'provider meta'> {
  return make('provider meta', def);
}

/** The plain state of a schema: every value known, block lists never null, required attributes never null. */
export type StateOf<S> = S extends Schema<infer A, infer B, SchemaFor> ? ObjectPlainOf<A, B> : never;

/** The plain configuration or plan: like the state, but any value may still be `Unknown`. */
export type PlanOf<S> = { [K in keyof StateOf<S>]: MaybeUnknown<StateOf<S>[K]> };
export type ConfigOf<S> = PlanOf<S>;

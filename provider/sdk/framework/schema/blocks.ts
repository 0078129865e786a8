/**
 * @module framework/schema/blocks
 * Nested blocks (`rule { … }` in HCL). Their nesting decides the value's shape: list and set blocks are
 * collections that are never null (no blocks = empty), a single block is an object or null, a group block is
 * always an object, a map block is a map keyed by the block label.
 */
import * as T from '../../cty/types';
import type { Type } from '../../cty/types';
import type { AnyAttribute, Attribute, NoMembers, SchemaKind } from './attributes';
import { attributesType } from './attributes';

export type BlockNesting = 'single' | 'list' | 'set' | 'map' | 'group';

export interface BlockOptions {
  /** list and set blocks: how many blocks the configuration must have (Terraform checks min/max). */
  minItems?: number;
  /** 0 means no limit. */
  maxItems?: number;
  description?: string;
  markdownDescription?: string;
  deprecated?: string;
}

export interface BlockObject<
  A extends Readonly<Record<string, AnyAttribute>> = Readonly<Record<string, AnyAttribute>>,
  B extends Readonly<Record<string, AnyBlock>> = Readonly<Record<string, AnyBlock>>,
> {
  readonly attributes: A;
  readonly blocks: B;
}

export interface Block<P = unknown, N extends BlockNesting = BlockNesting, K extends SchemaKind = SchemaKind> {
  readonly kind: 'block';
  readonly nesting: N;
  readonly object: BlockObject;
  /** The cty type of the block's value in its parent object. */
  readonly type: Type;
  /** The object type of one block. */
  readonly objectType: T.ObjectType;
  readonly minItems: number;
  readonly maxItems: number;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly deprecated?: string;
  readonly __plain?: P;
  readonly __kind?: K;
}

// biome-ignore lint/suspicious/noExplicitAny: a block of any plain type (Block<unknown> would not accept them all)
export type AnyBlock = Block<any, BlockNesting, SchemaKind>;

type AttrPlain<A> = A extends Attribute<infer P, infer R, SchemaKind> ? (R extends true ? P : P | null) : never;
type BlockPlain<B> =
  B extends Block<infer P, infer N, SchemaKind>
    ? N extends 'list' | 'set'
      ? P[]
      : N extends 'map'
        ? Record<string, P>
        : N extends 'group'
          ? P
          : P | null
    : never;

/** The plain object of attributes and blocks, as resources see their state. */
export type ObjectPlainOf<A, B> = Flatten<{ -readonly [K in keyof A]: AttrPlain<A[K]> } & { -readonly [K in keyof B]: BlockPlain<B[K]> }>;

/** One object type instead of an intersection, so editors and type tests see plain fields. */
type Flatten<X> = { [K in keyof X]: X[K] };

type KindOfMembers<A, B> = [A[keyof A]] extends [Attribute<unknown, boolean, 'any'>]
  ? [B[keyof B]] extends [Block<unknown, BlockNesting, 'any'>]
    ? 'any'
    : 'resource'
  : 'resource';

function block<N extends BlockNesting, A extends Readonly<Record<string, AnyAttribute>>, B extends Readonly<Record<string, AnyBlock>>>(
  nesting: N,
  object: { attributes?: A; blocks?: B },
  o: BlockOptions,
): Block<ObjectPlainOf<A, B>, N, KindOfMembers<A, B>> {
  const attributes = Object.freeze({ ...(object.attributes ?? {}) }) as A;
  const blocks = Object.freeze({ ...(object.blocks ?? {}) }) as B;
  const objectType = attributesType(attributes, blocks);
  const type = nesting === 'list' ? T.list(objectType) : nesting === 'set' ? T.set(objectType) : nesting === 'map' ? T.map(objectType) : objectType;
  return Object.freeze({
    kind: 'block' as const,
    nesting,
    object: Object.freeze({ attributes, blocks }),
    type,
    objectType,
    minItems: o.minItems ?? 0,
    maxItems: o.maxItems ?? 0,
    description: o.description,
    markdownDescription: o.markdownDescription,
    deprecated: o.deprecated,
  }) as Block<ObjectPlainOf<A, B>, N, KindOfMembers<A, B>>;
}

export function listBlock<A extends Readonly<Record<string, AnyAttribute>> = NoMembers, B extends Readonly<Record<string, AnyBlock>> = NoMembers>(
  object: { attributes?: A; blocks?: B },
  o: BlockOptions = {},
) {
  return block('list', object, o);
}
export function setBlock<A extends Readonly<Record<string, AnyAttribute>> = NoMembers, B extends Readonly<Record<string, AnyBlock>> = NoMembers>(
  object: { attributes?: A; blocks?: B },
  o: BlockOptions = {},
) {
  return block('set', object, o);
}
export function mapBlock<A extends Readonly<Record<string, AnyAttribute>> = NoMembers, B extends Readonly<Record<string, AnyBlock>> = NoMembers>(
  object: { attributes?: A; blocks?: B },
  o: Omit<BlockOptions, 'minItems' | 'maxItems'> = {},
) {
  return block('map', object, o);
}
/** At most one block; `minItems: 1` makes it required. */
export function singleBlock<A extends Readonly<Record<string, AnyAttribute>> = NoMembers, B extends Readonly<Record<string, AnyBlock>> = NoMembers>(
  object: { attributes?: A; blocks?: B },
  o: Omit<BlockOptions, 'maxItems'> = {},
) {
  // Terraform wants min = max in single mode: 0/0 optional, 1/1 required.
  return block('single', object, { ...o, maxItems: o.minItems ?? 0 });
}
/** Like single, but the value is an object even when the block is absent (all attributes null). */
export function groupBlock<A extends Readonly<Record<string, AnyAttribute>> = NoMembers, B extends Readonly<Record<string, AnyBlock>> = NoMembers>(
  object: { attributes?: A; blocks?: B },
  o: Omit<BlockOptions, 'minItems' | 'maxItems'> = {},
) {
  return block('group', object, o);
}

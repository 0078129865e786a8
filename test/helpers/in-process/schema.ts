/**
 * The schemas as Terraform sees them: built from GetProviderSchema's answer (never from the provider's own
 * schema objects), with the value each block implies, and the conversions between plain JS and cty values
 * that the in-process harness needs: configuration in (as Terraform decodes HCL: absent attributes null,
 * absent list and set blocks empty), plan and state out (unknowns as the `unknown` marker).
 */
import type { Path } from '../../../provider/sdk/cty/path';
import * as T from '../../../provider/sdk/cty/types';
import { Value } from '../../../provider/sdk/cty/value';
import type * as P from '../../../provider/sdk/protocol/types';

/** Stands for a value known only after apply, in configuration given to the harness and in plans it returns. */
export const unknown: unique symbol = Symbol('unknown (known after apply)');
export type Unknown = typeof unknown;

/** A plain JS value: strings, numbers, booleans, null, arrays, objects, and `unknown`. */
export type Plain = any;

export interface AttributeSchema {
  type: T.Type;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  writeOnly: boolean;
  /** Nested attributes (Terraform's NestedType). */
  nested?: { nesting: P.ObjectNesting; attributes: Record<string, AttributeSchema> };
}

export interface NestedBlockSchema {
  nesting: P.BlockNesting;
  block: BlockSchema;
  minItems: number;
  maxItems: number;
}

export interface BlockSchema {
  attributes: Record<string, AttributeSchema>;
  blocks: Record<string, NestedBlockSchema>;
  /** The object type a value of the block has (Terraform's ImpliedType). */
  type: T.ObjectType;
}

export interface TypeSchema {
  version: number;
  block: BlockSchema;
}

function attributeSchema(a: P.SchemaAttribute): AttributeSchema {
  const flags = {
    required: a.required ?? false,
    optional: a.optional ?? false,
    computed: a.computed ?? false,
    sensitive: a.sensitive ?? false,
    writeOnly: a.write_only ?? false,
  };
  if (a.nested_type) {
    const attributes: Record<string, AttributeSchema> = {};
    for (const n of a.nested_type.attributes) attributes[n.name] = attributeSchema(n);
    const object = T.object(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.type])));
    const nesting = a.nested_type.nesting;
    const type = nesting === 'SINGLE' ? object : nesting === 'LIST' ? T.list(object) : nesting === 'SET' ? T.set(object) : T.map(object);
    return { ...flags, type, nested: { nesting, attributes } };
  }
  return { ...flags, type: T.typeFromJSON(Buffer.from(a.type!).toString('utf8')) };
}

export function blockSchema(b: P.SchemaBlock): BlockSchema {
  const attributes: Record<string, AttributeSchema> = {};
  for (const a of b.attributes ?? []) attributes[a.name] = attributeSchema(a);
  const blocks: Record<string, NestedBlockSchema> = {};
  for (const nb of b.block_types ?? []) {
    blocks[nb.type_name] = { nesting: nb.nesting, block: blockSchema(nb.block), minItems: nb.min_items ?? 0, maxItems: nb.max_items ?? 0 };
  }
  const types: Record<string, T.Type> = {};
  for (const [name, a] of Object.entries(attributes)) types[name] = a.type;
  for (const [name, nb] of Object.entries(blocks)) types[name] = nestedBlockType(nb);
  return { attributes, blocks, type: T.object(types) };
}

export function nestedBlockType(nb: NestedBlockSchema): T.Type {
  const o = nb.block.type;
  switch (nb.nesting) {
    case 'LIST':
      return T.list(o);
    case 'SET':
      return T.set(o);
    case 'MAP':
      return T.map(o);
    default:
      return o;
  }
}

export function typeSchema(s: P.Schema): TypeSchema {
  return { version: Number(s.version ?? 0), block: blockSchema(s.block) };
}

// ---- paths ----------------------------------------------------------------------------------------------------

/** A path as Terraform's diagnostics and `show -json` replace_paths give it: names and indexes. */
export type PathSteps = (string | number)[];

export function protoPathSteps(p: P.AttributePath | undefined): PathSteps | undefined {
  if (!p || p.steps.length === 0) return undefined;
  return p.steps.map((s) =>
    s.attribute_name !== undefined ? s.attribute_name : s.element_key_string !== undefined ? s.element_key_string : Number(s.element_key_int),
  );
}

/** `output_to_secret_store.secret_id`, `scopes[0]`, `labels["env"]`. */
export function formatProtoPath(p: P.AttributePath | undefined): string | undefined {
  if (!p || p.steps.length === 0) return undefined;
  return p.steps
    .map((s, i) =>
      s.attribute_name !== undefined
        ? `${i === 0 ? '' : '.'}${s.attribute_name}`
        : s.element_key_string !== undefined
          ? `[${JSON.stringify(s.element_key_string)}]`
          : `[${Number(s.element_key_int)}]`,
    )
    .join('');
}

export function formatPath(path: Path): string {
  return path.map((s, i) => ('attr' in s ? `${i === 0 ? '' : '.'}${s.attr}` : 'key' in s ? `[${JSON.stringify(s.key)}]` : `[${s.index}]`)).join('');
}

/** The value at `steps` (attribute names, map keys, list indexes); undefined where the path leads nowhere. */
export function valueAt(v: Value, steps: readonly P.AttributePathStep[]): Value | undefined {
  let cur = v;
  for (const s of steps) {
    if (cur.isUnknown()) return cur;
    if (cur.isNull()) return undefined;
    if (s.attribute_name !== undefined) {
      if (cur.type.kind !== 'object' || !(s.attribute_name in cur.type.attributes)) return undefined;
      cur = cur.attr(s.attribute_name);
    } else if (s.element_key_string !== undefined) {
      const e = cur.entries()[s.element_key_string];
      if (!e) return undefined;
      cur = e;
    } else {
      const e = cur.elements()[Number(s.element_key_int)];
      if (!e) return undefined;
      cur = e;
    }
  }
  return cur;
}

// ---- plain → cty (configuration) ---------------------------------------------------------------------------------

export class ConfigError extends Error {}

function plainToType(p: Plain, t: T.Type, where: string): Value {
  if (p === unknown) return Value.unknown(t);
  if (p === null || p === undefined) return Value.null(t);
  const fail = (what: string): never => {
    throw new ConfigError(`${where}: ${what} required, got ${JSON.stringify(p)}`);
  };
  switch (t.kind) {
    case 'string':
      return typeof p === 'string' ? Value.string(p) : fail('a string');
    case 'number':
      return typeof p === 'number' || typeof p === 'bigint' || (typeof p === 'string' && /^-?\d/.test(p)) ? Value.number(p) : fail('a number');
    case 'bool':
      return typeof p === 'boolean' ? Value.bool(p) : fail('a bool');
    case 'list':
    case 'set': {
      if (!Array.isArray(p)) return fail(`a ${t.kind}`);
      const items = p.map((e, i) => plainToType(e, t.element, `${where}[${i}]`));
      return t.kind === 'list' ? Value.list(t.element, items) : Value.set(t.element, items);
    }
    case 'map': {
      if (typeof p !== 'object' || Array.isArray(p)) return fail('a map');
      const entries: Record<string, Value> = {};
      for (const [k, e] of Object.entries(p)) entries[k] = plainToType(e, t.element, `${where}["${k}"]`);
      return Value.map(t.element, entries);
    }
    case 'object': {
      if (typeof p !== 'object' || Array.isArray(p)) return fail('an object');
      for (const k of Object.keys(p)) if (!(k in t.attributes)) throw new ConfigError(`${where}: unsupported attribute "${k}"`);
      const attrs: Record<string, Value> = {};
      for (const [k, at] of Object.entries(t.attributes)) attrs[k] = plainToType((p as Record<string, Plain>)[k], at, `${where}.${k}`);
      return Value.object(t, attrs);
    }
    case 'tuple': {
      if (!Array.isArray(p) || p.length !== t.elements.length) return fail(`a tuple of ${t.elements.length}`);
      return Value.tupleOf(
        t.elements,
        p.map((e, i) => plainToType(e, t.elements[i]!, `${where}[${i}]`)),
      );
    }
    case 'dynamic':
      throw new ConfigError(`${where}: dynamic attributes are not supported by the harness`);
  }
}

/**
 * A configuration block as Terraform decodes it from HCL: every attribute present (null when not written),
 * single blocks null when absent, list and set blocks empty, group blocks objects. An argument the schema
 * does not have is an error, as HCL's "Unsupported argument" is.
 */
export function configValue(block: BlockSchema, plain: Plain, where = 'configuration'): Value {
  if (plain === unknown) return Value.unknown(block.type);
  const p = (plain ?? {}) as Record<string, Plain>;
  if (typeof p !== 'object' || Array.isArray(p)) throw new ConfigError(`${where}: an object required`);
  for (const k of Object.keys(p)) {
    if (!(k in block.attributes) && !(k in block.blocks)) throw new ConfigError(`${where}: unsupported argument or block "${k}"`);
  }
  const attrs: Record<string, Value> = {};
  for (const [name, a] of Object.entries(block.attributes)) attrs[name] = plainToType(p[name], a.type, `${where}.${name}`);
  for (const [name, nb] of Object.entries(block.blocks)) attrs[name] = blockValue(nb, p[name], `${where}.${name}`);
  return Value.object(block.type, attrs);
}

function blockValue(nb: NestedBlockSchema, p: Plain, where: string): Value {
  const o = nb.block.type;
  if (p === unknown) return Value.unknown(nestedBlockType(nb));
  switch (nb.nesting) {
    case 'SINGLE':
      return p === null || p === undefined ? Value.null(o) : configValue(nb.block, p, where);
    case 'GROUP':
      return configValue(nb.block, p ?? {}, where);
    case 'LIST':
    case 'SET': {
      const items = ((p ?? []) as Plain[]).map((e, i) => configValue(nb.block, e, `${where}[${i}]`));
      return nb.nesting === 'LIST' ? Value.list(o, items) : Value.set(o, items);
    }
    case 'MAP': {
      const entries: Record<string, Value> = {};
      for (const [k, e] of Object.entries((p ?? {}) as Record<string, Plain>)) entries[k] = configValue(nb.block, e, `${where}["${k}"]`);
      return Value.map(o, entries);
    }
  }
}

/** Required arguments the configuration leaves out, as Terraform's "Missing required argument" finds them. */
export function missingRequired(block: BlockSchema, config: Value, path = ''): string[] {
  if (!config.isKnown() || config.isNull()) return [];
  const out: string[] = [];
  for (const [name, a] of Object.entries(block.attributes)) if (a.required && config.attr(name).isNull()) out.push(`${path}${name}`);
  for (const [name, nb] of Object.entries(block.blocks)) {
    const v = config.attr(name);
    if (!v.isKnown() || v.isNull()) continue;
    const elements = nb.nesting === 'SINGLE' || nb.nesting === 'GROUP' ? [v] : nb.nesting === 'MAP' ? Object.values(v.entries()) : v.elements();
    for (const e of elements) out.push(...missingRequired(nb.block, e, `${path}${name}.`));
  }
  return out;
}

// ---- cty → plain (plans and state) ------------------------------------------------------------------------------

/**
 * A value as plain JS, the way `terraform show -json` shows it: unknowns as `unknown`, numbers as JS numbers
 * (decimal text when a JS number cannot hold one exactly), sets of strings and numbers sorted.
 */
export function toPlain(v: Value): Plain {
  if (v.isUnknown()) return unknown;
  if (v.isNull()) return null;
  switch (v.type.kind) {
    case 'string':
      return v.asString();
    case 'bool':
      return v.asBool();
    case 'number': {
      const text = v.asNumber();
      const n = Number(text);
      return String(n) === text ? n : text;
    }
    case 'list':
    case 'tuple':
      return v.elements().map(toPlain);
    case 'set': {
      const items = v.elements().map(toPlain);
      return items.every((i) => typeof i === 'string') ? items.sort() : items;
    }
    default: {
      const out: Record<string, Plain> = {};
      for (const [k, e] of Object.entries(v.entries())) out[k] = toPlain(e);
      return out;
    }
  }
}

/**
 * @module framework/schema/validate
 * The rules Terraform applies when it loads a provider schema (configschema InternalValidate in Terraform
 * 1.11: a violation makes every command fail for the user), plus the framework's own rules. Run when the
 * provider server is built, so a schema mistake fails the provider's tests, not a user's run.
 */
import { type Type, hasDynamic } from '../../cty/types';
import type { AnyAttribute, NestedAttributeObject } from './attributes';
import type { AnyBlock, BlockObject } from './blocks';
import type { AnySchema } from './schema';

const VALID_NAME = /^[a-z0-9_]+$/;

export interface SchemaCheckOptions {
  /** Require a description on every attribute and block (for providers that generate docs). */
  requireDescriptions?: boolean;
}

/** Names Terraform reserves at the top level of a block (meta-arguments); an attribute there can never be set. */
const RESERVED: Record<string, readonly string[]> = {
  resource: ['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection'],
  'data source': ['count', 'for_each', 'depends_on', 'lifecycle', 'provider'],
  'ephemeral resource': ['count', 'for_each', 'depends_on', 'lifecycle', 'provider'],
  provider: ['alias', 'version'],
  'provider meta': [],
};

/** Problems found, each naming where; empty when the schema is sound. */
export function checkSchema(schema: AnySchema, where: string, opts: SchemaCheckOptions = {}): string[] {
  const problems: string[] = [];
  for (const name of [...Object.keys(schema.object.attributes), ...Object.keys(schema.object.blocks)]) {
    if (RESERVED[schema.for]!.includes(name))
      problems.push(`${where}: "${name}" is reserved by Terraform (a meta-argument) and cannot be an attribute or block name here`);
  }
  if (!Number.isInteger(schema.version) || schema.version < 0) problems.push(`${where}: schema version must be an integer >= 0`);
  checkObject(schema.object, schema, where, { inSet: false, inCollection: false }, problems, opts);
  return problems;
}

interface Context {
  inSet: boolean;
  inCollection: boolean;
}

function checkObject(
  o: BlockObject | NestedAttributeObject,
  schema: AnySchema,
  where: string,
  ctx: Context,
  problems: string[],
  opts: SchemaCheckOptions,
): void {
  const blocks = 'blocks' in o ? o.blocks : {};
  for (const [name, a] of Object.entries(o.attributes)) checkAttribute(name, a, schema, `${where}: attribute "${name}"`, ctx, problems, opts);
  for (const [name, b] of Object.entries(blocks)) {
    const at = `${where}: block "${name}"`;
    if (name in o.attributes) problems.push(`${at}: the name is also an attribute name`);
    checkBlock(name, b, schema, at, ctx, problems, opts);
  }
}

function checkAttribute(name: string, a: AnyAttribute, schema: AnySchema, at: string, ctx: Context, problems: string[], opts: SchemaCheckOptions): void {
  if (!VALID_NAME.test(name)) problems.push(`${at}: names may contain only lowercase letters, digits and underscores`);
  if (!a.required && !a.optional && !a.computed) problems.push(`${at}: must be required, optional or computed`);
  if (a.required && a.optional) problems.push(`${at}: cannot be both required and optional`);
  if (a.required && a.computed) problems.push(`${at}: cannot be both required and computed`);
  if (opts.requireDescriptions && !a.description && !a.markdownDescription) problems.push(`${at}: has no description`);
  if (a.writeOnly) {
    if (schema.for !== 'resource') problems.push(`${at}: write-only attributes exist only in managed resources`);
    if (a.computed) problems.push(`${at}: a write-only attribute cannot be computed (it is never stored, so there is nothing to compute)`);
    if (ctx.inSet) problems.push(`${at}: a write-only attribute cannot sit inside a set (Terraform refuses it)`);
    // Its planned value is always null, so a modifier has nothing to act on, and a replacement path on it
    // would replace the resource on every plan.
    if (a.planModifiers.length > 0)
      problems.push(`${at}: a write-only attribute cannot have plan modifiers; put requiresReplace on a version attribute paired with it`);
  }
  if (a.planModifiers.length > 0 && schema.for !== 'resource') problems.push(`${at}: plan modifiers exist only in managed resource schemas`);
  if (a.default !== undefined) {
    if (schema.for !== 'resource') problems.push(`${at}: defaults exist only in managed resource schemas`);
    if (!a.computed || !a.optional) problems.push(`${at}: an attribute with a default must be optional and computed (the default is a planned value)`);
  }
  if (schema.for === 'provider' && a.computed) problems.push(`${at}: provider configuration attributes cannot be computed`);
  if (ctx.inSet && hasDynamic(a.type)) problems.push(`${at}: a dynamic type cannot sit inside a set (Terraform refuses it)`);
  if (!a.nested && dynamicInsideCollection(a.type, false))
    problems.push(`${at}: a dynamic type inside a list, set or map is not supported (its elements could not share one type)`);
  if (a.nested) {
    const n = a.nested.nesting;
    const inner: Context = { inSet: ctx.inSet || n === 'set', inCollection: ctx.inCollection || n !== 'single' };
    if (n !== 'single')
      for (const [an, ia] of Object.entries(a.nested.object.attributes)) {
        if (hasDynamic(ia.type)) problems.push(`${at}: attribute "${an}": a dynamic type inside a ${n} nested attribute is not supported`);
      }
    checkObject(a.nested.object, schema, at, inner, problems, opts);
  }
}

function dynamicInsideCollection(t: Type, inCollection: boolean): boolean {
  switch (t.kind) {
    case 'dynamic':
      return inCollection;
    case 'list':
    case 'set':
    case 'map':
      return dynamicInsideCollection(t.element, true);
    case 'tuple':
      return t.elements.some((e) => dynamicInsideCollection(e, inCollection));
    case 'object':
      return Object.values(t.attributes).some((e) => dynamicInsideCollection(e, inCollection));
    default:
      return false;
  }
}

function checkBlock(name: string, b: AnyBlock, schema: AnySchema, at: string, ctx: Context, problems: string[], opts: SchemaCheckOptions): void {
  if (!VALID_NAME.test(name)) problems.push(`${at}: names may contain only lowercase letters, digits and underscores`);
  if (opts.requireDescriptions && !b.description && !b.markdownDescription) problems.push(`${at}: has no description`);
  const { minItems: min, maxItems: max } = b;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < 0) problems.push(`${at}: minItems and maxItems must be integers >= 0`);
  switch (b.nesting) {
    case 'single':
      if (min !== max || min > 1) problems.push(`${at}: a single block needs minItems = maxItems, 0 or 1`);
      break;
    case 'group':
    case 'map':
      if (min !== 0 || max !== 0) problems.push(`${at}: a ${b.nesting} block cannot have minItems or maxItems`);
      break;
    default:
      if (max !== 0 && min > max) problems.push(`${at}: minItems is greater than maxItems`);
  }
  if (b.nesting !== 'single' && b.nesting !== 'group' && hasDynamic(b.objectType)) {
    problems.push(`${at}: a dynamic type inside a ${b.nesting} block is not supported (Terraform would turn the collection into a tuple)`);
  }
  const inner: Context = { inSet: ctx.inSet || b.nesting === 'set', inCollection: ctx.inCollection || (b.nesting !== 'single' && b.nesting !== 'group') };
  checkObject(b.object, schema, at, inner, problems, opts);
}

export class SchemaError extends Error {
  readonly code = 'invalid_schema';
  constructor(readonly problems: readonly string[]) {
    super(`invalid provider schema:\n- ${problems.join('\n- ')}`);
  }
}

/**
 * @module tools/docs/schema-md
 * The "## Schema" section of a page, laid out as tfplugindocs lays it out (its internal/schemamd): the
 * block's attributes and blocks in Required, Optional and Read-Only groups, sorted by name, each a list
 * item `- \`name\` (Type, Sensitive) description`; every nested block, nested attribute type and object
 * type gets a "Nested Schema for `a.b`" section below, reached by an anchor. Keeping its anchors
 * (`nestedblock--a--b`, `nestedatt--…`, `nestedobjatt--…`) keeps links people already wrote working.
 */
import type { AttributeJSON, BlockJSON, BlockTypeJSON } from '../schema-json';
import { continueItem, markdownOf } from './text';
import { elementType, objectAttributes, typeName } from './type-name';

const GROUPS = [
  { heading: '### Required', label: 'Required:' },
  { heading: '### Optional', label: 'Optional:' },
  { heading: '### Read-Only', label: 'Read-Only:' },
] as const;
type Group = 0 | 1 | 2;

/** What a nesting mode adds to "Block" or "Attributes"; a group block reads like a single one. */
const BLOCK_MODES: Record<string, string | undefined> = { single: '', group: '', list: ' List', set: ' Set', map: ' Map' };
const ATTRIBUTE_MODES: Record<string, string | undefined> = { single: '', list: ' List', set: ' Set', map: ' Map' };

const WRITE_ONLY_LINK = '[Write-only](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments)';
const WRITE_ONLY_NOTE =
  '> **NOTE**: [Write-only arguments](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments) are supported in Terraform 1.11 and later.';

/** A section still to write below the current one. */
interface Nested {
  anchor: string;
  path: string[];
  body: () => string[];
}

function attributeGroup(a: AttributeJSON): Group | undefined {
  if (a.required) return 0;
  if (a.optional) return 1;
  if (a.computed) return 2;
  return undefined;
}

/** A block is required when it needs items, read-only when everything in it is, optional when anything can be set. */
function blockGroup(b: BlockTypeJSON): Group | undefined {
  if ((b.min_items ?? 0) > 0) return 0;
  const children = [...Object.values(b.block.attributes ?? {}).map(attributeGroup), ...Object.values(b.block.block_types ?? {}).map(blockGroup)];
  if (children.length === 0 || children.some((g) => g === 0 || g === 1)) return 1;
  if (!b.max_items && children.every((g) => g === 2)) return 2;
  return undefined;
}

const sorted = (names: string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const seeBelow = (anchor: string) => ` (see [below for nested schema](#${anchor}))`;

function describe(d: { description?: string; description_kind: 'plain' | 'markdown' }): string {
  return d.description ? ` ${continueItem(markdownOf(d.description, d.description_kind))}` : '';
}

function flags(a: AttributeJSON): string {
  return `${a.sensitive ? ', Sensitive' : ''}${a.deprecated ? ', Deprecated' : ''}${a.write_only ? `, ${WRITE_ONLY_LINK}` : ''}`;
}

function attributeItem(path: string[], a: AttributeJSON, group: Group, nested: Nested[]): string {
  const name = path[path.length - 1];
  const anchor = `nestedatt--${path.join('--')}`;
  if (a.nested_type) {
    const mode = a.nested_type.nesting_mode;
    const kind = ATTRIBUTE_MODES[mode];
    if (kind === undefined) throw new Error(`${path.join('.')}: unknown nesting mode ${mode}`);
    const attributes = a.nested_type.attributes;
    nested.push({ anchor, path, body: () => attributeChildren(path, attributes) });
    return `- \`${name}\` (Attributes${kind}${flags(a)})${describe(a)}${seeBelow(anchor)}`;
  }
  const type = a.type ?? 'dynamic';
  const object = objectAttributes(type) ?? objectAttributes(elementType(type));
  if (object) nested.push({ anchor, path, body: () => objectChildren(path, object, group) });
  return `- \`${name}\` (${typeName(type, path.join('.'))}${flags(a)})${describe(a)}${object ? seeBelow(anchor) : ''}`;
}

function blockItem(path: string[], b: BlockTypeJSON, group: Group, nested: Nested[]): string {
  const name = path[path.length - 1];
  const anchor = `nestedblock--${path.join('--')}`;
  const mode = b.nesting_mode;
  const kind = BLOCK_MODES[mode];
  if (kind === undefined) throw new Error(`${path.join('.')}: unknown nesting mode ${mode}`);
  // A single block is one object or none: its group says which; a collection says how many it takes.
  const counts = mode === 'single' || mode === 'group' ? `, ${['Required', 'Optional', 'Read-only'][group]}` : `${b.min_items ? `, Min: ${b.min_items}` : ''}`;
  const max = b.max_items ? `, Max: ${b.max_items}` : '';
  nested.push({ anchor, path, body: () => blockChildren(path, b.block) });
  return `- \`${name}\` (Block${kind}${counts}${max}${b.block.deprecated ? ', Deprecated' : ''})${describe(b.block)}${seeBelow(anchor)}`;
}

function blockHasWriteOnly(b: BlockJSON): boolean {
  return Object.values(b.attributes ?? {}).some((a) => a.write_only) || Object.values(b.block_types ?? {}).some((t) => blockHasWriteOnly(t.block));
}

function nestedSections(nested: Nested[]): string[] {
  return nested.flatMap((n) => [`<a id="${n.anchor}"></a>\n### Nested Schema for \`${n.path.join('.')}\``, ...n.body()]);
}

/** Attributes and blocks of a block, grouped; at the top of the page the group titles are headings. */
function blockChildren(parents: string[], block: BlockJSON, root = false): string[] {
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  const groups: string[][] = [[], [], []];
  for (const name of sorted([...Object.keys(attributes), ...Object.keys(blocks)])) {
    const group = name in blocks ? blockGroup(blocks[name]) : attributeGroup(attributes[name]);
    if (group === undefined) throw new Error(`${[...parents, name].join('.')}: neither required, optional nor read-only, so it fits no group of the schema`);
    groups[group].push(name);
  }
  const out: string[] = [];
  const nested: Nested[] = [];
  groups.forEach((names, group) => {
    if (names.length === 0) return;
    out.push(root ? GROUPS[group].heading : GROUPS[group].label);
    if (names.some((n) => (n in blocks ? blockHasWriteOnly(blocks[n].block) : attributes[n].write_only))) out.push(WRITE_ONLY_NOTE);
    const g = group as Group;
    out.push(
      names.map((n) => (n in blocks ? blockItem([...parents, n], blocks[n], g, nested) : attributeItem([...parents, n], attributes[n], g, nested))).join('\n'),
    );
  });
  return [...out, ...nestedSections(nested)];
}

/** A nested attribute type's attributes, grouped like a block's. */
function attributeChildren(parents: string[], attributes: Record<string, AttributeJSON>): string[] {
  return blockChildren(parents, { attributes, description_kind: 'plain' });
}

/** An object type's attributes: no descriptions or flags of their own, listed under the owner's group. */
function objectChildren(parents: string[], attributes: Record<string, unknown>, group: Group): string[] {
  const nested: Nested[] = [];
  const items = sorted(Object.keys(attributes)).map((name) => {
    const path = [...parents, name];
    const type = attributes[name];
    const object = objectAttributes(type) ?? objectAttributes(elementType(type));
    const anchor = `nestedobjatt--${path.join('--')}`;
    if (object) nested.push({ anchor, path, body: () => objectChildren(path, object, group) });
    return `- \`${name}\` (${typeName(type, path.join('.'))})${object ? seeBelow(anchor) : ''}`;
  });
  return [GROUPS[group].label, items.join('\n'), ...nestedSections(nested)];
}

/** The "## Schema" section of a type, as page blocks. */
export function schemaSection(block: BlockJSON): string[] {
  return ['## Schema', ...blockChildren([], block, true)];
}

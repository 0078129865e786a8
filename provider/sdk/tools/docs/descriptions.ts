/**
 * @module tools/docs/descriptions
 * Every documented thing must be described: the type itself, each attribute (nested ones too) and each
 * block. Checked before anything is rendered, so one run names every gap rather than the first.
 */
import type { AttributeJSON, BlockJSON } from '../schema-json';

/** One undescribed thing: its dotted path from the type name, and what kind of type it belongs to. */
export interface DescriptionGap {
  /** "provider", "resource", "data source" or "ephemeral resource": a data source may share a resource's name. */
  kind: string;
  path: string;
}

export class MissingDescriptionError extends Error {
  readonly code = 'missing_description';
  constructor(readonly gaps: DescriptionGap[]) {
    super(gaps.map((g) => `${g.path} has no description (${g.kind})`).join('\n'));
    this.name = 'MissingDescriptionError';
  }
}

const described = (d: string | undefined) => d !== undefined && d.trim() !== '';

function attributeGaps(path: string, attributes: Record<string, AttributeJSON> | undefined, out: string[]): void {
  for (const [name, a] of Object.entries(attributes ?? {})) {
    if (!described(a.description)) out.push(`${path}.${name}`);
    if (a.nested_type) attributeGaps(`${path}.${name}`, a.nested_type.attributes, out);
  }
}

function blockGaps(path: string, block: BlockJSON, out: string[]): void {
  attributeGaps(path, block.attributes, out);
  for (const [name, b] of Object.entries(block.block_types ?? {})) {
    if (!described(b.block.description)) out.push(`${path}.${name}`);
    blockGaps(`${path}.${name}`, b.block, out);
  }
}

/** The paths under `name` (the type's own name first, when the type itself is undescribed) that lack one. */
export function missingDescriptions(name: string, block: BlockJSON): string[] {
  const out = described(block.description) ? [] : [name];
  blockGaps(name, block, out);
  return out.sort();
}

/**
 * @module framework/schema/proto
 * Schemas in their wire form (tfplugin6 Schema). Types go out as their JSON text in a Buffer: protobufjs would
 * base64-decode a JS string given for a bytes field, and Terraform panics on unparsable type JSON.
 */
import { typeToJSON } from '../../cty/types';
import type * as P from '../../protocol/types';
import type { AnyAttribute, NestedAttributeObject } from './attributes';
import type { AnyBlock, BlockObject } from './blocks';
import type { AnySchema } from './schema';

function describe(d: { description?: string; markdownDescription?: string }): Pick<P.SchemaAttribute, 'description' | 'description_kind'> {
  if (d.markdownDescription !== undefined) return { description: d.markdownDescription, description_kind: 'MARKDOWN' };
  return { description: d.description ?? '', description_kind: 'PLAIN' };
}

export function attributeToProto(name: string, a: AnyAttribute): P.SchemaAttribute {
  const out: P.SchemaAttribute = {
    name,
    ...describe(a),
    required: a.required,
    optional: a.optional,
    computed: a.computed,
    sensitive: a.sensitive,
    deprecated: a.deprecated !== undefined,
    write_only: a.writeOnly,
  };
  if (a.nested) out.nested_type = nestedObjectToProto(a.nested.object, a.nested.nesting);
  else out.type = Buffer.from(typeToJSON(a.type));
  return out;
}

function nestedObjectToProto(o: NestedAttributeObject, nesting: 'single' | 'list' | 'set' | 'map'): P.SchemaObject {
  return {
    attributes: Object.entries(o.attributes).map(([n, a]) => attributeToProto(n, a)),
    nesting: nesting.toUpperCase() as P.ObjectNesting,
  };
}

export function blockObjectToProto(
  o: BlockObject,
  meta: { description?: string; markdownDescription?: string; deprecated?: string; version?: number },
): P.SchemaBlock {
  return {
    version: meta.version ?? 0,
    attributes: Object.entries(o.attributes).map(([n, a]) => attributeToProto(n, a)),
    block_types: Object.entries(o.blocks).map(([n, b]) => nestedBlockToProto(n, b)),
    ...describe(meta),
    deprecated: meta.deprecated !== undefined,
  };
}

function nestedBlockToProto(name: string, b: AnyBlock): P.SchemaNestedBlock {
  return {
    type_name: name,
    block: blockObjectToProto(b.object, b),
    nesting: b.nesting.toUpperCase() as P.BlockNesting,
    min_items: b.minItems,
    max_items: b.maxItems,
  };
}

export function schemaToProto(s: AnySchema): P.Schema {
  return { version: s.version, block: blockObjectToProto(s.object, { ...s, version: s.version }) };
}

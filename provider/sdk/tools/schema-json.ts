/**
 * @module tools/schema-json
 * A provider's schema in the shape `terraform providers schema -json` prints, built from the provider's own
 * GetProviderSchema answer: the same input Terraform's jsonprovider package works from, so the file equals
 * what Terraform would print (the e2e test holds the two side by side). Docs generators and the CDKTF
 * provider generator read this shape.
 *
 * Terraform's conventions kept here: false flags, empty descriptions and zero item counts are left out;
 * `description_kind` is always present ("plain" or "markdown"); nesting modes are lower case; types are cty
 * type JSON. Keys are sorted so the checked-in file diffs cleanly.
 */
import type * as P from '../protocol/types';

export interface SchemaJSONDocument {
  format_version: '1.0';
  provider_schemas: Record<string, ProviderSchemaJSON>;
}

export interface ProviderSchemaJSON {
  provider: SchemaJSON;
  resource_schemas?: Record<string, SchemaJSON>;
  data_source_schemas?: Record<string, SchemaJSON>;
  ephemeral_resource_schemas?: Record<string, SchemaJSON>;
  functions?: Record<string, FunctionJSON>;
}

export interface SchemaJSON {
  version: number;
  block: BlockJSON;
}

export interface BlockJSON {
  attributes?: Record<string, AttributeJSON>;
  block_types?: Record<string, BlockTypeJSON>;
  description?: string;
  description_kind: 'plain' | 'markdown';
  deprecated?: true;
}

export interface AttributeJSON {
  type?: unknown;
  nested_type?: { attributes: Record<string, AttributeJSON>; nesting_mode: string };
  description?: string;
  description_kind: 'plain' | 'markdown';
  deprecated?: true;
  required?: true;
  optional?: true;
  computed?: true;
  sensitive?: true;
  write_only?: true;
}

export interface BlockTypeJSON {
  nesting_mode: string;
  block: BlockJSON;
  min_items?: number;
  max_items?: number;
}

export interface FunctionJSON {
  description?: string;
  summary?: string;
  deprecation_message?: string;
  return_type: unknown;
  parameters?: ParameterJSON[];
  variadic_parameter?: ParameterJSON;
}

export interface ParameterJSON {
  name: string;
  description?: string;
  is_nullable?: true;
  type: unknown;
}

const kind = (k: P.StringKind | undefined): 'plain' | 'markdown' => (k === 'MARKDOWN' ? 'markdown' : 'plain');
const typeOf = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'));

/** Drops the fields Terraform omits: false, undefined, '' and 0 (item counts). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== false && v !== undefined && v !== '' && v !== 0)) as T;
}

function sortedRecord<V>(entries: [string, V][]): Record<string, V> | undefined {
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function attributeJSON(a: P.SchemaAttribute): AttributeJSON {
  return compact<AttributeJSON>({
    type: a.nested_type ? undefined : typeOf(a.type ?? Buffer.from('"dynamic"')),
    nested_type: a.nested_type ? { attributes: attributesJSON(a.nested_type.attributes) ?? {}, nesting_mode: a.nested_type.nesting.toLowerCase() } : undefined,
    description: a.description,
    description_kind: kind(a.description_kind),
    deprecated: a.deprecated || undefined,
    required: a.required || undefined,
    optional: a.optional || undefined,
    computed: a.computed || undefined,
    sensitive: a.sensitive || undefined,
    write_only: a.write_only || undefined,
  });
}

function attributesJSON(attrs: P.SchemaAttribute[]): Record<string, AttributeJSON> | undefined {
  return sortedRecord(attrs.map((a) => [a.name, attributeJSON(a)]));
}

function blockJSON(b: P.SchemaBlock): BlockJSON {
  return compact<BlockJSON>({
    attributes: attributesJSON(b.attributes),
    block_types: sortedRecord(
      b.block_types.map((nb) => [
        nb.type_name,
        compact<BlockTypeJSON>({ nesting_mode: nb.nesting.toLowerCase(), block: blockJSON(nb.block), min_items: nb.min_items, max_items: nb.max_items }),
      ]),
    ),
    description: b.description,
    description_kind: kind(b.description_kind),
    deprecated: b.deprecated || undefined,
  });
}

function schemaJSON(s: P.Schema): SchemaJSON {
  return { version: Number(s.version ?? 0), block: blockJSON(s.block) };
}

function parameterJSON(p: P.FunctionParameter): ParameterJSON {
  return compact<ParameterJSON>({ name: p.name, description: p.description, is_nullable: p.allow_null_value || undefined, type: typeOf(p.type) });
}

function functionJSON(f: P.FunctionSchema): FunctionJSON {
  return compact<FunctionJSON>({
    description: f.description,
    summary: f.summary,
    deprecation_message: f.deprecation_message,
    return_type: typeOf(f.return.type),
    parameters: f.parameters.length > 0 ? f.parameters.map(parameterJSON) : undefined,
    variadic_parameter: f.variadic_parameter ? parameterJSON(f.variadic_parameter) : undefined,
  });
}

const schemas = (m: Record<string, P.Schema>) => sortedRecord(Object.entries(m).map(([k, v]) => [k, schemaJSON(v)]));

/**
 * The document for one provider. `address` is the provider's source address as Terraform prints it
 * (`registry.terraform.io/NAMESPACE/TYPE`). Refuses a response that carries error diagnostics: a schema
 * the provider itself reports as broken must not be written out as if it were good.
 */
export function providerSchemaJSON(address: string, resp: P.GetProviderSchema.Response): SchemaJSONDocument {
  const errors = resp.diagnostics.filter((d) => d.severity === 'ERROR');
  if (errors.length > 0) throw new Error(`the provider's schema has errors: ${errors.map((d) => `${d.summary}: ${d.detail ?? ''}`).join('; ')}`);
  const provider = compact<ProviderSchemaJSON>({
    provider: schemaJSON(resp.provider),
    resource_schemas: schemas(resp.resource_schemas),
    data_source_schemas: schemas(resp.data_source_schemas),
    ephemeral_resource_schemas: schemas(resp.ephemeral_resource_schemas),
    functions: sortedRecord(Object.entries(resp.functions).map(([k, v]) => [k, functionJSON(v)])),
  });
  return { format_version: '1.0', provider_schemas: { [address]: provider } };
}

/** The same, from a provider server: asks it for its schema as Terraform would. */
export async function serverSchemaJSON(address: string, server: P.ProviderServer): Promise<SchemaJSONDocument> {
  const silent = () => undefined;
  const ctx: P.CallContext = {
    signal: new AbortController().signal,
    log: { trace: silent, debug: silent, info: silent, warn: silent, error: silent },
    rpc: 'GetProviderSchema',
  };
  return providerSchemaJSON(address, await server.getProviderSchema({}, ctx));
}

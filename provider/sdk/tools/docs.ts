/**
 * @module tools/docs
 * Provider documentation in the Terraform Registry's layout, made the way HashiCorp's tfplugindocs makes it
 * from the same inputs: the schema JSON (`terraform providers schema -json`) and the examples folder.
 * `docs/index.md` for the provider, `docs/resources/<name>.md`, `docs/data-sources/<name>.md` and
 * `docs/ephemeral-resources/<name>.md` for each type, the name being the type's without the provider's
 * prefix. Each page has front matter, the description, "## Example Usage", "## Schema" and, for an
 * importable resource, "## Import". Output is deterministic, so a checked-in copy can be compared with a
 * fresh one; every type, attribute and block must be described, or nothing is generated.
 *
 * @example
 * const files = providerDocs({ document, address: 'registry.terraform.io/acme/acme', name: 'acme',
 *   examples: examplesDir('examples', { required: true }) });
 * // [{ path: 'index.md', content: '---\npage_title: "acme Provider"\n…' }, { path: 'resources/thing.md', … }]
 */
import type { BlockJSON, ProviderSchemaJSON, SchemaJSON, SchemaJSONDocument } from './schema-json';
import { type DescriptionGap, MissingDescriptionError, missingDescriptions } from './docs/descriptions';
import type { Examples, TypeKind } from './docs/examples';
import { schemaSection } from './docs/schema-md';
import { codeBlock, markdownOf, page, plainOf, yamlBlock } from './docs/text';

export { type DescriptionGap, MissingDescriptionError } from './docs/descriptions';
export { type Examples, MissingExampleError, type TypeKind, examplesDir } from './docs/examples';

export interface ProviderDocsInput {
  document: SchemaJSONDocument;
  /** The provider's key in the document: `registry.terraform.io/NAMESPACE/TYPE`. */
  address: string;
  /** The provider's local name, the prefix of its type names: `keyplane` for `keyplane_api_key`. */
  name: string;
  examples: Examples;
  /** Markdown for the provider page, between its example and its schema: authentication and the like. */
  intro?: string;
  /** A YAML comment put in every page's front matter, saying where the page comes from. */
  generatedBy?: string;
}

/** One page; `path` is relative to the docs folder, with forward slashes. */
export interface DocFile {
  path: string;
  content: string;
}

const KINDS: { kind: TypeKind; key: 'resource_schemas' | 'data_source_schemas' | 'ephemeral_resource_schemas'; folder: string; title: string }[] = [
  { kind: 'resource', key: 'resource_schemas', folder: 'resources', title: 'Resource' },
  { kind: 'data-source', key: 'data_source_schemas', folder: 'data-sources', title: 'Data Source' },
  { kind: 'ephemeral-resource', key: 'ephemeral_resource_schemas', folder: 'ephemeral-resources', title: 'Ephemeral Resource' },
];

const byName = <V>(r: Record<string, V> | undefined): [string, V][] => Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function frontMatter(fields: [string, string][], generatedBy: string | undefined): string {
  return ['---', ...(generatedBy ? [`# ${generatedBy}`] : []), ...fields.map(([k, v]) => `${k}: ${v}`), '---'].join('\n');
}

const description = (b: BlockJSON) => yamlBlock(plainOf(b.description ?? '', b.description_kind));

function typePage(input: ProviderDocsInput, kind: (typeof KINDS)[number], typeName: string, schema: SchemaJSON): string {
  const block = schema.block;
  const example = input.examples.example(kind.kind, typeName);
  const importCommands = kind.kind === 'resource' ? input.examples.importCommands(typeName) : undefined;
  const label = kind.title.toLowerCase();
  return page([
    frontMatter(
      [
        ['page_title', `"${typeName} ${kind.title} - terraform-provider-${input.name}"`],
        ['subcategory', '""'],
        ['description', description(block)],
      ],
      input.generatedBy,
    ),
    `# ${typeName} (${kind.title})`,
    block.deprecated ? `~> **Deprecated** This ${label} is deprecated.` : undefined,
    markdownOf(block.description ?? '', block.description_kind),
    ...(example === undefined ? [] : ['## Example Usage', codeBlock('terraform', example)]),
    ...schemaSection(block),
    ...(importCommands === undefined ? [] : ['## Import', 'Import is supported using the following syntax:', codeBlock('shell', importCommands)]),
  ]);
}

function providerPage(input: ProviderDocsInput, schema: SchemaJSON): string {
  const block = schema.block;
  const example = input.examples.provider();
  // The registry refuses a subcategory on the provider page (tfplugindocs validate: RegistryIndexFrontMatterOptions).
  return page([
    frontMatter(
      [
        ['page_title', `"${input.name} Provider"`],
        ['description', description(block)],
      ],
      input.generatedBy,
    ),
    `# ${input.name} Provider`,
    markdownOf(block.description ?? '', block.description_kind),
    ...(example === undefined ? [] : ['## Example Usage', codeBlock('terraform', example)]),
    input.intro,
    ...schemaSection(block),
  ]);
}

function providerSchema(input: ProviderDocsInput): ProviderSchemaJSON {
  const p = input.document.provider_schemas[input.address];
  if (!p) throw new Error(`the schema document has no provider ${input.address} (it has ${Object.keys(input.document.provider_schemas).join(', ') || 'none'})`);
  // Functions would need pages of their own (docs/functions/); failing beats leaving them out unsaid.
  if (Object.keys(p.functions ?? {}).length > 0) throw new Error(`${input.address} has functions, which this generator does not document yet`);
  return p;
}

/** The name a type's page is filed under: `keyplane_api_key` → `api_key`, as tfplugindocs' resourceShortName. */
export function pageName(typeName: string, providerName: string): string {
  return typeName.startsWith(`${providerName}_`) ? typeName.slice(providerName.length + 1) : typeName;
}

/** Every page of the provider, sorted by path. Throws MissingDescriptionError naming every gap first. */
export function providerDocs(input: ProviderDocsInput): DocFile[] {
  const p = providerSchema(input);
  const gaps: DescriptionGap[] = missingDescriptions('provider', p.provider.block).map((path) => ({ kind: `provider ${input.name}`, path }));
  for (const k of KINDS) {
    for (const [typeName, s] of byName(p[k.key])) gaps.push(...missingDescriptions(typeName, s.block).map((path) => ({ kind: k.title.toLowerCase(), path })));
  }
  if (gaps.length > 0) throw new MissingDescriptionError(gaps);

  const files: DocFile[] = [{ path: 'index.md', content: providerPage(input, p.provider) }];
  for (const k of KINDS) {
    for (const [typeName, s] of byName(p[k.key]))
      files.push({ path: `${k.folder}/${pageName(typeName, input.name)}.md`, content: typePage(input, k, typeName, s) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

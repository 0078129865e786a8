import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingExampleError } from '../../provider/sdk/tools/docs';
import { markdownOf } from '../../provider/sdk/tools/docs/text';
import type { AttributeJSON, BlockJSON, SchemaJSONDocument } from '../../provider/sdk/tools/schema-json';
import { dataSources, ephemeralResources, resources } from '../../provider/keyplane/registration';
import { EXAMPLES_DIR, generateDocs } from './docs';

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', 'keyplane.json'), 'utf8')) as SchemaJSONDocument;
const provider = Object.values(document.provider_schemas)[0];
const KINDS = [
  { folder: 'resources', examples: 'resources', file: 'resource.tf', schemas: provider.resource_schemas ?? {} },
  { folder: 'data-sources', examples: 'data-sources', file: 'data-source.tf', schemas: provider.data_source_schemas ?? {} },
  { folder: 'ephemeral-resources', examples: 'ephemeral-resources', file: 'ephemeral-resource.tf', schemas: provider.ephemeral_resource_schemas ?? {} },
];
const types = KINDS.flatMap((k) =>
  Object.entries(k.schemas).map(([name, s]) => ({ ...k, name, block: s.block, page: `docs/${k.folder}/${name.replace(/^keyplane_/, '')}.md` })),
);
const example = (...path: string[]) => readFileSync(join(EXAMPLES_DIR, ...path), 'utf8').trimEnd();

let pages: Map<string, string>;
beforeAll(async () => {
  const generated = await generateDocs(document);
  pages = new Map(generated.files.map((f) => [f.path, f.content]));
});

/** The part of a page listing what `anchor` points at, up to the next nested section (all of the top otherwise). */
function section(page: string, anchor: string | undefined): string {
  const start = anchor === undefined ? 0 : page.indexOf(`<a id="${anchor}"></a>`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = page.indexOf('<a id="', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}

/** Every attribute and block under `block`, each with the section its item belongs in. */
function items(
  block: BlockJSON,
  path: string[] = [],
  anchor?: string,
): { path: string[]; anchor?: string; d: { description?: string; description_kind: 'plain' | 'markdown' } }[] {
  const attributes = (attrs: Record<string, AttributeJSON>, parents: string[], at?: string): ReturnType<typeof items> =>
    Object.entries(attrs).flatMap(([name, a]) => [
      { path: [...parents, name], anchor: at, d: a },
      ...(a.nested_type ? attributes(a.nested_type.attributes, [...parents, name], `nestedatt--${[...parents, name].join('--')}`) : []),
    ]);
  return [
    ...attributes(block.attributes ?? {}, path, anchor),
    ...Object.entries(block.block_types ?? {}).flatMap(([name, b]) => [
      { path: [...path, name], anchor, d: b.block },
      ...items(b.block, [...path, name], `nestedblock--${[...path, name].join('--')}`),
    ]),
  ];
}

test('one page per resource, data source and ephemeral resource in schemas/keyplane.json, and the provider page', () => {
  // Every type the provider registers is in the schema file these pages come from.
  const registered = [...resources, ...dataSources, ...ephemeralResources].map((make) => make().typeName);
  expect(types.map((t) => t.name).sort()).toEqual(registered.sort());
  expect([...pages.keys()].sort()).toEqual(['docs/index.md', ...types.map((t) => t.page)].sort());
});

test.each(types.map((t) => [t.page, t] as const))('%s shows its example', (_page, t) => {
  expect(pages.get(t.page)).toContain(`## Example Usage\n\n\`\`\`terraform\n${example(t.examples, t.name, t.file)}\n\`\`\`\n`);
});

test.each(types.filter((t) => t.folder === 'resources').map((t) => [t.page, t] as const))('%s has an import section with import.sh', (_page, t) => {
  expect(pages.get(t.page)).toContain(
    `## Import\n\nImport is supported using the following syntax:\n\n\`\`\`shell\n${example('resources', t.name, 'import.sh')}\n\`\`\`\n`,
  );
});

test('only resources have an import section', () => {
  for (const t of types.filter((t) => t.folder !== 'resources')) expect(pages.get(t.page)).not.toContain('## Import');
});

test.each(types.map((t) => [t.page, t] as const))('%s lists every attribute and block with its description', (_page, t) => {
  const page = pages.get(t.page)!;
  expect(page).toContain(`\n# ${t.name} (`);
  expect(page).toContain(`\n\n${markdownOf(t.block.description!, t.block.description_kind)}\n\n`);
  const all = items(t.block);
  expect(all.length).toBeGreaterThan(3);
  for (const { path, anchor, d } of all) {
    const line = section(page, anchor)
      .split('\n')
      .find((l) => l.startsWith(`- \`${path[path.length - 1]}\` (`));
    expect([path.join('.'), line]).toEqual([path.join('.'), expect.stringContaining(` ${markdownOf(d.description!, d.description_kind)}`)]);
  }
});

test('the provider page shows provider.tf, the provider schema, how to authenticate and how to keep secrets out of state', () => {
  const index = pages.get('docs/index.md')!;
  expect(index).toMatch(/^---\npage_title: |^---\n# .*\npage_title: /);
  expect(index).toContain(`\`\`\`terraform\n${example('provider', 'provider.tf')}\n\`\`\``);
  for (const name of Object.keys(provider.provider.block.attributes ?? {})) expect(index).toContain(`\n- \`${name}\` (`);
  for (const words of [
    '## Authentication',
    'KEYPLANE_ENDPOINT',
    'KEYPLANE_API_KEY',
    '## Keeping secrets out of state',
    '`pgp_key`',
    '`output_to_secret_store`',
  ])
    expect(index).toContain(words);
  expect(index).not.toContain('subcategory');
});

test('owns the three type folders, not the hand-written docs/api/; index.md is one file it makes', async () => {
  const { owns, files } = await generateDocs(document);
  expect(owns).toEqual(['docs/resources', 'docs/data-sources', 'docs/ephemeral-resources']);
  expect(files.filter((f) => !owns.some((o) => f.path.startsWith(`${o}/`))).map((f) => f.path)).toEqual(['docs/index.md']);
});

test('without a document it documents the running provider', async () => {
  const { files } = await generateDocs();
  expect(files.map((f) => f.path)).toEqual([...pages.keys()]);
});

test('a type without its example file is an error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-examples-'));
  try {
    cpSync(EXAMPLES_DIR, dir, { recursive: true });
    rmSync(join(dir, 'data-sources', 'keyplane_scopes', 'data-source.tf'));
    await expect(generateDocs(document, dir)).rejects.toThrow(MissingExampleError);
    await expect(generateDocs(document, dir)).rejects.toThrow(
      `data source keyplane_scopes has no example: expected ${join(dir, 'data-sources', 'keyplane_scopes', 'data-source.tf')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

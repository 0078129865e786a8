import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DocFile, type Examples, MissingDescriptionError, MissingExampleError, examplesDir, pageName, providerDocs } from './docs';
import { escapePlain, plainOf } from './docs/text';
import { typeName } from './docs/type-name';
import type { AttributeJSON, BlockJSON, SchemaJSONDocument } from './schema-json';

const ADDRESS = 'registry.terraform.io/acme/acme';

const attr = (type: unknown, flags: Partial<AttributeJSON>, description = 'Described.'): AttributeJSON => ({
  type,
  description,
  description_kind: 'plain',
  ...flags,
});
const nested = (nesting_mode: string, flags: Partial<AttributeJSON>): AttributeJSON => ({
  nested_type: { nesting_mode, attributes: { inner: attr('string', { optional: true }, 'Inner.'), out: attr('number', { computed: true }, 'Out.') } },
  description: `Nested ${nesting_mode}.`,
  description_kind: 'plain',
  ...flags,
});
const block = (attributes: Record<string, AttributeJSON>, description = 'A block.', extra: Partial<BlockJSON> = {}): BlockJSON => ({
  attributes,
  description,
  description_kind: 'plain',
  ...extra,
});

function documentOf(p: {
  provider?: BlockJSON;
  resources?: Record<string, BlockJSON>;
  dataSources?: Record<string, BlockJSON>;
  ephemeral?: Record<string, BlockJSON>;
}): SchemaJSONDocument {
  const schemas = (r: Record<string, BlockJSON> | undefined) =>
    r ? Object.fromEntries(Object.entries(r).map(([k, b]) => [k, { version: 0, block: b }])) : undefined;
  return {
    format_version: '1.0',
    provider_schemas: {
      [ADDRESS]: {
        provider: { version: 0, block: p.provider ?? block({ region: attr('string', { optional: true }, 'Where.') }, 'The Acme provider.') },
        resource_schemas: schemas(p.resources),
        data_source_schemas: schemas(p.dataSources),
        ephemeral_resource_schemas: schemas(p.ephemeral),
      },
    },
  };
}

function memoryExamples(files: Record<string, string>): Examples {
  return {
    provider: () => files.provider,
    example: (kind, type) => files[`${kind}/${type}`],
    importCommands: (type) => files[`import/${type}`],
  };
}

const render = (document: SchemaJSONDocument, examples: Record<string, string> = {}, intro?: string): DocFile[] =>
  providerDocs({ document, address: ADDRESS, name: 'acme', examples: memoryExamples(examples), intro });
const pageOf = (files: DocFile[], path: string) => files.find((f) => f.path === path)?.content ?? '';

describe('a small resource, rendered exactly', () => {
  const document = documentOf({
    resources: {
      acme_thing: block(
        {
          name: attr('string', { required: true }, 'Name of the thing.'),
          tags: attr(['map', 'string'], { optional: true }, 'Tags.'),
          token: attr('string', { computed: true, sensitive: true }, 'The token.'),
        },
        'A thing.',
        {
          block_types: {
            rule: { nesting_mode: 'list', min_items: 1, max_items: 1, block: block({ cidr: attr('string', { required: true }, 'A CIDR.') }, 'One rule.') },
          },
        },
      ),
    },
  });
  const files = render(document, {
    'resource/acme_thing': 'resource "acme_thing" "x" {\n  name = "x"\n}\n',
    'import/acme_thing': 'terraform import acme_thing.x th_1\n',
  });

  test('the page is what tfplugindocs would write', () => {
    expect(pageOf(files, 'resources/thing.md')).toBe(`---
page_title: "acme_thing Resource - terraform-provider-acme"
subcategory: ""
description: |-
  A thing.
---

# acme_thing (Resource)

A thing.

## Example Usage

\`\`\`terraform
resource "acme_thing" "x" {
  name = "x"
}
\`\`\`

## Schema

### Required

- \`name\` (String) Name of the thing.
- \`rule\` (Block List, Min: 1, Max: 1) One rule. (see [below for nested schema](#nestedblock--rule))

### Optional

- \`tags\` (Map of String) Tags.

### Read-Only

- \`token\` (String, Sensitive) The token.

<a id="nestedblock--rule"></a>
### Nested Schema for \`rule\`

Required:

- \`cidr\` (String) A CIDR.

## Import

Import is supported using the following syntax:

\`\`\`shell
terraform import acme_thing.x th_1
\`\`\`
`);
  });

  test('the provider page carries the provider schema and no subcategory, which the registry refuses there', () => {
    expect(files.map((f) => f.path)).toEqual(['index.md', 'resources/thing.md']);
    expect(pageOf(files, 'index.md')).toBe(`---
page_title: "acme Provider"
description: |-
  The Acme provider.
---

# acme Provider

The Acme provider.

## Schema

### Optional

- \`region\` (String) Where.
`);
  });
});

describe('every kind of type and flag', () => {
  const everything = block(
    {
      s: attr('string', { required: true }),
      n: attr('number', { optional: true }),
      b: attr('bool', { computed: true }),
      d: attr('dynamic', { optional: true }),
      l: attr(['list', 'string'], { optional: true }),
      st: attr(['set', 'number'], { optional: true }),
      m: attr(['map', 'bool'], { optional: true }),
      lol: attr(['list', ['list', 'string']], { optional: true }, 'Lists of lists.'),
      obj: attr(['object', { a: 'string', inner: ['list', ['object', { x: 'number' }]] }], { optional: true }, 'An object.'),
      tup: attr(['tuple', ['string', 'number']], { computed: true }, 'A tuple.'),
      single: nested('single', { optional: true }),
      many: nested('list', { computed: true }),
      unique: nested('set', { optional: true, sensitive: true }),
      named: nested('map', { required: true }),
      password: attr('string', { optional: true, sensitive: true, write_only: true }, 'Sent, never stored.'),
      old: attr('string', { optional: true, deprecated: true }, 'Use s.'),
      md: { type: 'string', optional: true, description: 'Uses `code` and **bold**.\n\nA second  \nparagraph.', description_kind: 'markdown' },
    },
    'Everything.',
    {
      block_types: {
        one: { nesting_mode: 'single', block: block({ v: attr('string', { optional: true }, 'V.') }, 'A single block.') },
        rules: {
          nesting_mode: 'list',
          min_items: 1,
          max_items: 3,
          block: block({ v: attr('string', { required: true }, 'V.') }, 'Rules.', {
            block_types: { deep: { nesting_mode: 'set', block: block({ w: attr('string', { optional: true }, 'W.') }, 'Deeper.') } },
          }),
        },
        tags: { nesting_mode: 'set', block: block({ k: attr('string', { required: true }, 'K.') }, 'Tags.') },
        by_name: { nesting_mode: 'map', block: block({ k: attr('string', { optional: true }, 'K.') }, 'By name.') },
        status: { nesting_mode: 'list', block: block({ state: attr('string', { computed: true }, 'State.') }, 'Status, read only.') },
        legacy: { nesting_mode: 'single', block: block({ v: attr('string', { optional: true }, 'V.') }, 'Old block.', { deprecated: true }) },
      },
    },
  );
  const files = render(
    documentOf({ resources: { acme_everything: everything }, dataSources: { acme_everything: everything }, ephemeral: { acme_everything: everything } }),
  );
  const text = pageOf(files, 'resources/everything.md');

  test('types are named as tfplugindocs names them', () => {
    for (const line of [
      '- `s` (String) Described.',
      '- `n` (Number) Described.',
      '- `b` (Boolean) Described.',
      '- `d` (Dynamic) Described.',
      '- `l` (List of String) Described.',
      '- `st` (Set of Number) Described.',
      '- `m` (Map of Boolean) Described.',
      '- `lol` (List of List of String) Lists of lists.',
      '- `obj` (Object) An object. (see [below for nested schema](#nestedatt--obj))',
      '- `tup` (Tuple) A tuple.',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
  });

  test('nested attributes of each nesting mode, with their children in their own section', () => {
    expect(text).toContain('\n- `single` (Attributes) Nested single. (see [below for nested schema](#nestedatt--single))\n');
    expect(text).toContain('\n- `many` (Attributes List) Nested list. (see [below for nested schema](#nestedatt--many))\n');
    expect(text).toContain('\n- `unique` (Attributes Set, Sensitive) Nested set. (see [below for nested schema](#nestedatt--unique))\n');
    expect(text).toContain('\n- `named` (Attributes Map) Nested map. (see [below for nested schema](#nestedatt--named))\n');
    expect(text).toContain(
      '<a id="nestedatt--many"></a>\n### Nested Schema for `many`\n\nOptional:\n\n- `inner` (String) Inner.\n\nRead-Only:\n\n- `out` (Number) Out.\n',
    );
  });

  test('object types list their attributes, and objects inside them get a section too', () => {
    expect(text).toContain(
      '<a id="nestedatt--obj"></a>\n### Nested Schema for `obj`\n\nOptional:\n\n- `a` (String)\n- `inner` (List of Object) (see [below for nested schema](#nestedobjatt--obj--inner))\n',
    );
    expect(text).toContain('<a id="nestedobjatt--obj--inner"></a>\n### Nested Schema for `obj.inner`\n\nOptional:\n\n- `x` (Number)\n');
  });

  test('blocks say their nesting, their item counts and where they belong', () => {
    expect(text).toContain(
      '### Required\n\n- `named` (Attributes Map) Nested map. (see [below for nested schema](#nestedatt--named))\n- `rules` (Block List, Min: 1, Max: 3) Rules.',
    );
    expect(text).toContain('\n- `one` (Block, Optional) A single block. (see [below for nested schema](#nestedblock--one))\n');
    expect(text).toContain('\n- `tags` (Block Set) Tags. (see [below for nested schema](#nestedblock--tags))\n');
    expect(text).toContain('\n- `by_name` (Block Map) By name. (see [below for nested schema](#nestedblock--by_name))\n');
    expect(text).toContain('\n- `legacy` (Block, Optional, Deprecated) Old block. (see [below for nested schema](#nestedblock--legacy))\n');
    expect(text).toMatch(/### Read-Only\n\n(- .*\n)*- `status` \(Block List\) Status, read only\./);
    // A block inside a block: its section follows its parent's, under the dotted path.
    expect(text).toContain(
      '<a id="nestedblock--rules"></a>\n### Nested Schema for `rules`\n\nRequired:\n\n- `v` (String) V.\n\nOptional:\n\n- `deep` (Block Set) Deeper. (see [below for nested schema](#nestedblock--rules--deep))\n\n<a id="nestedblock--rules--deep"></a>\n### Nested Schema for `rules.deep`\n',
    );
  });

  test('sensitive, write-only and deprecated attributes are marked, with the write-only note on their group', () => {
    expect(text).toContain(
      '### Optional\n\n> **NOTE**: [Write-only arguments](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments) are supported in Terraform 1.11 and later.\n\n- `by_name`',
    );
    expect(text).toContain(
      '\n- `password` (String, Sensitive, [Write-only](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments)) Sent, never stored.\n',
    );
    expect(text).toContain('\n- `old` (String, Deprecated) Use s.\n');
    expect(text.match(/> \*\*NOTE\*\*/g)).toHaveLength(1);
  });

  test('a markdown description is kept as written, its later lines indented so they stay in the list item', () => {
    expect(text).toContain('\n- `md` (String) Uses `code` and **bold**.\n\n  A second\\\n  paragraph.\n');
  });

  test('every link points at an anchor on the page', () => {
    const links = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    const anchors = [...text.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    expect(anchors.sort()).toEqual([...new Set(links)].sort());
  });

  test('a data source and an ephemeral resource of the same name get pages of their own', () => {
    expect(files.map((f) => f.path)).toEqual(['data-sources/everything.md', 'ephemeral-resources/everything.md', 'index.md', 'resources/everything.md']);
    expect(pageOf(files, 'data-sources/everything.md')).toContain('page_title: "acme_everything Data Source - terraform-provider-acme"\n');
    expect(pageOf(files, 'data-sources/everything.md')).toContain('\n# acme_everything (Data Source)\n');
    expect(pageOf(files, 'ephemeral-resources/everything.md')).toContain('\n# acme_everything (Ephemeral Resource)\n');
  });

  test('pages have no trailing spaces and end in one newline', () => {
    for (const f of files) {
      expect(f.content).not.toMatch(/[ \t]$/m);
      expect(f.content).toMatch(/[^\n]\n$/);
    }
  });
});

describe('descriptions', () => {
  test('a missing description anywhere is an error naming every path', () => {
    const document = documentOf({
      provider: block({ region: attr('string', { optional: true }, '') }, 'The provider.'),
      resources: {
        acme_key: block(
          {
            name: attr('string', { required: true }, 'Name.'),
            nested: {
              ...nested('list', { optional: true }),
              nested_type: { nesting_mode: 'list', attributes: { x: { type: 'string', optional: true, description_kind: 'plain' } } },
            },
          },
          'A key.',
          {
            block_types: {
              output_to_secret_store: { nesting_mode: 'single', block: block({ name: { type: 'string', required: true, description_kind: 'plain' } }, '') },
            },
          },
        ),
      },
      dataSources: { acme_key: block({ id: attr('string', { required: true }, 'Id.') }, '  ') },
    });
    let error: unknown;
    try {
      render(document);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MissingDescriptionError);
    expect((error as MissingDescriptionError).code).toBe('missing_description');
    expect((error as MissingDescriptionError).gaps).toEqual([
      { kind: 'provider acme', path: 'provider.region' },
      { kind: 'resource', path: 'acme_key.nested.x' },
      { kind: 'resource', path: 'acme_key.output_to_secret_store' },
      { kind: 'resource', path: 'acme_key.output_to_secret_store.name' },
      { kind: 'data source', path: 'acme_key' },
    ]);
    expect((error as Error).message).toContain('acme_key.output_to_secret_store.name has no description (resource)');
  });

  test.each([
    ['pgp_key and key_… stay as typed', 'pgp_key and key_…', 'pgp_key and key_…'],
    ['emphasis markers are escaped', 'keyplane.* and _all_', 'keyplane.\\* and \\_all_'],
    ['code spans, links, HTML and entities are escaped', 'a `b` [c](d) <e> &amp; & f', 'a \\`b\\` \\[c](d) \\<e> \\&amp; & f'],
    ['block markers only at the start of a line', '# one\n- two\n3. three\n> four, a-b #5', '\\# one\n\\- two\n3\\. three\n\\> four, a-b #5'],
    ['a backslash stays a backslash', 'C:\\dir', 'C:\\\\dir'],
  ])('plain text is escaped minimally: %s', (_name, plain, escaped) => {
    expect(escapePlain(plain)).toBe(escaped);
  });

  test('the front matter gets markdown reduced to plain text, and plain text as written', () => {
    expect(plainOf('Use [the API](https://x.test) with `key_id`, **never** _the_ secret.', 'markdown')).toBe('Use the API with key_id, never the secret.');
    expect(plainOf('Use *this* `as is`.', 'plain')).toBe('Use *this* `as is`.');
  });

  test('a plain description with markdown characters renders as the text it is', () => {
    const files = render(
      documentOf({
        resources: { acme_x: block({ glob: attr('string', { optional: true }, 'Matches keyplane.* names, not <b>bold</b>.') }, 'Has * and `ticks`.') },
      }),
    );
    const text = pageOf(files, 'resources/x.md');
    expect(text).toContain('description: |-\n  Has * and `ticks`.\n');
    expect(text).toContain('\n# acme_x (Resource)\n\nHas \\* and \\`ticks\\`.\n');
    expect(text).toContain('- `glob` (String) Matches keyplane.\\* names, not \\<b>bold\\</b>.\n');
  });
});

describe('the rest of the page', () => {
  test('output does not depend on the order of the schema keys', () => {
    const a = block({ b: attr('string', { optional: true }), a: attr('string', { optional: true }), c: attr('string', { computed: true }) }, 'X.');
    const b = block({ c: attr('string', { computed: true }), a: attr('string', { optional: true }), b: attr('string', { optional: true }) }, 'X.');
    const one = render(documentOf({ resources: { acme_z: a, acme_y: a } }));
    expect(render(documentOf({ resources: { acme_y: b, acme_z: b } }))).toEqual(one);
    expect(pageOf(one, 'resources/z.md')).toContain('- `a` (String) Described.\n- `b` (String) Described.\n');
  });

  test('an example holding a code fence gets a longer fence', () => {
    const files = render(documentOf({ resources: { acme_x: block({}, 'X.') } }), { 'resource/acme_x': 'locals {\n  doc = <<EOT\n```\nhi\n```\nEOT\n}\n' });
    expect(pageOf(files, 'resources/x.md')).toContain('## Example Usage\n\n````terraform\nlocals {\n  doc = <<EOT\n```\nhi\n```\nEOT\n}\n````\n');
  });

  test('the provider page shows its example, then the intro, then the schema', () => {
    const files = render(documentOf({}), { provider: 'provider "acme" {}\n' }, '## Authentication\n\nSet ACME_TOKEN.');
    expect(pageOf(files, 'index.md')).toContain(
      '\n## Example Usage\n\n```terraform\nprovider "acme" {}\n```\n\n## Authentication\n\nSet ACME_TOKEN.\n\n## Schema\n',
    );
  });

  test('a deprecated type says so before its description', () => {
    const files = render(documentOf({ dataSources: { acme_old: block({}, 'Old.', { deprecated: true }) } }));
    expect(pageOf(files, 'data-sources/old.md')).toContain('# acme_old (Data Source)\n\n~> **Deprecated** This data source is deprecated.\n\nOld.\n');
  });

  test('a page is named for its type without the provider prefix', () => {
    expect(pageName('acme_api_key', 'acme')).toBe('api_key');
    expect(pageName('other_thing', 'acme')).toBe('other_thing');
  });

  test('an attribute that is neither required, optional nor computed is refused', () => {
    expect(() =>
      render(documentOf({ resources: { acme_x: block({ odd: { type: 'string', description: 'Odd.', description_kind: 'plain' } }, 'X.') } })),
    ).toThrow('odd: neither required, optional nor read-only');
  });

  test('a provider missing from the document, or one with functions, is refused', () => {
    expect(() => providerDocs({ document: documentOf({}), address: 'registry.terraform.io/acme/other', name: 'other', examples: memoryExamples({}) })).toThrow(
      'the schema document has no provider registry.terraform.io/acme/other (it has registry.terraform.io/acme/acme)',
    );
    const withFunctions = documentOf({});
    withFunctions.provider_schemas[ADDRESS].functions = { f: { return_type: 'string' } };
    expect(() => render(withFunctions)).toThrow('has functions');
  });
});

describe('examplesDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docs-examples-'));
    for (const [path, text] of Object.entries({
      'provider/provider.tf': 'provider "acme" {}\n',
      'resources/acme_x/resource.tf': 'resource "acme_x" "a" {}\n',
      'resources/acme_x/import.sh': 'terraform import acme_x.a 1\n',
    })) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("reads tfplugindocs' layout", () => {
    const examples = examplesDir(dir);
    expect(examples.provider()).toBe('provider "acme" {}\n');
    expect(examples.example('resource', 'acme_x')).toBe('resource "acme_x" "a" {}\n');
    expect(examples.importCommands('acme_x')).toBe('terraform import acme_x.a 1\n');
    expect(examples.example('data-source', 'acme_x')).toBeUndefined();
  });

  test('with required, a missing example names the file expected; import commands stay optional', () => {
    const examples = examplesDir(dir, { required: true });
    expect(() => examples.example('ephemeral-resource', 'acme_y')).toThrow(MissingExampleError);
    expect(() => examples.example('ephemeral-resource', 'acme_y')).toThrow(
      `ephemeral resource acme_y has no example: expected ${join(dir, 'ephemeral-resources', 'acme_y', 'ephemeral-resource.tf')}`,
    );
    expect(() => examples.example('data-source', 'acme_x')).toThrow(join(dir, 'data-sources', 'acme_x', 'data-source.tf'));
    expect(examples.importCommands('acme_y')).toBeUndefined();
  });
});

describe('typeName', () => {
  it.each([
    ['string', 'String'],
    ['bool', 'Boolean'],
    ['dynamic', 'Dynamic'],
    [['set', ['map', 'number']], 'Set of Map of Number'],
    [['object', { a: 'string' }, ['a']], 'Object'],
    [['tuple', ['string', 'bool']], 'Tuple'],
  ])('names %j %s', (type, name) => {
    expect(typeName(type, 'x')).toBe(name);
  });

  it('refuses what is not type JSON, saying where', () => {
    expect(() => typeName(['list'], 'keyplane_thing.attr')).toThrow('keyplane_thing.attr: unknown type ["list"]');
    expect(() => typeName('text', 'keyplane_thing.attr')).toThrow('keyplane_thing.attr: unknown type "text"');
  });
});

/**
 * Conformance, schemas and functions: `terraform providers schema -json` shows exactly the schemas the
 * fixture declares (types, nesting modes, min/max items, required/optional/computed/sensitive/write-only/
 * deprecated flags, descriptions, schema versions, function signatures); Terraform enforces the declared
 * block counts in `validate`; provider functions evaluate in `terraform console`, exact numbers, dynamic
 * values and function errors included.
 */
import type { Type } from '../../provider/sdk/cty/types';
import type { AnyAttribute, AnyBlock, AnySchema, FunctionParameter, ProviderFunction } from '../../provider/sdk/framework';
import { everythingSchema } from '../fixtures/conformance-provider/everything';
import { functions } from '../fixtures/conformance-provider/functions';
import { legacyThingSchema } from '../fixtures/conformance-provider/legacy-thing';
import { networkSchema } from '../fixtures/conformance-provider/network';
import { passwordSchema } from '../fixtures/conformance-provider/password-ephemeral';
import { providerServer } from '../../provider/sdk/framework';
import { serverSchemaJSON } from '../../provider/sdk/tools/schema-json';
import { conformanceProvider } from '../fixtures/conformance-provider/provider';
import { slowSchema } from '../fixtures/conformance-provider/slow';
import { thingSchema } from '../fixtures/conformance-provider/thing';
import { thingDataSourceSchema } from '../fixtures/conformance-provider/thing-data-source';
import { validatedSchema } from '../fixtures/conformance-provider/validated';
import { versionedSchemaV1 } from '../fixtures/conformance-provider/versioned';
import { PROVIDER_ADDRESS, ConformanceWorkspace } from '../helpers/conformance';
import { describeTerraform, diagnostics, parseJSON } from '../helpers/terraform';

jest.setTimeout(120_000);

// ---- what Terraform should print for a declared schema (written from Terraform's jsonprovider, not from the SDK)

function typeJSON(t: Type): unknown {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map':
      return [t.kind, typeJSON(t.element)];
    case 'tuple':
      return ['tuple', t.elements.map(typeJSON)];
    case 'object':
      return ['object', Object.fromEntries(Object.entries(t.attributes).map(([k, v]) => [k, typeJSON(v)]))];
    default:
      return t.kind;
  }
}

/** Terraform leaves out false flags, empty descriptions and zero item counts. */
function flags(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== false && v !== undefined && v !== '' && v !== 0));
}

/** A markdown description is sent instead of the plain one, and says so. */
function describedBy(d: { description?: string; markdownDescription?: string }): { description?: string; description_kind: string } {
  return d.markdownDescription !== undefined
    ? { description: d.markdownDescription, description_kind: 'markdown' }
    : { description: d.description, description_kind: 'plain' };
}

function attributeJSON(a: AnyAttribute): unknown {
  const kind = describedBy(a);
  const shape = a.nested
    ? { nested_type: { attributes: attributesJSON(a.nested.object.attributes), nesting_mode: a.nested.nesting } }
    : { type: typeJSON(a.type) };
  return flags({
    ...shape,
    ...kind,
    required: a.required,
    optional: a.optional,
    computed: a.computed,
    sensitive: a.sensitive,
    deprecated: a.deprecated !== undefined,
    write_only: a.writeOnly,
  });
}

function attributesJSON(attrs: Readonly<Record<string, AnyAttribute>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).map(([k, a]) => [k, attributeJSON(a)]));
}

type Described = { description?: string; markdownDescription?: string; deprecated?: string };

function blockJSON(o: { attributes: Readonly<Record<string, AnyAttribute>>; blocks: Readonly<Record<string, AnyBlock>> }, meta: Described): unknown {
  const blocks = Object.entries(o.blocks);
  return flags({
    attributes: Object.keys(o.attributes).length > 0 ? attributesJSON(o.attributes) : undefined,
    block_types:
      blocks.length > 0
        ? Object.fromEntries(
            blocks.map(([k, b]) => [k, flags({ nesting_mode: b.nesting, block: blockJSON(b.object, b), min_items: b.minItems, max_items: b.maxItems })]),
          )
        : undefined,
    ...describedBy(meta),
    deprecated: meta.deprecated !== undefined,
  });
}

function schemaJSON(s: AnySchema): unknown {
  return { version: s.version, block: blockJSON(s.object, s) };
}

function functionJSON(f: ProviderFunction): unknown {
  return flags({
    description: f.description,
    summary: f.summary,
    return_type: typeJSON(f.returnType),
    parameters: f.parameters.map(parameterJSON),
    variadic_parameter: f.variadicParameter ? parameterJSON(f.variadicParameter) : undefined,
  });
}

function parameterJSON(p: FunctionParameter): unknown {
  return flags({ name: p.name, description: p.description, is_nullable: p.allowNullValue ?? false, type: typeJSON(p.type) });
}

describeTerraform('conformance: schemas and functions', () => {
  let ws: ConformanceWorkspace;
  beforeAll(async () => {
    ws = await ConformanceWorkspace.create('schema');
  });
  afterAll(() => ws?.remove());

  test('terraform providers schema -json shows every schema exactly as declared', async () => {
    ws.writeConfig('');
    const res = await ws.terraform(['providers', 'schema', '-json']);
    const schema = parseJSON(res.stdout).provider_schemas[PROVIDER_ADDRESS];
    expect(schema.provider).toEqual(schemaJSON(conformanceProvider.schema));
    expect(schema.resource_schemas).toEqual({
      conformance_thing: schemaJSON(thingSchema),
      conformance_legacy_thing: schemaJSON(legacyThingSchema),
      conformance_everything: schemaJSON(everythingSchema),
      conformance_network: schemaJSON(networkSchema),
      conformance_versioned: schemaJSON(versionedSchemaV1),
      conformance_slow: schemaJSON(slowSchema),
      conformance_validated: schemaJSON(validatedSchema),
    });
    expect(schema.data_source_schemas).toEqual({ conformance_thing: schemaJSON(thingDataSourceSchema) });
    expect(schema.ephemeral_resource_schemas).toEqual({ conformance_password: schemaJSON(passwordSchema) });
    expect(schema.functions).toEqual(Object.fromEntries(functions.map((f) => [f.name, functionJSON(f)])));

    // A few facts spelled out, so a mistake in the expectation builder above cannot hide them.
    const thing = schema.resource_schemas.conformance_thing.block.attributes;
    expect(thing.password_wo).toMatchObject({ type: 'string', optional: true, write_only: true });
    expect(thing.secret).toMatchObject({ sensitive: true });
    expect(thing.description).toMatchObject({ optional: true, computed: true });
    expect(schema.resource_schemas.conformance_versioned.version).toBe(1);
    const every = schema.resource_schemas.conformance_everything.block;
    expect(every.block_types.rule).toMatchObject({ nesting_mode: 'list', min_items: 1, max_items: 3 });
    expect(every.block_types.options.nesting_mode).toBe('group');
    expect(every.attributes.set_nested.nested_type.nesting_mode).toBe('set');
    expect(every.attributes.obj.type).toEqual(['object', { a: 'string', b: 'number', c: ['list', 'bool'] }]);
    const validated = schema.resource_schemas.conformance_validated.block;
    expect(validated).toMatchObject({ description: 'An object whose configuration is checked **thoroughly**.', description_kind: 'markdown' });
    expect(validated.attributes.email).toMatchObject({ description_kind: 'markdown' });
    expect(validated.attributes.old_name.deprecated).toBe(true);
    expect(validated.block_types.old_listener.block.deprecated).toBe(true);
  });

  test("the SDK's schema JSON (tools/schema-json, which writes schemas/*.json) equals what terraform prints", async () => {
    ws.writeConfig('');
    const printed = parseJSON((await ws.terraform(['providers', 'schema', '-json'])).stdout);
    const ours = await serverSchemaJSON(PROVIDER_ADDRESS, providerServer(conformanceProvider));
    expect(ours).toEqual(printed);
    // Key order is fixed (sorted), so a checked-in file diffs cleanly.
    expect(Object.keys(ours.provider_schemas[PROVIDER_ADDRESS]!.resource_schemas!)).toEqual(
      Object.keys(printed.provider_schemas[PROVIDER_ADDRESS].resource_schemas).sort(),
    );
  });

  test('validate accepts a valid configuration and enforces the declared block counts', async () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => `  rule {\n    port = ${i + 1}\n  }\n`).join('');
    ws.writeConfig(`resource "conformance_everything" "e" {\n${rules(3)}}\n`);
    const valid = await ws.terraform(['validate']);
    expect(valid.output).toContain('Success! The configuration is valid');
    expect(diagnostics(valid.output)).toEqual([]); // the only warning is the dev_overrides one

    ws.writeConfig(`resource "conformance_everything" "e" {\n${rules(4)}}\n`);
    const tooMany = await ws.terraform(['validate'], { expectCode: [1] });
    expect(diagnostics(tooMany.output)).toContainEqual(
      expect.objectContaining({ severity: 'Error', summary: 'Too many rule blocks', line: ws.lineOf('port = 4') - 1 }),
    );

    ws.writeConfig(`resource "conformance_everything" "e" {\n  str = "no rules"\n}\n`);
    const none = await ws.terraform(['validate'], { expectCode: [1] });
    expect(diagnostics(none.output)).toContainEqual(
      expect.objectContaining({ severity: 'Error', summary: 'Insufficient rule blocks', detail: 'At least 1 "rule" blocks are required.' }),
    );
  });

  test('provider functions evaluate in terraform console: exact sums, strings, dynamic values, errors', async () => {
    ws.writeConfig('');
    const results = await ws.terraform(['console'], {
      stdin:
        'jsonencode([provider::conformance::sum([1, 2, 9007199254740993, 0.1]), provider::conformance::sum([12345678901234567890123, 1]), ' +
        'provider::conformance::upper("abc"), provider::conformance::echo({ a = [1, "x"], b = null }), provider::conformance::echo(null), ' +
        'provider::conformance::join("-", "a", "b", "c"), provider::conformance::join(",")])\n',
    });
    expect(parseJSON(parseJSON(results.stdout))).toEqual(['9007199254740996.1', '12345678901234567890124', 'ABC', { a: [1, 'x'], b: null }, null, 'a-b-c', '']);

    // The console prints a tuple with its element types, so echo keeps a dynamic value's type.
    const typed = await ws.terraform(['console'], { stdin: 'type(provider::conformance::echo([1, "x", true]))\n' });
    expect(typed.stdout.trim()).toBe('tuple([\n    number,\n    string,\n    bool,\n])');

    const failed = await ws.terraform(['console'], { stdin: 'provider::conformance::upper("")\n', expectCode: [1] });
    expect(diagnostics(failed.output)).toContainEqual(
      expect.objectContaining({
        severity: 'Error',
        summary: 'Invalid function argument',
        detail: 'Invalid value for "text" parameter: text must not be empty.',
      }),
    );

    // An error in a variadic argument names the variadic parameter.
    const variadic = await ws.terraform(['console'], { stdin: 'provider::conformance::join("-", "a", "")\n', expectCode: [1] });
    expect(diagnostics(variadic.output)).toContainEqual(
      expect.objectContaining({ severity: 'Error', summary: 'Invalid function argument', detail: 'Invalid value for "parts" parameter: part 2 is empty.' }),
    );
  });
});

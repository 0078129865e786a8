/**
 * Conformance, values: every attribute type (string, number, exact big numbers, bool, list, set, map,
 * object, tuple, dynamic) and every nesting mode (list, set, map, single and group blocks; single, list, set
 * and map nested attributes) goes through plan, apply, state and refresh unchanged: the plan after each apply
 * is empty. Big numbers, whole numbers beyond int64 among them, come back digit for digit in state JSON.
 * Blocks and values removed from the configuration plan an update, never a replacement; drift inside nested
 * values shows as a diff; an imported object reads back to the same state.
 */
import { ConformanceWorkspace } from '../helpers/conformance';
import { describeTerraform, parseJSON, steps } from '../helpers/terraform';

jest.setTimeout(180_000);

const full = `
resource "conformance_everything" "all" {
  str     = "hello"
  num     = 0.1
  big     = 12345678901234567890123
  flag    = true
  strings = ["a", "b", "a"]
  numbers = [1, 2.5, -3]
  labels  = ["x", "y", "x"]
  env     = { A = "1", B = "2" }
  obj     = { a = "s", b = 2.5, c = [true, false] }
  tup     = ["t", 1, false]
  dyn     = { k = [9007199254740993, 12345678901234567890123, 0.1], s = "text" }

  single_nested = { x = "x", token = "tok", any = [1, "a"] }
  list_nested   = [{ name = "n1", port = 80 }, { name = "n2" }]
  set_nested    = [{ cidr = "10.0.0.0/8" }, { cidr = "192.168.0.0/16" }]
  map_nested    = { one = { value = "v1", weight = 1 }, two = { value = "v2" } }

  rule {
    port     = 443
    protocol = "tcp"
    header {
      name  = "X-A"
      value = "1"
    }
  }
  rule {
    port = 80
  }
  tag {
    key   = "k1"
    value = "v1"
  }
  tag {
    key   = "k2"
    value = "v2"
  }
  endpoint "primary" {
    url = "https://a.example"
  }
  endpoint "backup" {
    url = "https://b.example"
  }
  settings {
    mode    = "strict"
    retries = 3
    extra   = { deep = [true], n = 12345678901234567890123 }
  }
  options {
    verbose = true
  }
}
`;

/** The same object with a block of each collection kind fewer, a changed set element and another dynamic type. */
const trimmed = `
resource "conformance_everything" "all" {
  str     = "hello"
  num     = 0.1
  big     = 9007199254740993
  flag    = true
  strings = ["a", "b", "a"]
  numbers = [1, 2.5, -3]
  labels  = ["x", "z"]
  env     = { A = "1", B = "2" }
  obj     = { a = "s", b = 2.5, c = [true, false] }
  tup     = ["t", 1, false]
  dyn     = "now a string"

  single_nested = { x = "x", token = "tok", any = "now a string too" }
  list_nested   = [{ name = "n1", port = 80 }, { name = "n2" }]
  set_nested    = [{ cidr = "10.0.0.0/8" }]
  map_nested    = { one = { value = "v1", weight = 1 } }

  rule {
    port     = 443
    protocol = "tcp"
    header {
      name  = "X-A"
      value = "1"
    }
  }
  tag {
    key   = "k1"
    value = "v1"
  }
  endpoint "primary" {
    url = "https://a.example"
  }
  options {
    verbose = true
  }
}
`;

/** Only the one required block: every optional value null, every block collection empty. */
const minimal = `
resource "conformance_everything" "all" {
  rule {
    port = 1
  }
}
`;

describeTerraform('conformance: every type and nesting mode', () => {
  // A workspace per test: each story starts from an empty state.
  let ws: ConformanceWorkspace;
  beforeEach(async () => {
    ws = await ConformanceWorkspace.create('types');
  });
  afterEach(() => ws?.remove());

  test('every type and nesting mode round-trips through apply, state, refresh and import', async () => {
    let id = '';
    await steps(ws, [
      {
        name: 'an object with one value of every type and every nesting mode is created as configured',
        config: full,
        expectActions: { 'conformance_everything.all': 'create' },
        expectPlanOutput: ['+ big           = 12345678901234567890123', '+ token = (sensitive value)', '+ endpoint "backup" {'],
        expectState: {
          'conformance_everything.all': {
            str: 'hello',
            num: 0.1,
            big: '12345678901234567890123',
            flag: true,
            strings: ['a', 'b', 'a'],
            numbers: [1, 2.5, -3],
            env: { A: '1', B: '2' },
            obj: { a: 's', b: 2.5, c: [true, false] },
            tup: ['t', 1, false],
            dyn: { k: ['9007199254740993', '12345678901234567890123', 0.1], s: 'text' },
            single_nested: { x: 'x', y: null, token: 'tok', any: [1, 'a'] },
            list_nested: [
              { name: 'n1', port: 80 },
              { name: 'n2', port: null },
            ],
            map_nested: { one: { value: 'v1', weight: 1 }, two: { value: 'v2', weight: null } },
            rule: [
              { port: 443, protocol: 'tcp', header: [{ name: 'X-A', value: '1' }] },
              { port: 80, protocol: null, header: [] },
            ],
            endpoint: { primary: { url: 'https://a.example' }, backup: { url: 'https://b.example' } },
            settings: { mode: 'strict', retries: 3, extra: { deep: [true], n: '12345678901234567890123' } },
            options: { verbose: true, level: null },
          },
        },
        check: ({ state, ws: w }) => {
          const all = state['conformance_everything.all']!;
          id = all.values.id;
          // Sets: duplicates folded, order free.
          expect([...all.values.labels].sort()).toEqual(['x', 'y']);
          expect(all.values.set_nested.map((s: { cidr: string }) => s.cidr).sort()).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
          expect(all.values.tag.map((t: { key: string }) => t.key).sort()).toEqual(['k1', 'k2']);
          expect(all.sensitive_values).toMatchObject({ single_nested: { token: true } });
          // The state file holds the numbers as JSON numbers, every digit of them.
          const text = w.stateFileText();
          expect(text).toContain('"big": 12345678901234567890123,');
          expect(text).toMatch(/"k": \[\s*9007199254740993,\s*12345678901234567890123,\s*0\.1\s*\]/);
          expect(text).toContain('"num": 0.1,');
          // The dynamic value keeps its type in state.
          expect(w.instance('conformance_everything.all').attributes.dyn).toEqual({
            value: { k: ['9007199254740993', '12345678901234567890123', 0.1], s: 'text' },
            type: ['object', { k: ['tuple', ['number', 'number', 'number']], s: 'string' }],
          });
        },
      },
      {
        name: 'a list block, a set block, a map block and a single block removed from the config plan an update, not a replace',
        config: trimmed,
        expectActions: { 'conformance_everything.all': 'update' },
        expectPlanOutput: [
          '- rule {',
          '- endpoint "backup" {',
          '- settings {',
          '~ dyn           = {',
          '-> "now a string"',
          '~ big           = 12345678901234567890123 -> 9007199254740993',
        ],
        expectState: {
          'conformance_everything.all': {
            big: '9007199254740993',
            dyn: 'now a string',
            map_nested: { one: { value: 'v1', weight: 1 } },
            rule: [{ port: 443, protocol: 'tcp', header: [{ name: 'X-A', value: '1' }] }],
            tag: [{ key: 'k1', value: 'v1' }],
            endpoint: { primary: { url: 'https://a.example' } },
            settings: null,
          },
        },
        check: ({ plan, state }) => {
          expect(plan.resource_changes![0]!.change.replace_paths).toBeUndefined();
          expect(state['conformance_everything.all']!.values.id).toBe(id);
          expect([...state['conformance_everything.all']!.values.labels].sort()).toEqual(['x', 'z']);
        },
      },
      {
        name: 'every optional value removed leaves nulls, empty block collections and an all-null group block',
        config: minimal,
        expectActions: { 'conformance_everything.all': 'update' },
        expectState: {
          'conformance_everything.all': {
            str: null,
            big: null,
            strings: null,
            labels: null,
            dyn: null,
            single_nested: null,
            set_nested: null,
            rule: [{ port: 1, protocol: null, header: [] }],
            tag: [],
            endpoint: {},
            settings: null,
            options: { verbose: null, level: null },
          },
        },
        check: ({ state }) => expect(state['conformance_everything.all']!.values.id).toBe(id),
      },
      {
        name: 'everything configured again comes back exactly',
        config: full,
        expectActions: { 'conformance_everything.all': 'update' },
        expectState: {
          'conformance_everything.all': { big: '12345678901234567890123', dyn: { k: ['9007199254740993', '12345678901234567890123', 0.1], s: 'text' } },
        },
      },
      {
        name: 'drift inside a nested block and a nested attribute shows as a diff and is planned back',
        before: (w) => {
          const text = w.storeText('everything', id);
          w.storeWrite('everything', id, text.replace('"https://a.example"', '"https://evil.example"').replace('"n2"', '"n2-changed"'));
        },
        expectActions: { 'conformance_everything.all': 'update' },
        expectPlanOutput: ['~ url = "https://evil.example" -> "https://a.example"', '~ name = "n2-changed" -> "n2"'],
        check: ({ plan }) => {
          expect(plan.resource_drift!.map((d) => d.address)).toEqual(['conformance_everything.all']);
        },
      },
    ]);

    // Import: forget the object, import it by id, and the state reads back exactly as it was.
    const before = ws.instance('conformance_everything.all').attributes;
    await ws.terraform(['state', 'rm', 'conformance_everything.all']);
    expect(ws.stateFile().resources).toEqual([]);
    const imported = await ws.terraform(['import', 'conformance_everything.all', id]);
    expect(imported.output).toContain('Import successful!');
    expect(ws.instance('conformance_everything.all').attributes).toEqual(before);
    await steps(ws, [{ name: 'the imported object needs no change', expectNoChanges: true }]);
  });

  test('edge values keep their exact shape: empty versus null, nulls inside values, odd keys, Unicode, tiny and huge numbers', async () => {
    await steps(ws, [
      {
        name: 'an object of edge values is created and reads back unchanged',
        config: `
resource "conformance_everything" "edge" {
  str     = "e\\u0301 \\u2603 \\"quoted\\" \\\\ back"
  num     = -0.0000001
  big     = -0.1
  flag    = false
  strings = []
  numbers = [0, -1.5, 1e300]
  labels  = []
  env     = { "" = "empty key", "with space" = "x", "\\u00fc" = "unicode" }
  obj     = { a = null, b = null, c = [] }
  tup     = [null, null, null]
  dyn     = { empty_tuple = [], empty_object = {}, nothing = null, nested = [[1], ["x"]] }

  single_nested = { x = "" }
  list_nested   = []
  set_nested    = []
  map_nested    = {}

  rule {
    port = -1
  }
  options {}
}
`,
        expectActions: { 'conformance_everything.edge': 'create' },
        expectState: {
          'conformance_everything.edge': {
            // Terraform normalises strings to NFC: e + combining acute is stored as é.
            str: '\u00e9 \u2603 "quoted" \\ back',
            num: -1e-7,
            big: -0.1,
            flag: false,
            strings: [],
            numbers: [0, -1.5, `1${'0'.repeat(300)}`],
            labels: [],
            env: { '': 'empty key', 'with space': 'x', '\u00fc': 'unicode' },
            obj: { a: null, b: null, c: [] },
            tup: [null, null, null],
            dyn: { empty_tuple: [], empty_object: {}, nothing: null, nested: [[1], ['x']] },
            single_nested: { x: '', y: null, token: null, any: null },
            list_nested: [],
            set_nested: [],
            map_nested: {},
            rule: [{ port: -1, protocol: null, header: [] }],
            tag: [],
            endpoint: {},
            settings: null,
            options: { verbose: null, level: null },
          },
        },
      },
    ]);
  });

  test('values unknown at plan time, at any depth and in every kind of slot, are planned unknown and applied', async () => {
    await steps(ws, [
      {
        name: "an object built from another resource's id converges after one apply",
        config: `
resource "conformance_thing" "seed" {
  name = "seed"
}

resource "conformance_everything" "unknowns" {
  str     = conformance_thing.seed.id
  num     = length(conformance_thing.seed.id)
  big     = length(conformance_thing.seed.id) * 1000000000000000000000
  strings = [conformance_thing.seed.id, "fixed"]
  labels  = [conformance_thing.seed.id, "x"]
  env     = { id = conformance_thing.seed.id }
  obj     = { a = conformance_thing.seed.id, b = 1, c = [] }
  tup     = [conformance_thing.seed.id, 1, true]
  dyn     = { id = conformance_thing.seed.id, n = 1 }

  # Whole collections unknown (a condition on an unknown), as well as values inside them.
  numbers       = conformance_thing.seed.id == "" ? [] : [1, 2]
  single_nested = { x = conformance_thing.seed.id, any = { id = conformance_thing.seed.id } }
  list_nested   = [{ name = conformance_thing.seed.id }]
  set_nested    = [{ cidr = conformance_thing.seed.id }, { cidr = "10.0.0.0/8" }]
  map_nested    = conformance_thing.seed.id == "" ? {} : { k = { value = conformance_thing.seed.id } }

  rule {
    port = length(conformance_thing.seed.id)
    dynamic "header" {
      for_each = toset([conformance_thing.seed.id])
      content {
        name = header.value
      }
    }
  }
  dynamic "tag" {
    for_each = toset([conformance_thing.seed.id, "fixed"])
    content {
      key   = tag.value
      value = "v"
    }
  }
  dynamic "endpoint" {
    # Block labels must be known at plan time; the content need not be.
    for_each = { main = conformance_thing.seed.id }
    labels   = [endpoint.key]
    content {
      url = endpoint.value
    }
  }
  settings {
    mode  = conformance_thing.seed.id
    extra = [conformance_thing.seed.id, 1]
  }
}
`,
        expectActions: { 'conformance_thing.seed': 'create', 'conformance_everything.unknowns': 'create' },
        check: ({ plan, state }) => {
          const after = plan.resource_changes!.find((c) => c.address === 'conformance_everything.unknowns')!.change.after_unknown;
          // Only the unknown parts are unknown: the dynamic value's type and its other attribute are known.
          expect(after).toMatchObject({
            str: true,
            num: true,
            big: true,
            numbers: true,
            map_nested: true,
            dyn: { id: true },
            single_nested: { x: true, any: { id: true } },
            rule: [{ port: true }],
          });
          const id = state['conformance_thing.seed']!.values.id as string;
          const v = state['conformance_everything.unknowns']!.values;
          expect(v).toMatchObject({
            str: id,
            num: id.length,
            big: `${id.length}${'0'.repeat(21)}`,
            strings: [id, 'fixed'],
            env: { id },
            obj: { a: id, b: 1, c: [] },
            tup: [id, 1, true],
            dyn: { id, n: 1 },
            numbers: [1, 2],
            single_nested: { x: id, any: { id } },
            list_nested: [{ name: id, port: null }],
            map_nested: { k: { value: id, weight: null } },
            rule: [{ port: id.length, protocol: null, header: [{ name: id, value: null }] }],
            endpoint: { main: { url: id } },
            settings: { mode: id, retries: null, extra: [id, 1] },
          });
          expect([...v.labels].sort()).toEqual([id, 'x'].sort());
          expect(v.set_nested.map((s: { cidr: string }) => s.cidr).sort()).toEqual([id, '10.0.0.0/8'].sort());
          expect(v.tag.map((s: { key: string }) => s.key).sort()).toEqual([id, 'fixed'].sort());
        },
      },
    ]);
  });

  test('whole numbers beyond int64 keep every digit through plan, apply, state and refresh', async () => {
    const numbers: Record<string, string> = {
      p53_1: '9007199254740993',
      p63_1: '9223372036854775807',
      p63: '9223372036854775808',
      p64: '18446744073709551616',
      m63: '-9223372036854775808',
      m63_1: '-9223372036854775809',
      e30: '1000000000000000000000000000000',
      half: '0.5',
    };
    const names = Object.keys(numbers);
    const config = names
      .map((name) => `resource "conformance_everything" "${name}" {\n  big = ${numbers[name]}\n  dyn = ${numbers[name]}\n  rule {\n    port = 1\n  }\n}`)
      .join('\n\n');
    await steps(ws, [
      {
        name: 'each number is planned, applied and stored digit for digit, and the second plan is empty',
        config,
        expectActions: Object.fromEntries(names.map((name) => [`conformance_everything.${name}`, 'create'])),
        expectPlanOutput: names.map((name) => `+ big = ${numbers[name]}`),
        expectState: Object.fromEntries(
          names.map((name) => [`conformance_everything.${name}`, { big: parseJSON(numbers[name]!), dyn: parseJSON(numbers[name]!) }]),
        ),
        check: ({ ws: w }) => {
          for (const name of names) {
            const attrs = w.instance(`conformance_everything.${name}`).attributes;
            expect(attrs.big).toEqual(parseJSON(numbers[name]!));
            expect(attrs.dyn).toEqual({ value: parseJSON(numbers[name]!), type: 'number' });
          }
          const text = w.stateFileText();
          for (const n of Object.values(numbers)) expect(text).toContain(`"big": ${n},`);
        },
      },
    ]);
  });

  test("a value larger than gRPC's default 4 MiB message limit goes through plan, apply and refresh", async () => {
    // 1000 × 50 × 100 characters = 5 MB in one string (range() stops at 1024 values); sensitive() keeps it
    // out of the plan text.
    const chunk = '0123456789'.repeat(10);
    await steps(ws, [
      {
        name: 'a 5 MB string is created and refreshed',
        config: `
resource "conformance_everything" "large" {
  str = sensitive(join("", [for i in range(1000) : join("", [for j in range(50) : "${chunk}"])]))
  rule {
    port = 1
  }
}
`,
        expectActions: { 'conformance_everything.large': 'create' },
        check: ({ state }) => {
          const str = state['conformance_everything.large']!.values.str as string;
          expect(str.length).toBe(5_000_000);
          expect(str.startsWith(chunk) && str.endsWith(chunk)).toBe(true);
        },
      },
    ]);
  });
});

/**
 * Conformance, state that does not start with a create: `terraform import` and `import {}` blocks (private
 * state set by the read that follows an import), `moved {}` from another resource type (MoveResourceState),
 * and state written by schema version 0 upgraded to version 1 (UpgradeResourceState).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConformanceWorkspace } from '../helpers/conformance';
import { describeTerraform, diagnostics, steps } from '../helpers/terraform';

jest.setTimeout(120_000);

/** A thing created by someone else, straight into the store. */
function outsideThing(ws: ConformanceWorkspace, id: string, name: string): Record<string, unknown> {
  const record = {
    id,
    name,
    zone: null,
    description: 'made by hand',
    tags: { origin: 'outside' },
    secret: null,
    created_at: '2030-01-02T03:04:05.000Z',
    revision: 7,
    etag: `etag-of-${id}`,
    password_sha256: null,
    password_version: null,
    priority: 5,
  };
  ws.storeWrite('things', id, record);
  return record;
}

describeTerraform('conformance: import, moved blocks and state upgrades', () => {
  // A workspace per test: each story starts from an empty state.
  let ws: ConformanceWorkspace;
  beforeEach(async () => {
    ws = await ConformanceWorkspace.create('state');
  });
  afterEach(() => ws?.remove());

  test('terraform import reads the object into state, private state included, and the next plan is empty', async () => {
    outsideThing(ws, 'thing-imported', 'from-outside');
    ws.writeConfig(`
resource "conformance_thing" "imported" {
  name        = "from-outside"
  description = "made by hand"
  tags        = { origin = "outside" }
}
`);
    const res = await ws.terraform(['import', 'conformance_thing.imported', 'thing-imported']);
    expect(res.output).toContain('conformance_thing.imported: Import prepared!');
    expect(res.output).toContain('Import successful!');
    expect(ws.instance('conformance_thing.imported').attributes).toEqual({
      id: 'thing-imported',
      name: 'from-outside',
      zone: null,
      description: 'made by hand',
      tags: { origin: 'outside' },
      secret: null,
      created_at: '2030-01-02T03:04:05.000Z',
      revision: 7,
      password_wo: null,
      password_version: null,
      priority: 5,
    });
    // Import gives no private state; the read after it found the store's etag and kept it.
    expect(ws.privateOf('conformance_thing.imported')).toEqual({ etag: 'etag-of-thing-imported' });
    await steps(ws, [{ name: 'the imported object matches its configuration', expectNoChanges: true }]);

    // An id the store does not know: the read after ImportResourceState finds nothing.
    ws.writeConfig('resource "conformance_thing" "ghost" {\n  name = "ghost"\n}\n');
    const missing = await ws.terraform(['import', 'conformance_thing.ghost', 'thing-nowhere'], { expectCode: [1] });
    expect(diagnostics(missing.output)).toContainEqual(expect.objectContaining({ severity: 'Error', summary: 'Cannot import non-existent remote object' }));
  });

  test('an import block imports and updates in one saved plan', async () => {
    outsideThing(ws, 'thing-by-block', 'old-name');
    await steps(ws, [
      {
        name: 'the plan imports the object and updates its name',
        config: `
import {
  to = conformance_thing.by_block
  id = "thing-by-block"
}

resource "conformance_thing" "by_block" {
  name        = "new-name"
  description = "made by hand"
  tags        = { origin = "outside" }
}
`,
        expectActions: { 'conformance_thing.by_block': 'update' },
        expectPlanOutput: [
          '# conformance_thing.by_block will be updated in-place',
          '# (imported from "thing-by-block")',
          '~ name = "old-name" -> "new-name"',
          'Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.',
        ],
        expectApplyOutput: ['Apply complete! Resources: 1 imported, 0 added, 1 changed, 0 destroyed.'],
        expectState: { 'conformance_thing.by_block': { id: 'thing-by-block', name: 'new-name', revision: 8 } },
        check: ({ plan, ws: w }) => {
          expect(plan.resource_changes!.find((c) => c.address === 'conformance_thing.by_block')!.change.importing).toEqual({ id: 'thing-by-block' });
          expect(w.storeRead('things', 'thing-by-block')).toMatchObject({ name: 'new-name', revision: 8 });
        },
      },
    ]);
  });

  test('a moved block from another resource type keeps the object and its private state', async () => {
    let id = '';
    await steps(ws, [
      {
        name: 'an object is created under its old resource type',
        config: 'resource "conformance_legacy_thing" "old" {\n  title = "legacy"\n}\n',
        expectActions: { 'conformance_legacy_thing.old': 'create' },
        check: ({ state }) => {
          id = state['conformance_legacy_thing.old']!.values.id;
        },
      },
      {
        name: 'moved to the new type, it is the same object: no create, no delete',
        config: `
moved {
  from = conformance_legacy_thing.old
  to   = conformance_thing.moved
}

resource "conformance_thing" "moved" {
  name = "legacy"
}
`,
        expectActions: {},
        expectPlanOutput: ['# conformance_legacy_thing.old has moved to conformance_thing.moved', 'Plan: 0 to add, 0 to change, 0 to destroy.'],
        check: ({ plan, state, ws: w }) => {
          const change = plan.resource_changes!.find((c) => c.address === 'conformance_thing.moved')!;
          expect(change.previous_address).toBe('conformance_legacy_thing.old');
          expect(state['conformance_legacy_thing.old']).toBeUndefined();
          expect(state['conformance_thing.moved']!.values).toMatchObject({ id, name: 'legacy', description: 'Managed by Terraform', revision: 1 });
          expect(w.storeIds('things')).toContain(id);
          // The mover's private state reached the new state (through the read after the move).
          expect(w.privateOf('conformance_thing.moved')).toEqual({ moved_from: 'conformance_legacy_thing', etag: w.storeRead('things', id).etag });
        },
      },
    ]);
  });

  test('state written by schema version 0 is upgraded to version 1', async () => {
    const v0 = { CONFORMANCE_SCHEMA_V0: '1' };
    await steps(ws, [
      {
        name: 'a provider serving schema version 0 writes version 0 state',
        env: v0,
        config: 'resource "conformance_versioned" "v" {\n  name = "versioned"\n  tags = "a,b"\n}\n',
        expectActions: { 'conformance_versioned.v': 'create' },
        check: ({ ws: w }) => {
          expect(w.instance('conformance_versioned.v')).toMatchObject({ schema_version: 0, attributes: { name: 'versioned', tags: 'a,b' } });
        },
      },
      {
        name: 'the version 1 provider reads the old state through its upgrader: nothing to change',
        config: 'resource "conformance_versioned" "v" {\n  name = "versioned"\n  tags = ["a", "b"]\n}\n',
        expectNoChanges: true,
      },
      {
        name: 'a refresh stores the upgraded state',
        planArgs: ['-refresh-only'],
        check: ({ ws: w }) => {
          expect(w.instance('conformance_versioned.v')).toMatchObject({ schema_version: 1, attributes: { name: 'versioned', tags: ['a', 'b'] } });
        },
      },
      {
        name: 'an update under version 1 works on the upgraded state',
        config: 'resource "conformance_versioned" "v" {\n  name = "versioned"\n  tags = ["a", "b", "c"]\n}\n',
        expectActions: { 'conformance_versioned.v': 'update' },
        expectState: { 'conformance_versioned.v': { tags: ['a', 'b', 'c'] } },
      },
    ]);
    // Going back to the older provider is refused by Terraform itself.
    ws.writeConfig('resource "conformance_versioned" "v" {\n  name = "versioned"\n  tags = "a,b,c"\n}\n');
    const older = await ws.terraform(['plan'], { env: v0, expectCode: [1] });
    expect(diagnostics(older.output)).toContainEqual(expect.objectContaining({ summary: 'Resource instance managed by newer provider version' }));
  });

  test('state stored before an attribute existed, or holding one that no longer exists, is read without a diff', async () => {
    await steps(ws, [{ name: 'a thing', config: 'resource "conformance_thing" "t" {\n  name = "t"\n}\n', expectActions: { 'conformance_thing.t': 'create' } }]);
    // Edit the state file as an older provider version would have written it: no priority attribute yet,
    // and an attribute this version dropped.
    const file = join(ws.dir, 'terraform.tfstate');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    const attributes = state.resources[0].instances[0].attributes;
    delete attributes.priority;
    attributes.obsolete = 'gone in this version';
    state.serial += 1;
    writeFileSync(file, JSON.stringify(state, null, 2));
    await steps(ws, [{ name: 'the upgrade fills the new attribute with null and the read fills it from the store', expectNoChanges: true }]);
    await steps(ws, [{ name: 'a refresh stores the upgraded state', planArgs: ['-refresh-only'] }]);
    expect(ws.instance('conformance_thing.t').attributes).toMatchObject({ priority: 5 });
    expect(ws.instance('conformance_thing.t').attributes).not.toHaveProperty('obsolete');
  });
});

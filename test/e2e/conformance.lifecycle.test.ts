/**
 * Conformance, the life of a resource: create with computed, defaulted and refined-unknown values, update in
 * place (modifyPlan planning the next revision), replacement forced by an attribute (also when its value is
 * unknown at plan time) and by -replace (create-before-destroy), private state across refresh, plan and
 * apply, drift (an object changed or deleted behind Terraform's back), -refresh-only, a saved destroy plan and
 * `terraform destroy`. Every step applies a saved plan and then proves the next plan is empty. A create that
 * fails half-way, a protected object and an unknown requires-replace value, each in a workspace of its own,
 * are in conformance.lifecycle-cases.test.ts, which runs beside this one.
 */
import { ConformanceWorkspace } from '../helpers/conformance';
import { type ShowResource, describeTerraform, steps } from '../helpers/terraform';

jest.setTimeout(180_000);

describeTerraform('conformance: the life of a resource', () => {
  let ws: ConformanceWorkspace;
  beforeAll(async () => {
    ws = await ConformanceWorkspace.create('lifecycle');
  });
  afterAll(() => ws?.remove());

  const things = (a: { name: string; zone?: string; description?: string; tags?: string }, b: { createBeforeDestroy?: boolean } = {}) => `
resource "conformance_thing" "a" {
  name   = "${a.name}"
  zone   = "${a.zone ?? 'z1'}"
  secret = "s3cret"
${a.description ? `  description = "${a.description}"\n` : ''}${a.tags ? `  tags = ${a.tags}\n` : ''}}

resource "conformance_thing" "b" {
  name = "b-\${conformance_thing.a.id}"
${b.createBeforeDestroy ? '  lifecycle {\n    create_before_destroy = true\n  }\n' : ''}}
`;

  let a1: ShowResource;
  let etagAfterCreate: string;

  test('create, update, replace, drift, refresh-only and destroy, each applied from a saved plan', async () => {
    await steps(ws, [
      {
        name: 'two things are created; b takes its name from a refined unknown (a prefix, then a id)',
        config: things({ name: 'alpha', tags: '{ env = "dev" }' }),
        expectActions: { 'conformance_thing.a': 'create', 'conformance_thing.b': 'create' },
        // priority has a default: planned as known, not "(known after apply)".
        expectPlanOutput: [
          '+ id = (known after apply)',
          '+ secret = (sensitive value)',
          '+ description = (known after apply)',
          '+ name = "alpha"',
          '+ priority = 5',
        ],
        checkPlan: async ({ ws: w }) => {
          // The planned b.name is unknown but keeps its refinement (it starts with "b-") through the
          // provider's plan: Terraform can already decide startswith() on it.
          const refined = await w.terraform(['console', '-plan'], { stdin: 'startswith(conformance_thing.b.name, "b-")\n' });
          expect(refined.stdout.trim()).toBe('true');
          const unknown = await w.terraform(['console', '-plan'], { stdin: 'conformance_thing.b.name\n' });
          expect(unknown.stdout.trim()).toBe('(known after apply)');
        },
        check: ({ plan, state }) => {
          const [a, b] = ['conformance_thing.a', 'conformance_thing.b'].map((addr) => plan.resource_changes!.find((c) => c.address === addr)!.change);
          // Computed attributes the configuration leaves unset are unknown in the plan, known after apply.
          expect(a!.after_unknown).toMatchObject({ id: true, created_at: true, revision: true, description: true });
          expect(a!.after_sensitive).toMatchObject({ secret: true });
          expect(b!.after_unknown).toMatchObject({ name: true, id: true });
          a1 = state['conformance_thing.a']!;
          expect(a1.values).toMatchObject({
            name: 'alpha',
            zone: 'z1',
            secret: 's3cret',
            description: 'Managed by Terraform',
            revision: 1,
            priority: 5,
            tags: { env: 'dev' },
          });
          expect(a1.values.id).toMatch(/^thing-/);
          expect(a1.values.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
          expect(a1.sensitive_values).toMatchObject({ secret: true });
          expect(state['conformance_thing.b']!.values.name).toBe(`b-${a1.values.id}`);
          // The store got what the plan said, and private state holds the store's etag.
          const record = ws.storeRead('things', a1.values.id);
          expect(record).toMatchObject({ name: 'alpha', zone: 'z1', secret: 's3cret', revision: 1 });
          etagAfterCreate = record.etag;
          expect(ws.privateOf('conformance_thing.a')).toEqual({ etag: record.etag });
        },
      },
      {
        name: 'the human view of the state hides the sensitive value',
        check: async ({ ws: w }) => {
          const shown = (await w.terraform(['show'])).output;
          expect(shown).toMatch(/secret\s+= \(sensitive value\)/);
          expect(shown).not.toContain('s3cret');
        },
        expectNoChanges: true,
      },
      {
        name: 'an update keeps id and created_at (useStateForUnknown) and plans the next revision (modifyPlan)',
        config: things({ name: 'alpha2', description: 'custom' }),
        before: (w) => w.clearEvents(),
        expectActions: { 'conformance_thing.a': 'update' },
        expectPlanOutput: ['# conformance_thing.a will be updated in-place', '~ name = "alpha" -> "alpha2"', '~ revision = 1 -> 2', '- tags = {'],
        check: ({ plan, state, ws: w }) => {
          const change = plan.resource_changes!.find((c) => c.address === 'conformance_thing.a')!.change;
          expect(change.after).toMatchObject({ id: a1.values.id, created_at: a1.values.created_at, description: 'custom', revision: 2 });
          expect(change.after_unknown).toEqual({});
          expect(state['conformance_thing.a']!.values).toMatchObject({
            id: a1.values.id,
            created_at: a1.values.created_at,
            name: 'alpha2',
            description: 'custom',
            revision: 2,
            tags: null,
          });
          // The etag written at create reached read (refresh) and update through private state.
          const seen = w
            .events()
            .filter((e) => e.id === a1.values.id)
            .map((e) => [e.event, e.private_etag]);
          expect(seen).toContainEqual(['thing.read', etagAfterCreate]);
          expect(seen).toContainEqual(['thing.update', etagAfterCreate]);
          // What modifyPlan put in private state at plan time reached the update (planned_private).
          expect(w.events().find((e) => e.event === 'thing.update')!.planned_revision).toBe(2);
          expect(w.privateOf('conformance_thing.a')).toEqual({ etag: w.storeRead('things', a1.values.id).etag });
        },
      },
      {
        name: 'changing a requires-replace attribute replaces a, and b follows a new id',
        config: things({ name: 'alpha2', description: 'custom', zone: 'z2' }),
        expectActions: { 'conformance_thing.a': 'replace', 'conformance_thing.b': 'update' },
        expectPlanOutput: ['# conformance_thing.a must be replaced', '~ zone        = "z1" -> "z2" # forces replacement', '~ id          = "thing-'],
        check: ({ plan, state, ws: w }) => {
          const change = plan.resource_changes!.find((c) => c.address === 'conformance_thing.a')!.change;
          expect(change.actions).toEqual(['delete', 'create']);
          expect(change.replace_paths).toEqual([['zone']]);
          const a2 = state['conformance_thing.a']!.values;
          expect(a2.id).not.toBe(a1.values.id);
          expect(a2).toMatchObject({ zone: 'z2', revision: 1 });
          expect(state['conformance_thing.b']!.values.name).toBe(`b-${a2.id}`);
          expect(w.storeIds('things')).not.toContain(a1.values.id);
        },
      },
      {
        name: '-replace replaces an object whose configuration did not change (here creating the new one first)',
        config: things({ name: 'alpha2', description: 'custom', zone: 'z2' }, { createBeforeDestroy: true }),
        planArgs: ['-replace=conformance_thing.b'],
        expectActions: { 'conformance_thing.b': 'replace' },
        expectPlanOutput: ['# conformance_thing.b will be replaced, as requested', '+/- create replacement and then destroy'],
        check: ({ plan, state, ws: w }) => {
          const change = plan.resource_changes!.find((c) => c.address === 'conformance_thing.b')!;
          expect(change.change.actions).toEqual(['create', 'delete']);
          expect(change.action_reason).toBe('replace_by_request');
          expect(w.storeIds('things')).toEqual([state['conformance_thing.a']!.values.id, state['conformance_thing.b']!.values.id].sort());
        },
      },
      {
        name: "a change behind Terraform's back shows as drift and is planned back; read adopts the new etag",
        before: (w) => {
          const id = w.instance('conformance_thing.a').attributes.id as string;
          w.storeWrite('things', id, { ...w.storeRead('things', id), name: 'hacked', etag: 'etag-from-elsewhere' });
          w.clearEvents();
        },
        expectActions: { 'conformance_thing.a': 'update' },
        // Terraform reports drift in the text only when it affects something else; the JSON always has it.
        expectPlanOutput: ['~ name        = "hacked" -> "alpha2"'],
        expectState: { 'conformance_thing.a': { name: 'alpha2', revision: 2 } },
        check: ({ plan, ws: w }) => {
          expect(plan.resource_drift!.map((d) => d.address)).toEqual(['conformance_thing.a']);
          // Refresh put the new etag in private state; plan carried it to apply, so the update was allowed.
          const id = w.instance('conformance_thing.a').attributes.id as string;
          expect(
            w
              .events()
              .filter((e) => e.event === 'thing.update' && e.id === id)
              .map((e) => e.private_etag),
          ).toEqual(['etag-from-elsewhere']);
        },
      },
      {
        name: 'without refresh the stale etag in private state reaches apply, and the update is refused',
        config: things({ name: 'alpha3', description: 'custom', zone: 'z2' }),
        before: (w) => {
          const id = w.instance('conformance_thing.a').attributes.id as string;
          w.storeWrite('things', id, { ...w.storeRead('things', id), etag: 'etag-changed-again' });
        },
        planArgs: ['-refresh=false'],
        expectActions: { 'conformance_thing.a': 'update' },
        expectApplyDiagnostics: [
          { severity: 'Error', summary: 'Object Changed Outside Terraform', address: 'conformance_thing.a', detail: "Terraform's private state says" },
        ],
        check: ({ ws: w }) => {
          // A failed update keeps the prior state.
          expect(w.instance('conformance_thing.a').attributes).toMatchObject({ name: 'alpha2', revision: 2 });
        },
      },
      {
        name: 'with refresh the same change goes through',
        expectActions: { 'conformance_thing.a': 'update' },
        expectState: { 'conformance_thing.a': { name: 'alpha3', revision: 3 } },
      },
      {
        name: "an object deleted behind Terraform's back is planned for creation",
        before: (w) => w.storeDelete('things', w.instance('conformance_thing.b').attributes.id as string),
        expectActions: { 'conformance_thing.b': 'create' },
        expectPlanOutput: ['# conformance_thing.b will be created'],
        check: ({ plan }) => {
          expect(plan.resource_drift!.map((d) => [d.address, d.change.actions])).toEqual([['conformance_thing.b', ['delete']]]);
        },
      },
      {
        name: "-refresh-only takes the store's values into state without touching the object",
        before: (w) => {
          const id = w.instance('conformance_thing.a').attributes.id as string;
          w.storeWrite('things', id, { ...w.storeRead('things', id), tags: { owner: 'someone-else' } });
        },
        planArgs: ['-refresh-only'],
        expectPlanOutput: ['# conformance_thing.a has changed', '+ tags             = {'],
        check: ({ ws: w }) => {
          expect(w.instance('conformance_thing.a').attributes).toMatchObject({ tags: { owner: 'someone-else' }, revision: 3 });
        },
      },
      {
        name: 'the next plan sets the configured tags again',
        expectActions: { 'conformance_thing.a': 'update' },
        expectPlanOutput: ['- tags        = {'],
        expectState: { 'conformance_thing.a': { tags: null, revision: 4 } },
      },
      {
        name: 'a saved destroy plan deletes both objects from the store and the state',
        planArgs: ['-destroy'],
        expectActions: { 'conformance_thing.a': 'delete', 'conformance_thing.b': 'delete' },
        expectGone: ['conformance_thing.a', 'conformance_thing.b'],
        thenNoChanges: false,
        check: ({ ws: w }) => {
          expect(w.storeIds('things')).toEqual([]);
          expect(w.stateFile().resources).toEqual([]);
        },
      },
    ]);
  });
});

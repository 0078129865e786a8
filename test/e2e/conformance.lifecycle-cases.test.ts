/**
 * Conformance, three cases of a resource's life, each in a workspace of its own (the main story is
 * conformance.lifecycle.test.ts, which runs beside this file): a create that fails half-way (tainted, then
 * replaced), a destroy refused by modifyPlan until the protection is removed, and a replacement forced by an
 * attribute whose value is unknown at plan time. Every step applies a saved plan and then proves the next
 * plan is empty.
 */
import { ConformanceWorkspace } from '../helpers/conformance';
import { describeTerraform, steps } from '../helpers/terraform';

jest.setTimeout(180_000);

describeTerraform('conformance: taint, protection and unknown replacement', () => {
  test('a create that fails after the object exists leaves it tainted, and the next apply replaces it', async () => {
    const own = await ConformanceWorkspace.create('lifecycle-taint');
    try {
      let tainted = '';
      await steps(own, [
        {
          name: 'the create reports an error after making the object',
          config: 'resource "conformance_thing" "t" {\n  name = "fail-after-create"\n}\n',
          expectActions: { 'conformance_thing.t': 'create' },
          expectApplyDiagnostics: [{ severity: 'Error', summary: 'Simulated Failure', address: 'conformance_thing.t' }],
          check: ({ ws: w }) => {
            const instance = w.instance('conformance_thing.t');
            expect(instance.status).toBe('tainted');
            tainted = instance.attributes.id as string;
            expect(w.storeIds('things')).toEqual([tainted]);
          },
        },
        {
          name: 'the tainted object is replaced',
          config: 'resource "conformance_thing" "t" {\n  name = "recovered"\n}\n',
          expectActions: { 'conformance_thing.t': 'replace' },
          expectPlanOutput: ['# conformance_thing.t is tainted, so must be replaced'],
          check: ({ state, ws: w }) => {
            expect(w.instance('conformance_thing.t').status).toBeUndefined();
            expect(w.storeIds('things')).toEqual([state['conformance_thing.t']!.values.id]);
            expect(state['conformance_thing.t']!.values.id).not.toBe(tainted);
          },
        },
      ]);
    } finally {
      own.remove();
    }
  });

  test('a protected object refuses a destroy plan until the protection is removed; terraform destroy then deletes everything', async () => {
    const own = await ConformanceWorkspace.create('lifecycle-protect');
    try {
      const protectedThing = (tags: string) =>
        `resource "conformance_thing" "p" {\n  name = "keep-me"\n  tags = ${tags}\n}\n\nresource "conformance_thing" "q" {\n  name = "other"\n}\n`;
      await steps(own, [
        {
          name: 'a protected thing',
          config: protectedThing('{ protected = "true" }'),
          expectActions: { 'conformance_thing.p': 'create', 'conformance_thing.q': 'create' },
        },
        {
          name: 'a destroy plan is refused by modifyPlan, pointing at the tag',
          planArgs: ['-destroy'],
          expectPlanDiagnostics: [
            { severity: 'Error', summary: 'Protected Thing', address: 'conformance_thing.p', detail: 'Remove the tag before destroying it.' },
          ],
        },
        { name: 'the protection is removed', config: protectedThing('{ protected = "false" }'), expectActions: { 'conformance_thing.p': 'update' } },
      ]);
      const destroyed = await own.terraform(['destroy', '-auto-approve']);
      expect(destroyed.output).toContain('Destroy complete! Resources: 2 destroyed.');
      expect(own.storeIds('things')).toEqual([]);
    } finally {
      own.remove();
    }
  });

  test('a requires-replace attribute that is unknown at plan time plans a replacement, and apply agrees', async () => {
    const own = await ConformanceWorkspace.create('lifecycle-unknown-replace');
    try {
      // dst.zone comes from src.description, which is optional+computed: unknown whenever src changes.
      const config = (srcName: string) => `
resource "conformance_thing" "src" {
  name = "${srcName}"
}

resource "conformance_thing" "dst" {
  name = "dst"
  zone = "zone-\${length(conformance_thing.src.description)}"
}
`;
      let dst = '';
      await steps(own, [
        {
          name: 'both are created',
          config: config('src'),
          expectActions: { 'conformance_thing.src': 'create', 'conformance_thing.dst': 'create' },
          check: ({ state }) => {
            dst = state['conformance_thing.dst']!.values.id;
            expect(state['conformance_thing.dst']!.values.zone).toBe('zone-20');
          },
        },
        {
          name: 'an update of src makes dst.zone unknown: Terraform replaces dst, and the final plan at apply matches',
          config: config('src-renamed'),
          expectActions: { 'conformance_thing.src': 'update', 'conformance_thing.dst': 'replace' },
          expectPlanOutput: ['~ zone = "zone-20" -> (known after apply) # forces replacement'],
          check: ({ state }) => {
            // The value came out the same, but the plan promised a new object, and apply kept the promise.
            expect(state['conformance_thing.dst']!.values.zone).toBe('zone-20');
            expect(state['conformance_thing.dst']!.values.id).not.toBe(dst);
          },
        },
      ]);
    } finally {
      own.remove();
    }
  });
});

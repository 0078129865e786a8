/**
 * Conformance, many calls at once and calls cut short: 200 instances created and destroyed with
 * -parallelism=32 (Terraform sends concurrent RPCs over one connection; each lands in state and in the
 * store), and Ctrl-C in the middle of a slow create: Terraform stops gracefully, StopProvider cancels the
 * create through its AbortSignal, the run fails with the interrupt reported, and the state keeps exactly
 * what was finished. As after every command of the suite, no provider process outlives terraform.
 */
import { ConformanceWorkspace } from '../helpers/conformance';
import { type Action, describeTerraform, diagnostics, killGroup, steps } from '../helpers/terraform';

jest.setTimeout(240_000);

const COUNT = 200;

describeTerraform('conformance: parallel and interrupted runs', () => {
  let ws: ConformanceWorkspace;
  beforeEach(async () => {
    ws = await ConformanceWorkspace.create('concurrency');
  });
  afterEach(() => ws?.remove());

  test(`${COUNT} instances are created and destroyed with -parallelism=32`, async () => {
    const addresses = Array.from({ length: COUNT }, (_, i) => `conformance_thing.many[${i}]`);
    await steps(ws, [
      {
        name: `${COUNT} things, 32 at a time`,
        config: `resource "conformance_thing" "many" {\n  count = ${COUNT}\n  name  = "many-\${count.index}"\n}\n`,
        planArgs: ['-parallelism=32'],
        applyArgs: ['-parallelism=32'],
        expectActions: Object.fromEntries(addresses.map((a) => [a, 'create' as Action])),
        expectApplyOutput: [`Apply complete! Resources: ${COUNT} added, 0 changed, 0 destroyed.`],
        check: ({ state, ws: w }) => {
          const ids = addresses.map((a) => state[a]!.values.id as string);
          expect(new Set(ids).size).toBe(COUNT);
          expect(w.storeIds('things')).toEqual([...ids].sort());
          addresses.forEach((a, i) => {
            expect(state[a]!.values.name).toBe(`many-${i}`);
          });
        },
      },
    ]);
    const destroyed = await ws.terraform(['destroy', '-auto-approve', '-parallelism=32']);
    expect(destroyed.output).toContain(`Destroy complete! Resources: ${COUNT} destroyed.`);
    expect(ws.storeIds('things')).toEqual([]);
    expect(ws.stateFile().resources).toEqual([]);
  });

  test('Ctrl-C during a slow create stops it through StopProvider and leaves a consistent state', async () => {
    ws.writeConfig(`
resource "conformance_thing" "fast" {
  count = 3
  name  = "fast-\${count.index}"
}

resource "conformance_slow" "slow" {
  duration_ms = 60000
  depends_on  = [conformance_thing.fast]
}
`);
    const started = Date.now();
    let interruptedAfter = 0;
    const res = await ws.terraform(['apply', '-auto-approve'], {
      expectCode: [1],
      // Like a terminal: SIGINT to terraform's whole process group, provider processes included, once
      // the slow create is under way.
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (!ws.events().some((e) => e.event === 'slow.started')) return;
          clearInterval(poll);
          interruptedAfter = Date.now() - started;
          killGroup(child, 'SIGINT');
        }, 50);
        child.once('close', () => clearInterval(poll));
      },
    });
    const elapsed = Date.now() - started;
    expect(interruptedAfter).toBeGreaterThan(0);
    // Stopped by the cancellation, not by the 60 s sleep running out.
    expect(elapsed).toBeLessThan(20_000);
    expect(res.output).toContain('Interrupt received.');
    expect(res.output).toContain('Stopping operation...');
    expect(diagnostics(res.output)).toContainEqual(
      expect.objectContaining({
        severity: 'Error',
        summary: 'Creation Cancelled',
        address: 'conformance_slow.slow',
        detail: expect.stringContaining('Terraform asked the provider to stop'),
      }),
    );
    // StopProvider reached the provider, and the create gave up (which of the two is written first is up
    // to the transport's ordering of the abort and the stop hook).
    const seen = ws
      .events()
      .map((e) => e.event)
      .filter((e) => e === 'provider.stop' || e.startsWith('slow.'));
    expect(seen[0]).toBe('slow.started');
    expect([...seen.slice(1)].sort()).toEqual(['provider.stop', 'slow.cancelled']);

    // What finished is in state and in the store; the cancelled object is in neither.
    const state = ws.stateFile();
    expect(state.resources.map((r) => `${r.type}.${r.name}:${r.instances.length}`)).toEqual(['conformance_thing.fast:3']);
    expect(ws.storeIds('things')).toHaveLength(3);
    expect(ws.storeIds('slow')).toEqual([]);

    // The next plan picks up exactly where the run stopped.
    const next = await ws.terraform(['plan', '-detailed-exitcode'], { expectCode: [2] });
    expect(next.output).toContain('# conformance_slow.slow will be created');
    expect(next.output).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
  });
});

/**
 * Conformance, values that do not live in state: an ephemeral resource opened and closed in both the plan
 * and the apply walk feeds a write-only attribute; the write-only value reaches the provider (the store
 * records its hash) but never the plan or the state, and changing it alone plans nothing, while bumping its
 * version sends it again. Data sources read at plan time when their arguments are known and at apply time
 * when they are not; a provider function evaluates inside a resource argument.
 */
import { passwordFor } from '../fixtures/conformance-provider/password-ephemeral';
import { sha256 } from '../fixtures/conformance-provider/thing-record';
import { ConformanceWorkspace } from '../helpers/conformance';
import { describeTerraform, parseJSON, steps } from '../helpers/terraform';

jest.setTimeout(120_000);

const config = (seed: string, version: number) => `
ephemeral "conformance_password" "p" {
  seed = "${seed}"
}

resource "conformance_thing" "w" {
  name             = provider::conformance::upper("with-password")
  password_wo      = ephemeral.conformance_password.p.value
  password_version = ${version}
}

# A function whose argument is known only at apply: Terraform calls it then.
resource "conformance_thing" "fn" {
  name = provider::conformance::upper(conformance_thing.w.id)
}

data "conformance_thing" "known" {
  id = "thing-preexisting"
}

data "conformance_thing" "later" {
  id = conformance_thing.w.id
}

output "later" {
  value = { name = data.conformance_thing.later.name, revision = data.conformance_thing.later.revision }
}

output "known_tags" {
  value = data.conformance_thing.known.tags
}
`;

describeTerraform('conformance: ephemeral values, write-only attributes and data sources', () => {
  let ws: ConformanceWorkspace;
  beforeAll(async () => {
    ws = await ConformanceWorkspace.create('ephemeral');
    ws.storeWrite('things', 'thing-preexisting', {
      id: 'thing-preexisting',
      name: 'pre',
      zone: null,
      description: 'x',
      tags: { team: 'infra' },
      secret: null,
      created_at: '2030-01-01T00:00:00.000Z',
      revision: 3,
      etag: 'e',
      password_sha256: null,
      password_version: null,
      priority: 5,
    });
  });
  afterAll(() => ws?.remove());

  test('an ephemeral password reaches the store through a write-only attribute and nowhere else', async () => {
    const s1 = passwordFor('s1');
    const s2 = passwordFor('s2');
    let id = '';
    await steps(ws, [
      {
        name: 'create: the data source with a known id is read in plan, the other in apply; the password goes to the store',
        config: config('s1', 1),
        expectActions: { 'conformance_thing.w': 'create', 'conformance_thing.fn': 'create', 'data.conformance_thing.later': 'read' },
        expectPlanOutput: [
          '+ name             = "WITH-PASSWORD"',
          '+ password_wo      = (write-only attribute)',
          '# data.conformance_thing.later will be read during apply',
          '<= data "conformance_thing" "later" {',
          '+ known_tags = {',
        ],
        check: async ({ plan, state, ws: w }) => {
          id = state['conformance_thing.w']!.values.id;
          expect(state['conformance_thing.fn']!.values.name).toBe(id.toUpperCase());
          // The write-only value is null in the plan and in state, and its text is nowhere in either.
          expect(plan.resource_changes!.find((c) => c.address === 'conformance_thing.w')!.change.after.password_wo).toBeNull();
          expect(state['conformance_thing.w']!.values.password_wo).toBeNull();
          expect(JSON.stringify(plan)).not.toContain(s1);
          expect(w.stateFileText()).not.toContain(s1);
          expect(w.instance('conformance_thing.w').attributes.password_wo).toBeNull();
          // The provider got it: the store holds its hash.
          expect(w.storeRead('things', id)).toMatchObject({ name: 'WITH-PASSWORD', password_sha256: sha256(s1), password_version: 1 });
          // The ephemeral resource was opened and closed in the plan walk and in the apply walk.
          const lifecycle = w
            .events()
            .filter((e) => e.event.startsWith('password.'))
            .map((e) => `${e.event}:${e.seed}`);
          expect(lifecycle.filter((e) => e === 'password.open:s1').length).toBeGreaterThanOrEqual(2);
          expect(lifecycle.filter((e) => e === 'password.close:s1').length).toBe(lifecycle.filter((e) => e === 'password.open:s1').length);
          // Data sources in state: the one read at plan time and the one read at apply time.
          expect(state['data.conformance_thing.known']!.values).toMatchObject({ name: 'pre', tags: { team: 'infra' }, revision: 3 });
          expect(state['data.conformance_thing.later']!.values).toMatchObject({ id, name: 'WITH-PASSWORD', revision: 1 });
          const outputs = parseJSON((await w.terraform(['output', '-json'])).stdout);
          expect(outputs.later.value).toEqual({ name: 'WITH-PASSWORD', revision: 1 });
          expect(outputs.known_tags.value).toEqual({ team: 'infra' });
        },
      },
      {
        name: 'a new password alone changes nothing: write-only values are not compared',
        config: config('s2', 1),
        expectNoChanges: true,
        check: ({ ws: w }) => expect(w.storeRead('things', id).password_sha256).toBe(sha256(s1)),
      },
      {
        name: 'bumping the version sends the new password',
        config: config('s2', 2),
        expectActions: { 'conformance_thing.w': 'update', 'data.conformance_thing.later': 'read' },
        expectPlanOutput: ['~ password_version = 1 -> 2'],
        check: ({ state, ws: w }) => {
          expect(w.storeRead('things', id)).toMatchObject({ password_sha256: sha256(s2), password_version: 2, revision: 2 });
          expect(w.stateFileText()).not.toContain(s2);
          expect(state['data.conformance_thing.later']!.values.revision).toBe(2);
        },
      },
    ]);
  });

  test('an ephemeral value in use past its renew time is renewed, with the private data open returned', async () => {
    const own = await ConformanceWorkspace.create('ephemeral-renew');
    try {
      await steps(own, [
        {
          name: 'a slow create keeps the ephemeral password open for 1.5 s; it asks to be renewed every 300 ms',
          config: `
ephemeral "conformance_password" "lease" {
  seed           = "lease"
  renew_after_ms = 300
}

resource "conformance_slow" "uses_lease" {
  duration_ms = 1500
  token_wo    = ephemeral.conformance_password.lease.value
}
`,
          before: (w) => w.clearEvents(),
          expectActions: { 'conformance_slow.uses_lease': 'create' },
          check: ({ ws: w }) => {
            // Each walk (plan, apply, the plan after it) opens the password in its own provider process.
            const walks = new Map<number, string[]>();
            for (const e of w.events().filter((x) => x.event.startsWith('password.'))) walks.set(e.pid, [...(walks.get(e.pid) ?? []), `${e.event}:${e.seed}`]);
            // The apply walk: opened, renewed (with the seed from open's private data) while the create ran, closed.
            const apply = [...walks.values()].find((events) => events.includes('password.renew:lease'));
            expect(apply).toBeDefined();
            expect(apply![0]).toBe('password.open:lease');
            expect(apply!.at(-1)).toBe('password.close:lease');
            expect(apply!.slice(1, -1).every((e) => e === 'password.renew:lease')).toBe(true);
          },
        },
      ]);
    } finally {
      own.remove();
    }
  });
});

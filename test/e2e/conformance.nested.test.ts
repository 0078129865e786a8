/**
 * Conformance, computed values inside nested structures: ids the provider assigns inside list blocks and
 * set nested attributes are planned unknown on create, kept across updates (useStateForUnknown, matched by
 * index in a list and by configured values in a set), and unknown only for new elements; optional+computed
 * values inside a block and a whole optional+computed nested attribute are filled by the provider when the
 * configuration leaves them out, and keep their value when the configuration stops setting them. A
 * write-only value inside a block reaches the provider and nothing else.
 */
import { sha256 } from '../fixtures/conformance-provider/thing-record';
import { ConformanceWorkspace } from '../helpers/conformance';
import { describeTerraform, steps } from '../helpers/terraform';

jest.setTimeout(120_000);

const NET = 'conformance_network.n';

const network = (o: { subnets: string[]; ports: number[]; settings?: string; region?: string; acl?: string[] }) => `
resource "conformance_network" "n" {
  name  = "net"
${o.region ? `  region = "${o.region}"\n` : ''}  ports = [${o.ports.map((p) => `{ number = ${p} }`).join(', ')}]
${o.settings ? `  settings = ${o.settings}\n` : ''}${o.subnets.map((s) => `  subnet {\n${s}\n  }\n`).join('')}${(o.acl ?? []).map((a) => `  acl {\n${a}\n  }\n`).join('')}}
`;

const ACL = ['    rule = "allow 80"', '    rule = "deny all"\n    note = "last"'];
const PSK = 'key-one-secret';

describeTerraform('conformance: computed values inside nested blocks and nested attributes', () => {
  let ws: ConformanceWorkspace;
  beforeAll(async () => {
    ws = await ConformanceWorkspace.create('nested');
  });
  afterAll(() => ws?.remove());

  test('ids inside blocks and set elements are assigned once and kept; new elements get new ones', async () => {
    let first: Record<string, any> = {};
    await steps(ws, [
      {
        name: 'create: every computed value inside the nested structures is unknown until apply',
        config: network({
          subnets: [`    cidr   = "10.0.0.0/24"\n    psk_wo = "${PSK}"`, '    cidr    = "10.0.1.0/24"\n    gateway = "10.0.1.254"'],
          ports: [80, 443],
          acl: ACL,
        }),
        expectActions: { [NET]: 'create' },
        check: ({ plan, state }) => {
          const change = plan.resource_changes!.find((c) => c.address === NET)!.change;
          expect(change.after_unknown).toEqual({
            id: true,
            region: true,
            settings: true,
            ports: [{ id: true }, { id: true }],
            subnet: [{ subnet_id: true, gateway: true }, { subnet_id: true }],
            acl: expect.arrayContaining([{ acl_id: true, note: true }, { acl_id: true }]),
          });
          first = state[NET]!.values;
          const id = first.id as string;
          expect(first).toMatchObject({
            region: 'region-1',
            settings: { mode: 'auto', size: null },
            subnet: [
              { cidr: '10.0.0.0/24', subnet_id: `${id}-subnet-1`, gateway: 'gw-10.0.0.0' },
              { cidr: '10.0.1.0/24', subnet_id: `${id}-subnet-2`, gateway: '10.0.1.254' },
            ],
          });
          const aclOf = (rule: string) => first.acl.find((a: { rule: string }) => a.rule === rule);
          expect(aclOf('allow 80')).toEqual({ rule: 'allow 80', acl_id: expect.stringMatching(`^${id}-acl-`), note: 'rule allow 80' });
          expect(aclOf('deny all')).toEqual({ rule: 'deny all', acl_id: expect.stringMatching(`^${id}-acl-`), note: 'last' });
          // The write-only key inside a block reached the store, and is null in plan and state.
          expect(change.after.subnet[0].psk_wo).toBeNull();
          expect(first.subnet[0].psk_wo).toBeNull();
          expect(ws.storeRead('networks', id).psk_sha256).toEqual({ '10.0.0.0/24': sha256(PSK) });
          // (The plan's copy of the configuration shows the literal as written; the planned values do not.)
          expect(JSON.stringify([plan.planned_values, plan.resource_changes])).not.toContain(PSK);
          expect(ws.stateFileText()).not.toContain(PSK);
          expect([...first.ports].sort((a, b) => a.number - b.number)).toEqual([
            { number: 80, id: `${id}-port-80` },
            { number: 443, id: `${id}-port-443` },
          ]);
        },
      },
      {
        name: 'adding a subnet and a port: existing ids stay known in the plan, only the new ones are unknown',
        config: network({
          subnets: [`    cidr   = "10.0.0.0/24"\n    psk_wo = "${PSK}"`, '    cidr    = "10.0.1.0/24"\n    gateway = "10.0.1.254"', '    cidr = "10.0.2.0/24"'],
          ports: [80, 443, 8080],
          acl: [...ACL, '    rule = "allow 443"'],
        }),
        expectActions: { [NET]: 'update' },
        check: ({ plan, state }) => {
          const change = plan.resource_changes!.find((c) => c.address === NET)!.change;
          const id = first.id as string;
          expect(change.after.subnet.map((s: { subnet_id?: string }) => s.subnet_id)).toEqual([`${id}-subnet-1`, `${id}-subnet-2`, undefined]);
          expect(change.after_unknown.subnet[2]).toEqual({ subnet_id: true, gateway: true });
          // region is recomputed (unknown) but not configured: requiresReplaceIfConfigured keeps the object.
          expect(change.after_unknown.region).toBe(true);
          expect(change.replace_paths).toBeUndefined();
          // Set elements carry no index; the kept ids follow the configured port numbers.
          const plannedPorts = change.after.ports as { number: number; id?: string }[];
          expect(
            plannedPorts
              .filter((p) => p.id !== undefined)
              .map((p) => [p.number, p.id])
              .sort(),
          ).toEqual([
            [443, `${id}-port-443`],
            [80, `${id}-port-80`],
          ]);
          const v = state[NET]!.values;
          expect(v.subnet.map((s: { subnet_id: string }) => s.subnet_id)).toEqual([`${id}-subnet-1`, `${id}-subnet-2`, `${id}-subnet-3`]);
          expect(v.ports.find((p: { number: number }) => p.number === 8080)).toEqual({ number: 8080, id: `${id}-port-8080` });
          expect(v.ports.find((p: { number: number }) => p.number === 80)).toEqual({ number: 80, id: `${id}-port-80` });
          // In the acl set block too: the planned elements of existing rules keep their ids.
          const plannedAcl = change.after.acl as { rule: string; acl_id?: string }[];
          const firstAcl = (rule: string) => first.acl.find((a: { rule: string }) => a.rule === rule).acl_id;
          expect(plannedAcl.find((a) => a.rule === 'allow 80')!.acl_id).toBe(firstAcl('allow 80'));
          expect(plannedAcl.find((a) => a.rule === 'deny all')!.acl_id).toBe(firstAcl('deny all'));
          expect(plannedAcl.find((a) => a.rule === 'allow 443')!.acl_id).toBeUndefined();
          expect(v.acl.find((a: { rule: string }) => a.rule === 'deny all')).toEqual({ rule: 'deny all', acl_id: firstAcl('deny all'), note: 'last' });
          expect(v.acl.find((a: { rule: string }) => a.rule === 'allow 443').acl_id).toMatch(new RegExp(`^${id}-acl-`));
        },
      },
      {
        name: "an optional+computed nested attribute set in the configuration replaces the provider's default",
        config: network({ subnets: ['    cidr = "10.0.0.0/24"'], ports: [80], settings: '{ mode = "manual", size = 3 }' }),
        expectActions: { [NET]: 'update' },
        expectState: { [NET]: { settings: { mode: 'manual', size: 3 } } },
        check: ({ state }) => {
          expect(state[NET]!.values.subnet).toEqual([{ cidr: '10.0.0.0/24', subnet_id: `${first.id}-subnet-1`, gateway: 'gw-10.0.0.0', psk_wo: null }]);
        },
      },
      {
        name: 'leaving it out again, after a non-computed value inside it was set, unsets it: the provider fills its default',
        // Terraform's ProposedNew infers from the non-computed size in state that the configuration used to
        // set the attribute, so it proposes null rather than keeping the prior value.
        config: network({ subnets: ['    cidr = "10.0.0.0/24"'], ports: [80] }),
        expectActions: { [NET]: 'update' },
        expectPlanOutput: ['~ mode = "manual" -> (known after apply)', '} -> (known after apply)'],
        expectState: { [NET]: { settings: { mode: 'auto', size: null }, subnet: [{ gateway: 'gw-10.0.0.0' }] } },
      },
      {
        name: 'an optional+computed nested attribute with only computed values set',
        config: network({ subnets: ['    cidr = "10.0.0.0/24"'], ports: [80], settings: '{ mode = "manual" }' }),
        expectActions: { [NET]: 'update' },
        expectState: { [NET]: { settings: { mode: 'manual', size: null } } },
      },
      {
        name: 'leaving that one out keeps the value it has: nothing to change',
        config: network({ subnets: ['    cidr = "10.0.0.0/24"'], ports: [80] }),
        expectNoChanges: true,
      },
      {
        name: 'a configured region that differs from the stored one replaces the network',
        config: network({ subnets: ['    cidr = "10.0.0.0/24"'], ports: [80], region: 'eu-west' }),
        expectActions: { [NET]: 'replace' },
        expectPlanOutput: ['~ region = "region-1" -> "eu-west" # forces replacement'],
        check: ({ state }) => {
          expect(state[NET]!.values).toMatchObject({ region: 'eu-west' });
          expect(state[NET]!.values.id).not.toBe(first.id);
        },
      },
    ]);
  });
});

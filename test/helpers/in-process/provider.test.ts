/**
 * The in-process harness refuses what Terraform refuses and sends what Terraform sends: a hand-written
 * provider server (protocol level, so the harness is checked against the protocol, not against our SDK)
 * misbehaves on request, and each rule of provider.ts and objchange.ts is seen to fire, or not.
 */
import { decodeMsgpack, encodeMsgpack } from '../../../provider/sdk/cty/msgpack';
import * as T from '../../../provider/sdk/cty/types';
import { Value } from '../../../provider/sdk/cty/value';
import type * as P from '../../../provider/sdk/protocol/types';
import { InProcessProvider, ProviderErrors, unknown } from '.';

const RULE = T.object({ port: T.number, proto: T.string });
const THING = T.object({ id: T.string, name: T.string, size: T.number, zone: T.string, rule: RULE });
const json = (t: T.Type) => Buffer.from(T.typeToJSON(t));
const attr = (name: string, type: T.Type, flags: Partial<P.SchemaAttribute>): P.SchemaAttribute => ({ name, type: json(type), description: name, ...flags });

const SCHEMA: P.Schema = {
  version: 0,
  block: {
    attributes: [
      attr('id', T.string, { computed: true }),
      attr('name', T.string, { required: true }),
      attr('size', T.number, { optional: true, computed: true }),
      attr('zone', T.string, { optional: true }),
    ],
    block_types: [
      {
        type_name: 'rule',
        nesting: 'SINGLE',
        block: { attributes: [attr('port', T.number, { required: true }), attr('proto', T.string, { optional: true, computed: true })], block_types: [] },
      },
    ],
  },
};

const dv = (v: Value): P.DynamicValue => ({ msgpack: Buffer.from(encodeMsgpack(v, THING)) });
const val = (d: P.DynamicValue | undefined): Value => (d?.msgpack?.length ? decodeMsgpack(d.msgpack, THING) : Value.null(THING));
const withAttrs = (v: Value, attrs: Record<string, Value>): Value => Value.object(THING, { ...v.entries(), ...attrs });

/** What the fake does wrong (or differently) this time. */
interface Quirks {
  /** PlanResourceChange answers with this planned state (given the planned state it would send). */
  plan?: (planned: Value, req: P.PlanResourceChange.Request) => Value;
  /** ApplyResourceChange answers with this (given what it would answer). */
  apply?: (result: Value) => Value;
  applyError?: boolean;
  readGone?: boolean;
}

interface Call {
  server: number;
  rpc: string;
  req: Record<string, any>;
}

function fakeServers(quirks: Quirks, calls: Call[]): () => P.ProviderServer {
  let servers = 0;
  let ids = 0;
  return () => {
    const n = ++servers;
    const log = (rpc: string, req: object) => calls.push({ server: n, rpc, req: req as Record<string, any> });
    const none = { diagnostics: [] as P.Diagnostic[] };
    const server: Partial<P.ProviderServer> = {
      async getProviderSchema() {
        return {
          provider: { version: 0, block: { attributes: [], block_types: [] } },
          resource_schemas: { fake_thing: SCHEMA },
          data_source_schemas: {},
          ephemeral_resource_schemas: {},
          functions: {},
          diagnostics: [],
        };
      },
      async validateProviderConfig(req) {
        log('ValidateProviderConfig', req);
        return none;
      },
      async configureProvider(req) {
        log('ConfigureProvider', req);
        return none;
      },
      async validateResourceConfig(req) {
        log('ValidateResourceConfig', req);
        return none;
      },
      async upgradeResourceState(req) {
        log('UpgradeResourceState', req);
        const { decodeJSON } = require('../../../provider/sdk/cty/json') as typeof import('../../../provider/sdk/cty/json');
        return { upgraded_state: dv(decodeJSON(Buffer.from(req.raw_state!.json!).toString(), THING)), diagnostics: [] };
      },
      async readResource(req) {
        log('ReadResource', req);
        return { new_state: quirks.readGone ? dv(Value.null(THING)) : req.current_state, diagnostics: [] };
      },
      async planResourceChange(req) {
        log('PlanResourceChange', req);
        const proposed = val(req.proposed_new_state);
        const prior = val(req.prior_state);
        let planned = proposed;
        if (!proposed.isNull()) {
          // Like a framework: computed values left null are to come, unless nothing changed.
          const fill = (v: Value, name: string, t: T.Type) => (v.attr(name).isNull() ? { [name]: Value.unknown(t) } : {});
          if (prior.isNull() || !proposed.equals(prior))
            planned = withAttrs(proposed, { ...fill(proposed, 'id', T.string), ...fill(proposed, 'size', T.number) });
          if (quirks.plan) planned = quirks.plan(planned, req);
        }
        return { planned_state: dv(planned), requires_replace: [{ steps: [{ attribute_name: 'zone' }] }], planned_private: Buffer.from('p'), diagnostics: [] };
      },
      async applyResourceChange(req) {
        log('ApplyResourceChange', req);
        if (quirks.applyError) return { diagnostics: [{ severity: 'ERROR', summary: 'Boom', detail: 'apply failed' }] };
        const planned = val(req.planned_state);
        if (planned.isNull()) return { new_state: dv(planned), diagnostics: [] };
        const prior = val(req.prior_state);
        const known = (name: string, v: Value) => (planned.attr(name).isKnown() ? {} : { [name]: v });
        let result = withAttrs(planned, { ...known('id', prior.isNull() ? Value.string(`t-${++ids}`) : prior.attr('id')), ...known('size', Value.number(1)) });
        if (quirks.apply) result = quirks.apply(result);
        return { new_state: dv(result), diagnostics: [] };
      },
      async importResourceState(req) {
        log('ImportResourceState', req);
        const state = withAttrs(emptyThing(), { id: Value.string(req.id) });
        return { imported_resources: [{ type_name: 'fake_thing', state: dv(state) }], diagnostics: [] };
      },
    };
    return server as P.ProviderServer;
  };
}

function emptyThing(): Value {
  return Value.object(THING, {
    id: Value.null(T.string),
    name: Value.null(T.string),
    size: Value.null(T.number),
    zone: Value.null(T.string),
    rule: Value.null(RULE),
  });
}

async function start(quirks: Quirks = {}) {
  const calls: Call[] = [];
  const p = await InProcessProvider.start({ server: fakeServers(quirks, calls) });
  return { p, calls, thing: p.resource('fake_thing', 't') };
}

const rpcs = (calls: Call[]) => calls.map((c) => c.rpc);

test('Terraform’s order: validation on a server never configured; refresh (upgrade, read) before every plan of an existing object', async () => {
  const { p, calls, thing } = await start();
  const configured = calls.find((c) => c.rpc === 'ConfigureProvider')!.server;
  expect(calls.find((c) => c.rpc === 'ValidateProviderConfig')!.server).not.toBe(configured);
  calls.length = 0;
  await thing.apply({ name: 'a' });
  expect(calls.map((c) => [c.rpc, c.server === configured])).toEqual([
    ['ValidateResourceConfig', false],
    ['PlanResourceChange', true],
    ['PlanResourceChange', true], // the final plan, at apply
    ['ApplyResourceChange', true],
  ]);
  calls.length = 0;
  await thing.plan({ name: 'a' });
  expect(rpcs(calls)).toEqual(['ValidateResourceConfig', 'UpgradeResourceState', 'ReadResource', 'PlanResourceChange']);
  expect(p.logs).toEqual([]);
});

test('the proposed new state: computed values null on create; the prior value where the configuration leaves a computed one null, the configured one otherwise', async () => {
  const { calls, thing } = await start();
  await thing.apply({ name: 'a', rule: { port: 80 } });
  const created = calls.find((c) => c.rpc === 'PlanResourceChange')!;
  expect(val(created.req.proposed_new_state).attr('id').isNull()).toBe(true);
  expect(thing.state).toMatchObject({ id: 't-1', size: 1, rule: { port: 80, proto: null } });
  calls.length = 0;
  await thing.plan({ name: 'b', rule: { port: 81 } });
  const proposed = val(calls.find((c) => c.rpc === 'PlanResourceChange')!.req.proposed_new_state);
  expect([proposed.attr('id').asString(), proposed.attr('size').asNumber(), proposed.attr('name').asString()]).toEqual(['t-1', '1', 'b']);
  calls.length = 0;
  await thing.plan({ name: 'b', size: 5, rule: { port: 81 } });
  expect(
    val(calls.find((c) => c.rpc === 'PlanResourceChange')!.req.proposed_new_state)
      .attr('size')
      .asNumber(),
  ).toBe('5');
});

test('actions: no-op when the plan equals the prior, update otherwise, replace when a requires_replace path changes, planned again from null', async () => {
  const { calls, thing } = await start();
  await thing.apply({ name: 'a', zone: 'eu' });
  expect((await thing.plan({ name: 'a', zone: 'eu' })).action).toBe('no-op');
  const update = await thing.plan({ name: 'b', zone: 'eu' });
  expect(update.action).toBe('update');
  expect(update.replacePaths).toEqual([]);
  expect(update.after).toMatchObject({ id: 't-1', name: 'b', size: 1 });
  calls.length = 0;
  const replace = await thing.plan({ name: 'a', zone: 'us' });
  expect(replace.action).toBe('replace');
  expect(replace.replacePaths).toEqual([['zone']]);
  const plans = calls.filter((c) => c.rpc === 'PlanResourceChange');
  expect(plans.map((c) => val(c.req.prior_state).isNull())).toEqual([false, true]);
  expect(Buffer.from(plans[1]!.req.prior_private).toString()).toBe('p');
  expect(replace.after.id).toBe(unknown);
  const replaced = await thing.apply(replace);
  expect(replaced.state.id).toBe('t-2');
  expect((await thing.plan({ name: 'a', zone: 'us' }, { replace: true })).action).toBe('replace');
});

test('a plan that changes a configured value is "Provider produced invalid plan"; keeping an equal prior value is allowed', async () => {
  const renamed = await start({ plan: (v) => withAttrs(v, { name: Value.string('other') }) });
  const failed = await renamed.thing.plan({ name: 'a' }, { expectError: true });
  expect(failed.errors).toEqual([expect.objectContaining({ summary: 'Provider produced invalid plan' })]);
  expect(failed.errors[0]!.detail).toMatch(/name: planned value "other" does not match config value "a"/);

  const { thing } = await start({ plan: (v, req) => (val(req.prior_state).isNull() ? v : withAttrs(v, { name: val(req.prior_state).attr('name') })) });
  await thing.apply({ name: 'A' });
  // The provider finds "a" equal to the prior "A" and keeps the prior: Terraform accepts that.
  expect((await thing.plan({ name: 'a' })).action).toBe('no-op');
  const unconfigured = await start({ plan: (v) => withAttrs(v, { zone: Value.string('eu') }) });
  expect((await unconfigured.thing.plan({ name: 'a' }, { expectError: true })).errors[0]!.detail).toMatch(
    /zone: planned value "eu" for a non-computed attribute/,
  );
});

test('an apply whose result differs from a known planned value, or leaves one unknown, is "inconsistent result after apply"', async () => {
  const changed = await start({ apply: (v) => withAttrs(v, { name: Value.string('surprise') }) });
  const failed = await changed.thing.apply({ name: 'a' }, { expectError: true });
  expect(failed.errors[0]!.summary).toBe('Provider produced inconsistent result after apply');
  expect(failed.errors[0]!.detail).toMatch(/name: was "a", but now "surprise"/);
  const left = await start({ apply: (v) => withAttrs(v, { id: Value.unknown(T.string) }) });
  expect((await left.thing.apply({ name: 'a' }, { expectError: true })).errors[0]!.detail).toMatch(/unknown/);
});

test('a final plan at apply that differs from the saved plan is "inconsistent final plan"', async () => {
  let planned = 0;
  const { thing } = await start({ plan: (v) => withAttrs(v, { size: Value.number(++planned) }) });
  const failed = await thing.apply(await thing.plan({ name: 'a' }), { expectError: true });
  expect(failed.errors[0]!.summary).toBe('Provider produced inconsistent final plan');
});

test('a failed apply keeps the prior object when the provider returns none; a failed create leaves nothing', async () => {
  const quirks: Quirks = {};
  const { thing } = await start(quirks);
  await thing.apply({ name: 'a' });
  const before = thing.state;
  quirks.applyError = true;
  expect((await thing.apply({ name: 'b' }, { expectError: true })).state).toEqual(before);
  const fresh = (await start({ applyError: true })).thing;
  await fresh.apply({ name: 'a' }, { expectError: true });
  expect(fresh.state).toBeNull();
});

test('an object read as gone is planned for creation; an import the read cannot find fails as in Terraform', async () => {
  const quirks: Quirks = {};
  const { thing, p } = await start(quirks);
  await thing.apply({ name: 'a' });
  quirks.readGone = true;
  const plan = await thing.plan({ name: 'a' });
  expect([plan.action, plan.before]).toEqual(['create', null]);
  const failed = await p.resource('fake_thing', 'i').import('t-9', { expectError: true });
  expect(failed.errors.map((e) => e.summary)).toEqual(['Cannot import non-existent remote object']);
  quirks.readGone = false;
  expect((await p.resource('fake_thing', 'i').import('t-9')).state).toMatchObject({ id: 't-9', name: null });
});

test('a missing required argument is refused before the provider sees the configuration; an unknown argument is a test bug', async () => {
  const { thing, calls } = await start();
  calls.length = 0;
  const failed = await thing.plan({ rule: { port: 1 } }, { expectError: true });
  expect(failed.errors).toEqual([expect.objectContaining({ summary: 'Missing required argument', attribute: 'name' })]);
  expect((await thing.plan({ name: 'a', rule: {} }, { expectError: true })).errors[0]).toMatchObject({ attribute: 'rule.port' });
  expect(calls).toEqual([]);
  await expect(thing.plan({ name: 'a', colour: 'red' })).rejects.toThrow(/unsupported argument or block "colour"/);
});

test('a call that fails throws the diagnostics unless an error is expected; one expected to fail that succeeds throws', async () => {
  const { thing } = await start({ applyError: true });
  await expect(thing.apply({ name: 'a' })).rejects.toBeInstanceOf(ProviderErrors);
  await expect(thing.apply({ name: 'a' })).rejects.toThrow(/Boom: apply failed/);
  const ok = (await start()).thing;
  await expect(ok.plan({ name: 'a' }, { expectError: true })).rejects.toThrow(/expected to fail, but succeeded/);
});

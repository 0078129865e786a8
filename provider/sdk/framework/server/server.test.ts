/**
 * The framework server in process, RPC by RPC, with values encoded exactly as Terraform sends them. The
 * end-to-end suite (test/e2e/conformance.*) proves the same against the real terraform binary; these pin the
 * bookkeeping rules one at a time.
 */
import { decodeMsgpack, encodeMsgpack } from '../../cty/msgpack';
import * as T from '../../cty/types';
import { Value } from '../../cty/value';
import type { CallContext, DynamicValue, Logger } from '../../protocol/types';
import { FunctionError } from '../function';
import { requiresReplace, useStateForUnknown } from '../plan-modifiers';
import type { Provider } from '../provider';
import type { ConfigureResourceRequest, ConfigureResourceResponse, Resource, ValidateConfigRequest, ValidateConfigResponse } from '../resource';
import { importStatePassthroughId } from '../resource';
import { numberAttr, setNestedAttr, stringAttr } from '../schema/attributes';
import { listBlock, setBlock } from '../schema/blocks';
import { type StateOf, providerSchema, resourceSchema } from '../schema/schema';
import { stringLength } from '../validators';
import { providerServer } from './server';

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const ctx = (): CallContext => ({ signal: new AbortController().signal, log: silent, rpc: 'test' });

const thingSchema = resourceSchema({
  version: 1,
  attributes: {
    id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()] }),
    name: stringAttr({ required: true, validators: [stringLength(1, 10)] }),
    zone: stringAttr({ optional: true, planModifiers: [requiresReplace()] }),
    revision: numberAttr({ computed: true }),
    mode: stringAttr({ optional: true, computed: true, default: 'fast' }),
    token: stringAttr({ optional: true, writeOnly: true }),
    legacy: stringAttr({ optional: true, deprecated: 'Use name instead.' }),
  },
  blocks: { rule: listBlock({ attributes: { port: numberAttr({ required: true }) } }) },
});
type Thing = StateOf<typeof thingSchema>;
const TT = thingSchema.type;

const echoProviderSchema = providerSchema({ attributes: { mode: stringAttr({ optional: true }) } });

const store = new Map<string, Thing>();
let calls: string[] = [];

class ThingResource implements Resource<typeof thingSchema> {
  readonly typeName = 'test_thing';
  readonly schema = thingSchema;
  async create(req: Parameters<Resource<typeof thingSchema>['create']>[0], resp: Parameters<Resource<typeof thingSchema>['create']>[1]) {
    calls.push(`create token=${req.config.token}`);
    if (req.config.name === 'explode') throw new Error('boom');
    // Errors that carry their own diagnostic (error-diagnostic.ts); 'malformed' carries one without a summary.
    if (req.config.name === 'carry')
      throw Object.assign(new Error('connect ECONNREFUSED'), { toDiagnostic: () => ({ summary: 'Cannot Reach The Service', detail: 'Is it running?' }) });
    if (req.config.name === 'carry-at')
      throw Object.assign(new Error('refused'), { toDiagnostic: () => ({ summary: 'Name Taken', detail: 'Choose another.', path: [{ attr: 'name' }] }) });
    if (req.config.name === 'malformed') throw Object.assign(new Error('odd'), { toDiagnostic: () => ({ detail: 'no summary' }) });
    if (req.config.name === 'leave') return; // leaves id unknown: a provider bug the framework must report
    const id = `t-${store.size + 1}`;
    resp.state.set({ id, revision: 1 });
    resp.private.set('etag', 'e1');
    store.set(id, resp.state.get() as Thing);
  }
  async read(req: Parameters<Resource<typeof thingSchema>['read']>[0], resp: Parameters<Resource<typeof thingSchema>['read']>[1]) {
    calls.push(`read etag=${req.private.get('etag')}`);
    if (!store.has(req.state.id!)) resp.removeResource();
  }
  async update(
    _req: Parameters<NonNullable<Resource<typeof thingSchema>['update']>>[0],
    resp: Parameters<NonNullable<Resource<typeof thingSchema>['update']>>[1],
  ) {
    resp.state.set({ revision: 2 });
  }
  async delete(req: Parameters<Resource<typeof thingSchema>['delete']>[0]) {
    store.delete(req.state.id!);
  }
  importState = importStatePassthroughId<typeof thingSchema>('id');
  upgradeState = {
    0: {
      priorSchema: resourceSchema({ attributes: { id: stringAttr({ computed: true }), title: stringAttr({ required: true }) } }),
      upgrade(req: { priorState: Value | null }, resp: { state: { set(v: Partial<Thing>): void } }) {
        resp.state.set({ id: req.priorState!.attr('id').asString(), name: req.priorState!.attr('title').asString(), revision: 1, mode: 'fast' });
      },
    },
  };
}

const provider: Provider = {
  typeName: 'test',
  schema: providerSchema({ attributes: {} }),
  resources: () => [() => new ThingResource()],
  functions: () => [
    {
      name: 'repeat',
      parameters: [
        { name: 'text', type: T.string },
        { name: 'times', type: T.number },
      ],
      returnType: T.string,
      run({ args }) {
        const n = Number(args[1]!.asNumber());
        if (n < 0) throw new FunctionError('times must not be negative', 1);
        return Value.string(args[0]!.asString().repeat(n));
      },
    },
  ],
};

const server = providerServer(provider);
const dv = (v: Value, t: T.Type = TT): DynamicValue => ({ msgpack: encodeMsgpack(v, t) });
const out = (d: DynamicValue | undefined, t: T.Type = TT) => decodeMsgpack(d!.msgpack!, t);

function thing(attrs: Partial<Record<keyof Thing, Value>>): Value {
  const base: Record<string, Value> = {};
  for (const [k, t] of Object.entries(TT.attributes)) base[k] = Value.null(t);
  base.rule = Value.list((TT.attributes.rule as T.ListType).element, []);
  return Value.object(TT, { ...base, ...attrs });
}
const s = Value.string;
const n = Value.number;

beforeEach(() => {
  store.clear();
  calls = [];
});

describe('GetProviderSchema', () => {
  it('sends types as JSON bytes and write-only, deprecated and version flags', async () => {
    const resp = await server.getProviderSchema({}, ctx());
    const schema = resp.resource_schemas.test_thing!;
    expect(schema.version).toBe(1);
    const attr = (name: string) => schema.block.attributes.find((a) => a.name === name)!;
    expect(Buffer.from(attr('name').type!).toString()).toBe('"string"');
    expect(attr('token').write_only).toBe(true);
    expect(attr('legacy').deprecated).toBe(true);
    expect(schema.block.block_types[0]).toMatchObject({ type_name: 'rule', nesting: 'LIST', min_items: 0, max_items: 0 });
    expect(resp.server_capabilities).toEqual({ plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false });
    expect(Buffer.from(resp.functions.repeat!.return.type).toString()).toBe('"string"');
  });
});

describe('ValidateResourceConfig', () => {
  it('refuses a value on a computed-only attribute, at its path', async () => {
    const resp = await server.validateResourceConfig({ type_name: 'test_thing', config: dv(thing({ name: s('a'), revision: n(3) })) }, ctx());
    expect(resp.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        summary: 'Invalid Configuration for Read-Only Attribute',
        attribute: { steps: [{ attribute_name: 'revision' }] },
      }),
    ]);
  });
  it('runs validators, tolerates unknowns and warns on deprecated attributes', async () => {
    const resp = await server.validateResourceConfig(
      {
        type_name: 'test_thing',
        config: dv(thing({ name: s('far too long a name'), legacy: s('x'), zone: Value.unknown(T.string, { notNull: true, stringPrefix: 'eu-' }) })),
      },
      ctx(),
    );
    expect(resp.diagnostics.map((d) => [d.severity, d.summary, d.attribute?.steps[0]?.attribute_name])).toEqual([
      ['ERROR', 'Invalid String Length', 'name'],
      ['WARNING', 'Deprecated Attribute', 'legacy'],
    ]);
  });
  it('refuses a write-only value when the client cannot take one', async () => {
    const resp = await server.validateResourceConfig(
      { type_name: 'test_thing', config: dv(thing({ name: s('a'), token: s('x') })), client_capabilities: { write_only_attributes_allowed: false } },
      ctx(),
    );
    expect(resp.diagnostics[0]!.summary).toBe('Write-Only Attribute Not Allowed');
  });
});

describe('the (req, resp) shape of validateConfig and configure', () => {
  const echoSchema = resourceSchema({ attributes: { id: stringAttr({ computed: true }), name: stringAttr({ optional: true }) } });
  const seen: unknown[] = [];
  class EchoResource implements Resource<typeof echoSchema> {
    readonly typeName = 'echo_thing';
    readonly schema = echoSchema;
    configure(req: ConfigureResourceRequest, resp: ConfigureResourceResponse) {
      seen.push(req.providerData);
      if (req.providerData === 'refused') resp.diagnostics.addError('Refused Provider Data', 'The resource refused its provider data.');
    }
    validateConfig(req: ValidateConfigRequest<typeof echoSchema>, resp: ValidateConfigResponse) {
      if (req.config.name === 'bad')
        resp.diagnostics.addAttributeError([{ attr: 'name' }], 'Bad Name', `"bad" is refused (raw ${req.rawConfig.attr('name').asString()}).`);
    }
    async create() {}
    async read() {}
    async delete() {}
  }
  const echoProvider: Provider<typeof echoProviderSchema> = {
    typeName: 'echo',
    schema: echoProviderSchema,
    validateConfig(req, resp) {
      if (req.config.mode === 'bad') resp.diagnostics.addAttributeError([{ attr: 'mode' }], 'Bad Mode', 'mode "bad" is refused.');
    },
    configure(req, resp) {
      resp.data = req.config.mode;
    },
    resources: () => [() => new EchoResource()],
  };
  const echo = providerServer(echoProvider);
  const providerConfig = (mode: string) => ({ msgpack: encodeMsgpack(Value.object(echoProviderSchema.type, { mode: s(mode) }), echoProviderSchema.type) });
  const echoConfig = (name: string) => ({
    type_name: 'echo_thing',
    config: { msgpack: encodeMsgpack(Value.object(echoSchema.type, { id: Value.null(T.string), name: s(name) }), echoSchema.type) },
  });

  it("the provider's validateConfig reports through resp.diagnostics, at its attribute", async () => {
    expect((await echo.validateProviderConfig({ config: providerConfig('good') }, ctx())).diagnostics).toEqual([]);
    const resp = await echo.validateProviderConfig({ config: providerConfig('bad') }, ctx());
    expect(resp.diagnostics).toEqual([expect.objectContaining({ severity: 'ERROR', summary: 'Bad Mode', attribute: { steps: [{ attribute_name: 'mode' }] } })]);
  });
  it("a resource's validateConfig gets the raw configuration and reports through resp.diagnostics", async () => {
    const resp = await echo.validateResourceConfig(echoConfig('bad'), ctx());
    expect(resp.diagnostics).toEqual([
      expect.objectContaining({ summary: 'Bad Name', detail: '"bad" is refused (raw bad).', attribute: { steps: [{ attribute_name: 'name' }] } }),
    ]);
  });
  it("a resource's configure gets resp.data of the provider's configure as req.providerData, and its diagnostics arrive", async () => {
    seen.length = 0;
    await echo.validateResourceConfig(echoConfig('a'), ctx());
    expect(seen).toEqual([]); // unconfigured: validate calls may come before ConfigureProvider
    const configured = await echo.configureProvider({ terraform_version: '1.11.4', config: providerConfig('refused') }, ctx());
    expect(configured.diagnostics).toEqual([]);
    const resp = await echo.validateResourceConfig(echoConfig('a'), ctx());
    expect(seen).toEqual(['refused']);
    expect(resp.diagnostics).toEqual([expect.objectContaining({ severity: 'ERROR', summary: 'Refused Provider Data' })]);
  });
});

describe('PlanResourceChange', () => {
  const config = thing({ name: s('a'), token: s('secret') });
  it('on create: computed values unknown, defaults planned, write-only null, no replacement paths', async () => {
    const resp = await server.planResourceChange(
      { type_name: 'test_thing', prior_state: dv(Value.null(TT)), proposed_new_state: dv(config), config: dv(config) },
      ctx(),
    );
    expect(resp.diagnostics).toEqual([]);
    const planned = out(resp.planned_state);
    expect(planned.attr('id').isUnknown()).toBe(true);
    expect(planned.attr('revision').isUnknown()).toBe(true);
    expect(planned.attr('mode').asString()).toBe('fast');
    expect(planned.attr('token').isNull()).toBe(true);
    expect(resp.requires_replace).toEqual([]);
  });

  const prior = thing({ id: s('t-1'), name: s('a'), revision: n(1), mode: s('fast') });
  it('with nothing changed: prior values stay, replacement paths still sent', async () => {
    const proposed = thing({ id: s('t-1'), name: s('a'), revision: n(1), mode: s('fast'), token: s('secret') });
    const resp = await server.planResourceChange(
      { type_name: 'test_thing', prior_state: dv(prior), proposed_new_state: dv(proposed), config: dv(config) },
      ctx(),
    );
    expect(out(resp.planned_state).equals(prior)).toBe(true);
    expect(resp.requires_replace).toEqual([{ steps: [{ attribute_name: 'zone' }] }]);
  });
  it('with a change: computed values unknown unless kept from state', async () => {
    const changed = thing({ name: s('b') });
    const proposed = thing({ id: s('t-1'), name: s('b'), revision: n(1), mode: s('fast') });
    const resp = await server.planResourceChange(
      { type_name: 'test_thing', prior_state: dv(prior), proposed_new_state: dv(proposed), config: dv(changed) },
      ctx(),
    );
    const planned = out(resp.planned_state);
    expect(planned.attr('id').asString()).toBe('t-1');
    expect(planned.attr('revision').isUnknown()).toBe(true);
    expect(planned.attr('mode').asString()).toBe('fast');
  });
  it('destroy plans are null', async () => {
    const resp = await server.planResourceChange(
      { type_name: 'test_thing', prior_state: dv(prior), proposed_new_state: dv(Value.null(TT)), config: dv(Value.null(TT)) },
      ctx(),
    );
    expect(out(resp.planned_state).isNull()).toBe(true);
  });
});

describe('ApplyResourceChange', () => {
  const config = thing({ name: s('a'), token: s('secret') });
  const planned = thing({ id: Value.unknown(T.string), name: s('a'), revision: Value.unknown(T.number), mode: s('fast') });
  const apply = (c: Value, p: Value = planned) =>
    server.applyResourceChange({ type_name: 'test_thing', prior_state: dv(Value.null(TT)), planned_state: dv(p), config: dv(c) }, ctx());

  it('create: the resource sees the write-only value; state never holds it; private state is returned', async () => {
    const resp = await apply(config);
    expect(resp.diagnostics).toEqual([]);
    expect(calls).toEqual(['create token=secret']);
    const state = out(resp.new_state);
    expect(state.attr('id').asString()).toBe('t-1');
    expect(state.attr('token').isNull()).toBe(true);
    expect(JSON.parse(Buffer.from(resp.private!).toString())).toEqual({ etag: 'e1' });
  });
  it('a value left unknown is reported at its path, and nulled', async () => {
    const p = thing({ id: Value.unknown(T.string), name: s('leave'), revision: Value.unknown(T.number), mode: s('fast') });
    const resp = await apply(thing({ name: s('leave') }), p);
    expect(resp.diagnostics.map((d) => [d.summary, d.attribute?.steps[0]?.attribute_name])).toEqual([
      ['Provider Returned Unknown Value After Apply', 'id'],
      ['Provider Returned Unknown Value After Apply', 'revision'],
    ]);
    expect(out(resp.new_state).attr('id').isNull()).toBe(true);
  });
  it('an exception is one error diagnostic, and no object when nothing was written', async () => {
    const resp = await apply(
      thing({ name: s('explode') }),
      thing({ id: Value.unknown(T.string), name: s('explode'), revision: Value.unknown(T.number), mode: s('fast') }),
    );
    expect(resp.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        summary: 'Unexpected Provider Error',
        detail: expect.stringContaining('creating test_thing failed: boom. This is a bug in the provider'),
      }),
    ]);
    expect(out(resp.new_state).isNull()).toBe(true);
  });
  it('an error carrying its own diagnostic is reported as it says (at its path when it names one), not as a provider bug', async () => {
    const planned = (name: string) => thing({ id: Value.unknown(T.string), name: s(name), revision: Value.unknown(T.number), mode: s('fast') });
    const carried = await apply(thing({ name: s('carry') }), planned('carry'));
    expect(carried.diagnostics).toEqual([{ severity: 'ERROR', summary: 'Cannot Reach The Service', detail: 'Is it running?' }]);
    expect(out(carried.new_state).isNull()).toBe(true);
    const at = await apply(thing({ name: s('carry-at') }), planned('carry-at'));
    expect(at.diagnostics).toEqual([
      { severity: 'ERROR', summary: 'Name Taken', detail: 'Choose another.', attribute: { steps: [{ attribute_name: 'name' }] } },
    ]);
    // A shape that is not a diagnostic is no excuse: the failure is still a provider bug.
    const odd = await apply(thing({ name: s('malformed') }), planned('malformed'));
    expect(odd.diagnostics).toEqual([
      expect.objectContaining({ summary: 'Unexpected Provider Error', detail: expect.stringContaining('odd. This is a bug in the provider') }),
    ]);
  });
  it('delete returns null', async () => {
    const created = out((await apply(config)).new_state);
    const resp = await server.applyResourceChange(
      { type_name: 'test_thing', prior_state: dv(created), planned_state: dv(Value.null(TT)), config: dv(Value.null(TT)) },
      ctx(),
    );
    expect(out(resp.new_state).isNull()).toBe(true);
    expect(store.size).toBe(0);
  });
});

describe('ReadResource, UpgradeResourceState, ImportResourceState', () => {
  it('read passes private state in and reports a vanished object as null', async () => {
    const state = thing({ id: s('gone'), name: s('a'), revision: n(1), mode: s('fast') });
    const resp = await server.readResource({ type_name: 'test_thing', current_state: dv(state), private: Buffer.from('{"etag":"e9"}') }, ctx());
    expect(calls).toEqual(['read etag=e9']);
    expect(out(resp.new_state).isNull()).toBe(true);
  });
  it('upgrade at the current version fills attributes and blocks the stored JSON lacks', async () => {
    const resp = await server.upgradeResourceState(
      { type_name: 'test_thing', version: 1, raw_state: { json: Buffer.from('{"id":"t-1","name":"a","revision":1}') } },
      ctx(),
    );
    expect(resp.diagnostics).toEqual([]);
    const state = out(resp.upgraded_state);
    expect(state.attr('mode').isNull()).toBe(true);
    expect(state.attr('rule').length()).toBe(0);
  });
  it('upgrade from version 0 goes through the upgrader with the prior schema', async () => {
    const resp = await server.upgradeResourceState(
      { type_name: 'test_thing', version: 0, raw_state: { json: Buffer.from('{"id":"t-7","title":"old"}') } },
      ctx(),
    );
    expect(resp.diagnostics).toEqual([]);
    expect(out(resp.upgraded_state).attr('name').asString()).toBe('old');
  });
  it('state from a newer provider is refused', async () => {
    const resp = await server.upgradeResourceState({ type_name: 'test_thing', version: 2, raw_state: { json: Buffer.from('{}') } }, ctx());
    expect(resp.diagnostics[0]!.summary).toBe('Resource State From A Newer Provider');
  });
  it('import returns exactly one object holding the id', async () => {
    const resp = await server.importResourceState({ type_name: 'test_thing', id: 't-42' }, ctx());
    expect(resp.imported_resources).toHaveLength(1);
    expect(out(resp.imported_resources[0]!.state).attr('id').asString()).toBe('t-42');
  });
});

describe('CallFunction', () => {
  const call = (args: Value[]) => server.callFunction({ name: 'repeat', arguments: args.map((a, i) => dv(a, i === 0 ? T.string : T.number)) }, ctx());
  it('decodes arguments by parameter type and encodes the result by the return type', async () => {
    const resp = await call([s('ab'), n(3)]);
    expect(decodeMsgpack(resp.result!.msgpack!, T.string).asString()).toBe('ababab');
  });
  it('a FunctionError names the argument at fault', async () => {
    expect((await call([s('ab'), n(-1)])).error).toEqual({ text: 'times must not be negative', function_argument: 1 });
  });
});

describe('sets: elements are paired one to one, paths stop at the set', () => {
  const ruleSchema = resourceSchema({
    attributes: {
      id: stringAttr({ computed: true, planModifiers: [useStateForUnknown()] }),
      rules: setNestedAttr(
        {
          attributes: {
            port: numberAttr({ required: true, planModifiers: [requiresReplace()] }),
            protocol: stringAttr({ optional: true, computed: true, default: 'tcp' }),
            description: stringAttr({ optional: true, computed: true }),
          },
        },
        { optional: true },
      ),
    },
    blocks: { tag: setBlock({ attributes: { key: stringAttr({ required: true, planModifiers: [requiresReplace()] }) } }) },
  });
  const RT = ruleSchema.type;
  const ruleType = (RT.attributes.rules as T.SetType).element as T.ObjectType;
  const tagType = (RT.attributes.tag as T.SetType).element as T.ObjectType;
  const rulesServer = providerServer({
    typeName: 'test',
    schema: providerSchema({ attributes: {} }),
    resources: () => [
      () => ({
        typeName: 'test_rules',
        schema: ruleSchema,
        async create() {},
        async read() {},
        async update() {},
        async delete() {},
      }),
    ],
  });
  const rule = (port: number, protocol: Value, description: Value) => Value.object(ruleType, { port: n(port), protocol, description });
  const tags = (...keys: string[]) =>
    Value.set(
      tagType,
      keys.map((k) => Value.object(tagType, { key: s(k) })),
    );
  const obj = (id: Value, rules: Value[], t: Value) => Value.object(RT, { id, rules: Value.set(ruleType, rules), tag: t });
  const nul = Value.null(T.string);

  it('a default goes only to the element that left the attribute unset', async () => {
    const config = obj(nul, [rule(80, s('udp'), nul), rule(80, nul, s('x'))], tags());
    const resp = await rulesServer.planResourceChange(
      { type_name: 'test_rules', prior_state: dv(Value.null(RT), RT), proposed_new_state: dv(config, RT), config: dv(config, RT) },
      ctx(),
    );
    expect(resp.diagnostics).toEqual([]);
    const planned = out(resp.planned_state, RT).attr('rules').elements();
    const byDescription = (d: string | null) =>
      planned.find((e) => (d === null ? e.attr('description').isUnknown() : e.attr('description').isKnown() && e.attr('description').asString() === d))!;
    expect(byDescription(null).attr('protocol').asString()).toBe('udp');
    expect(byDescription('x').attr('protocol').asString()).toBe('tcp');
  });

  it('requires replacement at the set path only when an element really changed', async () => {
    const prior = obj(s('r-1'), [rule(80, s('tcp'), s('d'))], tags('a'));
    const same = obj(nul, [rule(80, nul, nul)], tags('a'));
    const proposedSame = obj(s('r-1'), [rule(80, s('tcp'), s('d'))], tags('a'));
    const unchanged = await rulesServer.planResourceChange(
      { type_name: 'test_rules', prior_state: dv(prior, RT), proposed_new_state: dv(proposedSame, RT), config: dv(same, RT) },
      ctx(),
    );
    expect(unchanged.diagnostics).toEqual([]);
    expect(unchanged.requires_replace).toEqual([]);

    const changed = obj(nul, [rule(81, nul, nul)], tags('b'));
    const proposedChanged = obj(s('r-1'), [rule(81, nul, nul)], tags('b'));
    const resp = await rulesServer.planResourceChange(
      { type_name: 'test_rules', prior_state: dv(prior, RT), proposed_new_state: dv(proposedChanged, RT), config: dv(changed, RT) },
      ctx(),
    );
    expect(resp.requires_replace).toEqual([{ steps: [{ attribute_name: 'rules' }] }, { steps: [{ attribute_name: 'tag' }] }]);
  });
});

/**
 * The SDK's own CPU per call of what a refresh and plan of one existing keyplane_api_key asks of it, without
 * gRPC, the service or Terraform: UpgradeResourceState (its JSON state), ReadResource (a read that changes
 * nothing), ValidateResourceConfig and PlanResourceChange (nothing to change), through the framework server
 * (provider/sdk/framework/server) with the real keyplane_api_key schema and a resource that does no work of
 * its own. Process CPU time per call, so other load on the machine moves it far less than wall time (it only
 * adds: the least round is the steadiest figure); run two builds alternately to compare them.
 *
 *   node dist/bench/sdk-calls.js [--calls N] [--rounds R]
 */
import { encodeJSON } from '../provider/sdk/cty/json';
import { encodeMsgpack } from '../provider/sdk/cty/msgpack';
import { Value } from '../provider/sdk/cty/value';
import type { CallContext, Logger } from '../provider/sdk/protocol/types';
import type { Provider } from '../provider/sdk/framework/provider';
import type { Resource } from '../provider/sdk/framework/resource';
import { providerSchema } from '../provider/sdk/framework/schema/schema';
import { providerServer } from '../provider/sdk/framework/server/server';
import { StateWriter, emptyObject } from '../provider/sdk/framework/state-writer';
import { type ApiKeySchema, apiKeySchema } from '../provider/keyplane/api-key/schema';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const CALLS = arg('--calls', 2000);
const ROUNDS = arg('--rounds', 5);

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const ctx = (): CallContext => ({ signal: new AbortController().signal, log: silent, rpc: 'bench' });

/** A key's state as the bench's keys have it (bench/terraform.ts): a scope, a label, the service's facts. */
function keyState(i: number): Value {
  const w = new StateWriter(apiKeySchema, emptyObject(apiKeySchema));
  w.set({
    id: `key_01JDX7Q4ZK3V9N${String(i).padStart(8, '0')}`,
    name: `bench-${i}`,
    description: '',
    role: 'admin',
    scopes: ['billing.read'],
    allow_list_ids: [],
    labels: { bench: 'terraform' },
    keepers: {},
    display_prefix: 'kp_live_AbCd',
    created_at: '2026-12-03T08:41:36.123Z',
    created_by: 'user_01JDX7Q4ZK3V9N0000000000',
    status: 'active',
    secret: 'kp_live_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  } as never);
  return w.value;
}

/** The configuration that state came from: computed-only attributes null, as Terraform sends it. */
function keyConfig(state: Value): Value {
  const empty = emptyObject(apiKeySchema);
  const attrs: Record<string, Value> = { ...state.entries() };
  for (const [name, a] of Object.entries(apiKeySchema.object.attributes)) if (a.computed && !a.optional) attrs[name] = empty.attr(name);
  for (const name of ['description', 'role', 'allow_list_ids', 'keepers']) attrs[name] = empty.attr(name);
  return Value.object(apiKeySchema.type, attrs);
}

class BenchKey implements Resource<ApiKeySchema> {
  readonly typeName = 'bench_key';
  readonly schema = apiKeySchema;
  async create(): Promise<void> {}
  async read(): Promise<void> {}
  async delete(): Promise<void> {}
}

async function main(): Promise<void> {
  const provider: Provider = { typeName: 'bench', schema: providerSchema({ attributes: {} }), resources: () => [() => new BenchKey() as never] };
  const server = providerServer(provider);
  await server.getProviderSchema({}, ctx());
  const empty = providerSchema({ attributes: {} });
  await server.configureProvider({ terraform_version: '1.11.0', config: { msgpack: encodeMsgpack(emptyObject(empty), empty.type) } } as never, ctx());
  const type = apiKeySchema.type;
  const states = Array.from({ length: 50 }, (_, i) => keyState(i));
  const json = states.map((s) => Buffer.from(encodeJSON(s, type)));
  const msgpack = states.map((s) => Buffer.from(encodeMsgpack(s, type)));
  const configs = states.map((s) => Buffer.from(encodeMsgpack(keyConfig(s), type)));
  const type_name = 'bench_key';
  const calls: Record<string, (i: number) => Promise<unknown>> = {
    UpgradeResourceState: (i) =>
      server.upgradeResourceState({ type_name, version: BigInt(apiKeySchema.version), raw_state: { json: json[i % 50]! } } as never, ctx()),
    ReadResource: (i) => server.readResource({ type_name, current_state: { msgpack: msgpack[i % 50]! } } as never, ctx()),
    ValidateResourceConfig: (i) => server.validateResourceConfig({ type_name, config: { msgpack: configs[i % 50]! } } as never, ctx()),
    PlanResourceChange: (i) =>
      server.planResourceChange(
        {
          type_name,
          prior_state: { msgpack: msgpack[i % 50]! },
          proposed_new_state: { msgpack: msgpack[i % 50]! },
          config: { msgpack: configs[i % 50]! },
        } as never,
        ctx(),
      ),
  };
  for (const [name, call] of Object.entries(calls)) {
    const first = (await call(0)) as { diagnostics?: { severity: string; summary: string }[] };
    const errors = (first.diagnostics ?? []).filter((d) => d.severity === 'ERROR');
    if (errors.length > 0) throw new Error(`${name}: ${errors.map((d) => d.summary).join('; ')}`);
  }
  const results: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call] of Object.entries(calls)) {
      for (let i = 0; i < 200; i++) await call(i); // warm
      const start = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) await call(i);
      const used = process.cpuUsage(start);
      results[name] = [...(results[name] ?? []), (used.user + used.system) / CALLS];
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, us] of Object.entries(results)) {
    const least = Math.min(...us);
    console.log(
      `${name.padEnd(24)} ${median(us).toFixed(1).padStart(7)} µs CPU per call, least ${least.toFixed(1)} (median and least of ${ROUNDS} rounds of ${CALLS}; rounds ${us.map((x) => x.toFixed(0)).join(', ')})`,
    );
  }
}

void main();

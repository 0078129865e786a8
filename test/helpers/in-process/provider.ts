/**
 * A provider server driven in process the way Terraform drives it over gRPC, RPC by RPC, with real msgpack
 * DynamicValues: no terraform binary, no provider process, so one plan or apply branch costs milliseconds.
 *
 * It follows Terraform's call sequence and checks (objchange.ts), so a branch tested here means what it
 * means under terraform:
 *
 * - validation runs on a second, never-configured server, as Terraform's validate walk does;
 * - a plan refreshes first (UpgradeResourceState, ReadResource: an object read as gone is planned for
 *   creation), sends the proposed new state Terraform computes, refuses an invalid plan, derives the action
 *   from requires_replace as Terraform does, and plans a replacement again as a create (prior null);
 * - an apply plans once more and holds the final plan and the result to what was planned; a failed apply
 *   keeps what the provider returned, or the prior object when it returned none;
 * - import reads the imported object and fails, as Terraform does, when the read finds nothing.
 *
 * Results come back as plain values (unknowns as `unknown`) with the diagnostics Terraform would show.
 * A call fails with ProviderErrors when the provider reports an error, unless `{ expectError: true }` is
 * given, which instead requires one.
 */
import { encodeJSON } from '../../../provider/sdk/cty/json';
import { decodeMsgpack, encodeMsgpack } from '../../../provider/sdk/cty/msgpack';
import { Value } from '../../../provider/sdk/cty/value';
import type * as P from '../../../provider/sdk/protocol/types';
import { assertObjectCompatible, assertPlanValid, proposedNew, sameValue } from './objchange';
import {
  type BlockSchema,
  type PathSteps,
  type Plain,
  type TypeSchema,
  configValue,
  formatProtoPath,
  missingRequired,
  protoPathSteps,
  toPlain,
  typeSchema,
  valueAt,
} from './schema';

/** The Terraform release whose behaviour the harness follows (and sends as terraform_version). */
export const TERRAFORM_VERSION = '1.11.4';
const CLIENT_CAPABILITIES: P.ClientCapabilities = { deferral_allowed: false, write_only_attributes_allowed: true };

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  /** The attribute it is pinned to, as Terraform would highlight it: `scopes`, `output_to_secret_store.secret_id`. */
  attribute?: string;
  path?: PathSteps;
}

/** Summaries and details, one diagnostic per line: what a test matches a message against. */
export function diagnosticText(diagnostics: Diagnostic[]): string {
  return diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n');
}

export interface Outcome {
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface ExpectError {
  /** The call must fail: it resolves with the diagnostics instead of throwing them. */
  expectError: true;
}

/** Diagnostics with at least one error, from a call that was expected to succeed. */
export class ProviderErrors extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    what: string,
  ) {
    super(`${what} failed:\n${diagnostics.map(render).join('\n')}`);
  }
}

function render(d: Diagnostic): string {
  return `  ${d.severity}: ${d.summary}${d.attribute ? ` (at ${d.attribute})` : ''}: ${d.detail}`;
}

function fromProto(list: P.Diagnostic[] | undefined): Diagnostic[] {
  return (list ?? []).map((d) => ({
    severity: d.severity === 'WARNING' ? 'warning' : 'error',
    summary: d.summary,
    detail: d.detail ?? '',
    ...(d.attribute && d.attribute.steps.length > 0 ? { attribute: formatProtoPath(d.attribute), path: protoPathSteps(d.attribute) } : {}),
  }));
}

function outcome(diagnostics: Diagnostic[]): Outcome {
  return { diagnostics, errors: diagnostics.filter((d) => d.severity === 'error'), warnings: diagnostics.filter((d) => d.severity === 'warning') };
}

/** Throws unless the diagnostics are as expected: no error by default, at least one with expectError. */
function settle<T extends Outcome>(result: T, what: string, options: { expectError?: boolean } | undefined): T {
  if (options?.expectError) {
    if (result.errors.length === 0)
      throw new Error(
        `${what} was expected to fail, but succeeded${result.warnings.length ? ` with warnings:\n${result.warnings.map(render).join('\n')}` : ''}`,
      );
  } else if (result.errors.length > 0) {
    throw new ProviderErrors(result.diagnostics, what);
  }
  return result;
}

/** A Terraform-side error (the summaries are Terraform's own). */
function terraformError(summary: string, detail: string, attribute?: string): Diagnostic {
  return { severity: 'error', summary, detail, ...(attribute ? { attribute, path: attribute.split('.') } : {}) };
}

export interface LogLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'no-op';

export interface StartOptions {
  /** Builds the provider's server; called twice (one validates unconfigured, one is configured). */
  server: () => P.ProviderServer;
  /** The provider block, in plain values; ConfigureProvider is sent at start unless `configure` is false. */
  config?: Plain;
  /** Environment while ConfigureProvider runs (over this process's; `undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  configure?: boolean;
  /** For messages: the provider's address, as Terraform names it. */
  address?: string;
}

export class InProcessProvider {
  /** Every line the provider logged, at every level, in order (tests scan them for secrets). */
  readonly logs: LogLine[] = [];
  private readonly abort = new AbortController();
  private schemas!: {
    provider: TypeSchema;
    resources: Record<string, TypeSchema>;
    dataSources: Record<string, TypeSchema>;
    ephemeral: Record<string, TypeSchema>;
  };
  /** The schema response as Terraform received it. */
  rawSchema!: P.GetProviderSchema.Response;

  private constructor(
    /** The configured server: plans, applies, reads. */
    readonly server: P.ProviderServer,
    /** A server that is never configured: validation, as in Terraform's validate walk. */
    readonly validator: P.ProviderServer,
    private readonly options: StartOptions,
  ) {}

  static async start(options: StartOptions): Promise<InProcessProvider> {
    const p = new InProcessProvider(options.server(), options.server(), options);
    p.rawSchema = await p.validator.getProviderSchema({}, p.ctx('GetProviderSchema'));
    const problems = fromProto(p.rawSchema.diagnostics).filter((d) => d.severity === 'error');
    if (problems.length > 0) throw new ProviderErrors(problems, 'GetProviderSchema');
    const all = (m: Record<string, P.Schema>) => Object.fromEntries(Object.entries(m).map(([k, s]) => [k, typeSchema(s)]));
    p.schemas = {
      provider: typeSchema(p.rawSchema.provider),
      resources: all(p.rawSchema.resource_schemas),
      dataSources: all(p.rawSchema.data_source_schemas),
      ephemeral: all(p.rawSchema.ephemeral_resource_schemas),
    };
    if (options.configure !== false) await p.configure(options.config ?? {}, { env: options.env });
    return p;
  }

  /** A CallContext as the transport gives one: this provider's stop signal and a logger that records. */
  ctx(rpc: string): P.CallContext {
    const line = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
      this.logs.push({ level, message, ...(fields ? { fields } : {}) });
    };
    return {
      signal: this.abort.signal,
      rpc,
      log: { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    };
  }

  /** Everything logged, as text. */
  logText(): string {
    return this.logs.map((l) => `${l.level} ${l.message} ${l.fields ? JSON.stringify(l.fields) : ''}`).join('\n');
  }

  schema(kind: 'provider'): TypeSchema;
  schema(kind: 'resource' | 'data' | 'ephemeral', type: string): TypeSchema;
  schema(kind: 'provider' | 'resource' | 'data' | 'ephemeral', type?: string): TypeSchema {
    if (kind === 'provider') return this.schemas.provider;
    const map = kind === 'resource' ? this.schemas.resources : kind === 'data' ? this.schemas.dataSources : this.schemas.ephemeral;
    const s = map[type!];
    if (!s) throw new Error(`the provider has no ${kind} type ${type}; it has ${Object.keys(map).join(', ')}`);
    return s;
  }

  /** ValidateProviderConfig, then ConfigureProvider (`env` applies while it runs), as `terraform plan` starts. */
  async configure(config: Plain, options?: { env?: Record<string, string | undefined> }): Promise<Outcome>;
  async configure(config: Plain, options: { env?: Record<string, string | undefined> } & ExpectError): Promise<Outcome>;
  async configure(config: Plain, options: { env?: Record<string, string | undefined>; expectError?: boolean } = {}): Promise<Outcome> {
    const block = this.schemas.provider.block;
    const value = configValue(block, config, 'provider block');
    const dv = dynamic(value, block);
    const diags = missingRequired(block, value).map(missing);
    if (diags.length === 0)
      diags.push(...fromProto((await this.validator.validateProviderConfig({ config: dv }, this.ctx('ValidateProviderConfig'))).diagnostics));
    if (!diags.some((d) => d.severity === 'error')) {
      const env = { ...this.options.env, ...options.env };
      const resp = await withEnv(env, () =>
        this.server.configureProvider(
          { terraform_version: TERRAFORM_VERSION, config: dv, client_capabilities: CLIENT_CAPABILITIES },
          this.ctx('ConfigureProvider'),
        ),
      );
      diags.push(...fromProto(resp.diagnostics));
    }
    return settle(outcome(diags), 'ConfigureProvider', options);
  }

  /** One resource block (`TYPE.NAME`) and its object in state. */
  resource(type: string, name = 'this'): ResourceInstance {
    return new ResourceInstance(this, type, name, this.schema('resource', type));
  }

  /** ValidateDataResourceConfig, then ReadDataSource, with Terraform's checks on the result. */
  async readData(type: string, config: Plain, options?: { expectError?: false }): Promise<DataRead>;
  async readData(type: string, config: Plain, options: ExpectError): Promise<DataRead>;
  async readData(type: string, config: Plain, options: { expectError?: boolean } = {}): Promise<DataRead> {
    const { block } = this.schema('data', type);
    const value = configValue(block, config, `data.${type}`);
    const dv = dynamic(value, block);
    const diags = missingRequired(block, value).map(missing);
    if (diags.length === 0)
      diags.push(
        ...fromProto((await this.validator.validateDataResourceConfig({ type_name: type, config: dv }, this.ctx('ValidateDataResourceConfig'))).diagnostics),
      );
    let state: Plain = null;
    if (!hasError(diags)) {
      if (!value.isWhollyKnown()) throw new Error('harness: a data source whose configuration is not wholly known is read at apply time; give known values');
      const resp = await this.server.readDataSource({ type_name: type, config: dv, client_capabilities: CLIENT_CAPABILITIES }, this.ctx('ReadDataSource'));
      diags.push(...fromProto(resp.diagnostics));
      if (!hasError(diags)) {
        const v = decode(resp.state, block);
        const problems = v.isNull()
          ? ['the provider returned a null object']
          : !v.isWhollyKnown()
            ? ['the object holds unknown values']
            : assertPlanValid(block, Value.null(block.type), value, v);
        if (problems.length > 0) diags.push(invalid('Provider produced invalid object', `data.${type}`, problems));
        else state = toPlain(v);
      }
    }
    return settle({ ...outcome(diags), state }, `reading data.${type}`, options);
  }

  /** ValidateEphemeralResourceConfig, then OpenEphemeralResource; the result renews and closes it. */
  async open(type: string, config: Plain, options?: { expectError?: false }): Promise<Opened>;
  async open(type: string, config: Plain, options: ExpectError): Promise<Opened>;
  async open(type: string, config: Plain, options: { expectError?: boolean } = {}): Promise<Opened> {
    const { block } = this.schema('ephemeral', type);
    const value = configValue(block, config, `ephemeral.${type}`);
    const dv = dynamic(value, block);
    const diags = missingRequired(block, value).map(missing);
    if (diags.length === 0)
      diags.push(
        ...fromProto(
          (await this.validator.validateEphemeralResourceConfig({ type_name: type, config: dv }, this.ctx('ValidateEphemeralResourceConfig'))).diagnostics,
        ),
      );
    let result: Plain = null;
    let priv: Uint8Array | undefined;
    let renewAt: Date | undefined;
    if (!hasError(diags)) {
      if (!value.isWhollyKnown()) throw new Error('harness: Terraform opens an ephemeral resource only once its configuration is known; give known values');
      const resp = await this.server.openEphemeralResource(
        { type_name: type, config: dv, client_capabilities: CLIENT_CAPABILITIES },
        this.ctx('OpenEphemeralResource'),
      );
      diags.push(...fromProto(resp.diagnostics));
      if (!hasError(diags)) {
        const v = decode(resp.result, block);
        const problems = !v.isWhollyKnown() ? ['the result holds unknown values'] : assertPlanValid(block, Value.null(block.type), value, v);
        if (problems.length > 0) diags.push(invalid('Provider produced invalid ephemeral resource instance', `ephemeral.${type}`, problems));
        else {
          result = toPlain(v);
          priv = resp.private;
          renewAt = timestamp(resp.renew_at);
        }
      }
    }
    const provider = this;
    return settle(
      {
        ...outcome(diags),
        result,
        renewAt,
        async renew() {
          const resp = await provider.server.renewEphemeralResource({ type_name: type, private: priv }, provider.ctx('RenewEphemeralResource'));
          if (resp.private !== undefined) priv = resp.private;
          return { ...outcome(fromProto(resp.diagnostics)), renewAt: timestamp(resp.renew_at) };
        },
        async close() {
          return outcome(
            fromProto((await provider.server.closeEphemeralResource({ type_name: type, private: priv }, provider.ctx('CloseEphemeralResource'))).diagnostics),
          );
        },
      },
      `opening ephemeral.${type}`,
      options,
    );
  }

  /** StopProvider, as Terraform sends it on Ctrl-C, and the stop signal every call context holds. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.server.stopProvider?.({}, this.ctx('StopProvider'));
  }
}

export interface DataRead extends Outcome {
  /** The data source's attributes; null when the read failed. */
  state: Plain;
}

export interface Opened extends Outcome {
  result: Plain;
  renewAt?: Date;
  renew(): Promise<Outcome & { renewAt?: Date }>;
  close(): Promise<Outcome>;
}

export interface Plan extends Outcome {
  address: string;
  action: Action;
  /** The object before (refreshed), and as planned (unknowns as `unknown`); null where there is none. */
  before: Plain;
  after: Plain;
  /** The paths whose change forces the replacement (`show -json`'s replace_paths). */
  replacePaths: PathSteps[];
  /** For apply: the plan as values. */
  readonly saved: SavedPlan;
}

interface SavedPlan {
  prior: Value;
  priorPrivate?: Uint8Array;
  config: Value;
  planned: Value;
  plannedPrivate?: Uint8Array;
}

export interface Applied extends Outcome {
  /** The object in state afterwards (null when there is none). */
  state: Plain;
}

export interface PlanOptions {
  /** false: plan without refreshing (`-refresh=false`). */
  refresh?: boolean;
  /** `-replace=ADDRESS`. */
  replace?: boolean;
}

/**
 * One resource block and the state Terraform keeps for it: plan, apply (a plan, or a configuration as
 * `apply -auto-approve` does), destroy, import.
 */
export class ResourceInstance {
  private value: Value | null = null;
  private priv: Uint8Array | undefined;
  private version: number;

  constructor(
    private readonly provider: InProcessProvider,
    readonly type: string,
    readonly name: string,
    private readonly schema: TypeSchema,
  ) {
    this.version = schema.version;
  }

  get address(): string {
    return `${this.type}.${this.name}`;
  }

  private get block(): BlockSchema {
    return this.schema.block;
  }

  /** The object in state, as plain values; null when there is none. */
  get state(): Plain {
    return this.value ? toPlain(this.value) : null;
  }

  /** Validates, refreshes and plans `config` against the state. */
  async plan(config: Plain, options?: PlanOptions & { expectError?: false }): Promise<Plan>;
  async plan(config: Plain, options: PlanOptions & ExpectError): Promise<Plan>;
  async plan(config: Plain, options: PlanOptions & { expectError?: boolean } = {}): Promise<Plan> {
    const block = this.block;
    const configV = configValue(block, config, this.address);
    const diags = missingRequired(block, configV).map(missing);
    const fail = () => settle({ ...outcome(diags), address: this.address } as Plan, `planning ${this.address}`, options);
    if (diags.length > 0) return fail();
    diags.push(...(await this.validate(configV)));
    if (hasError(diags)) return fail();

    let prior = Value.null(block.type);
    let priorPrivate: Uint8Array | undefined;
    if (this.value) {
      // An object the refresh finds gone is planned as a create, from nothing: no private data either.
      const refreshed = options.refresh === false ? await this.upgrade(diags) : await this.refreshed(diags);
      if (hasError(diags)) return fail();
      if (refreshed) {
        prior = refreshed.value;
        priorPrivate = refreshed.private;
      }
    }
    const first = await this.planChange(prior, priorPrivate, configV, diags);
    if (!first) return fail();
    let planned = first.planned;
    let plannedPrivate = first.private;
    // Terraform's own comparison: requires_replace paths whose planned value differs from (or is not yet
    // known against) the prior value force a replacement.
    const replacePaths: PathSteps[] = [];
    if (!prior.isNull()) {
      for (const path of first.requiresReplace) {
        const before = valueAt(prior, path.steps);
        const after = valueAt(planned, path.steps);
        // A path that leads nowhere on one side reads as null there.
        const same = before && after ? before.isWhollyKnown() && after.isWhollyKnown() && sameValue(before, after) : (before ?? after)?.isNull() === true;
        if (!same) replacePaths.push(protoPathSteps(path)!);
      }
    }
    let action: Action;
    if (prior.isNull()) action = 'create';
    else if (planned.isWhollyKnown() && sameValue(planned, prior) && !options.replace) action = 'no-op';
    else if (replacePaths.length > 0 || options.replace) action = 'replace';
    else action = 'update';
    if (action === 'replace') {
      // The new object is planned again from nothing, as Terraform does; its warnings repeat the first
      // plan's, so only errors count.
      const again: Diagnostic[] = [];
      const create = await this.planChange(Value.null(block.type), plannedPrivate, configV, again);
      if (!create) {
        diags.push(...again.filter((d) => d.severity === 'error'));
        return fail();
      }
      planned = create.planned;
      plannedPrivate = create.private;
    }
    return settle(
      {
        ...outcome(diags),
        address: this.address,
        action,
        before: prior.isNull() ? null : toPlain(prior),
        after: toPlain(planned),
        replacePaths,
        saved: { prior, priorPrivate, config: configV, planned, plannedPrivate },
      },
      `planning ${this.address}`,
      options,
    );
  }

  /**
   * Applies a plan from `plan()`, or plans `config` and applies it (`apply -auto-approve`). Like Terraform,
   * plans once more before ApplyResourceChange and holds both the final plan and the result to the plan.
   */
  async apply(planOrConfig: Plan | Plain, options?: PlanOptions & { expectError?: false }): Promise<Applied>;
  async apply(planOrConfig: Plan | Plain, options: PlanOptions & ExpectError): Promise<Applied>;
  async apply(planOrConfig: Plan | Plain, options: PlanOptions & { expectError?: boolean } = {}): Promise<Applied> {
    const plan: Plan = isPlan(planOrConfig) ? planOrConfig : await this.plan(planOrConfig, { refresh: options.refresh, replace: options.replace });
    const what = `applying ${this.address}`;
    const diags: Diagnostic[] = [];
    const { prior, priorPrivate, config, planned, plannedPrivate } = plan.saved;
    const done = () => settle({ ...outcome(diags), state: this.state }, what, options);
    if (plan.action === 'no-op') {
      // Applying an empty plan still stores what the refresh read.
      this.store(prior, priorPrivate);
      return done();
    }
    if (plan.action === 'replace') {
      const deleted = await this.applyChange(prior, priorPrivate, Value.null(this.block.type), Value.null(this.block.type), priorPrivate, diags);
      this.store(deleted.value, deleted.private);
      if (hasError(diags)) return done();
      // The new object's final plan gets the first plan's private data, as its replacement plan did.
      const created = await this.applyPlanned(Value.null(this.block.type), plannedPrivate, config, planned, diags);
      if (created) this.store(created.value, created.private);
      return done();
    }
    const result = await this.applyPlanned(prior, priorPrivate, config, planned, diags);
    if (result) this.store(result.value, result.private);
    return done();
  }

  /** `terraform destroy` for this object: refresh, plan the destruction, apply it. */
  async destroy(options?: { expectError?: false }): Promise<Applied>;
  async destroy(options: ExpectError): Promise<Applied>;
  async destroy(options: { expectError?: boolean } = {}): Promise<Applied> {
    const what = `destroying ${this.address}`;
    const diags: Diagnostic[] = [];
    const done = () => settle({ ...outcome(diags), state: this.state }, what, options);
    if (!this.value) return done();
    const refreshed = await this.refreshed(diags);
    if (hasError(diags)) return done();
    if (!refreshed) {
      this.store(null, undefined);
      return done();
    }
    const nothing = Value.null(this.block.type);
    const resp = await this.provider.server.planResourceChange(
      {
        type_name: this.type,
        prior_state: dynamic(refreshed.value, this.block),
        proposed_new_state: dynamic(nothing, this.block),
        config: dynamic(nothing, this.block),
        prior_private: refreshed.private,
        client_capabilities: CLIENT_CAPABILITIES,
      },
      this.provider.ctx('PlanResourceChange'),
    );
    diags.push(...fromProto(resp.diagnostics));
    if (hasError(diags)) return done();
    const result = await this.applyChange(refreshed.value, refreshed.private, nothing, nothing, resp.planned_private, diags);
    this.store(result.value, result.private);
    return done();
  }

  /** `terraform import ADDRESS ID`: ImportResourceState, then ReadResource; nothing found is an error. */
  async import(id: string, options?: { expectError?: false }): Promise<Applied>;
  async import(id: string, options: ExpectError): Promise<Applied>;
  async import(id: string, options: { expectError?: boolean } = {}): Promise<Applied> {
    const p = this.provider;
    const diags: Diagnostic[] = [];
    const done = () => settle({ ...outcome(diags), state: this.state }, `importing ${this.address}`, options);
    const resp = await p.server.importResourceState({ type_name: this.type, id, client_capabilities: CLIENT_CAPABILITIES }, p.ctx('ImportResourceState'));
    diags.push(...fromProto(resp.diagnostics));
    if (hasError(diags)) return done();
    const mine = resp.imported_resources.filter((r) => r.type_name === this.type);
    if (resp.imported_resources.length !== 1 || mine.length !== 1) {
      diags.push(terraformError('Invalid import result', `expected one ${this.type} object, the provider returned ${resp.imported_resources.length}`));
      return done();
    }
    const imported = decode(mine[0]!.state, this.block);
    const read = await this.read(imported, mine[0]!.private, diags);
    if (hasError(diags)) return done();
    if (!read) {
      diags.push(
        terraformError(
          'Cannot import non-existent remote object',
          `While attempting to import an existing object to "${this.address}", the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use "terraform apply" to create a new remote object for this resource.`,
        ),
      );
      return done();
    }
    this.store(read.value, read.private);
    this.version = this.schema.version;
    return done();
  }

  /** Forgets the object (`terraform state rm`). */
  forget(): void {
    this.store(null, undefined);
  }

  // ---- the RPCs ---------------------------------------------------------------------------------------------

  private async validate(config: Value): Promise<Diagnostic[]> {
    const resp = await this.provider.validator.validateResourceConfig(
      { type_name: this.type, config: dynamic(config, this.block), client_capabilities: CLIENT_CAPABILITIES },
      this.provider.ctx('ValidateResourceConfig'),
    );
    return fromProto(resp.diagnostics);
  }

  /** The stored object as the current schema has it: UpgradeResourceState on its JSON. */
  private async upgrade(diags: Diagnostic[]): Promise<{ value: Value; private?: Uint8Array } | null> {
    const resp = await this.provider.server.upgradeResourceState(
      { type_name: this.type, version: this.version, raw_state: { json: Buffer.from(encodeJSON(this.value!, this.block.type)) } },
      this.provider.ctx('UpgradeResourceState'),
    );
    diags.push(...fromProto(resp.diagnostics));
    if (hasError(diags)) return null;
    return { value: decode(resp.upgraded_state, this.block), private: this.priv };
  }

  /** Upgrade, then ReadResource; null when the object is gone. */
  private async refreshed(diags: Diagnostic[]): Promise<{ value: Value; private?: Uint8Array } | null> {
    const upgraded = await this.upgrade(diags);
    if (!upgraded) return null;
    return this.read(upgraded.value, upgraded.private, diags);
  }

  private async read(current: Value, priv: Uint8Array | undefined, diags: Diagnostic[]): Promise<{ value: Value; private?: Uint8Array } | null> {
    const resp = await this.provider.server.readResource(
      { type_name: this.type, current_state: dynamic(current, this.block), private: priv, client_capabilities: CLIENT_CAPABILITIES },
      this.provider.ctx('ReadResource'),
    );
    diags.push(...fromProto(resp.diagnostics));
    if (hasError(diags)) return null;
    const v = decode(resp.new_state, this.block);
    if (v.isNull()) return null;
    if (!v.isWhollyKnown()) {
      diags.push(invalid('Provider produced invalid object', this.address, ['the refreshed object holds unknown values']));
      return null;
    }
    return { value: v, private: resp.private };
  }

  private async planChange(
    prior: Value,
    priorPrivate: Uint8Array | undefined,
    config: Value,
    diags: Diagnostic[],
  ): Promise<{ planned: Value; private?: Uint8Array; requiresReplace: P.AttributePath[] } | null> {
    const block = this.block;
    const resp = await this.provider.server.planResourceChange(
      {
        type_name: this.type,
        prior_state: dynamic(prior, block),
        proposed_new_state: dynamic(proposedNew(block, prior, config), block),
        config: dynamic(config, block),
        prior_private: priorPrivate,
        client_capabilities: CLIENT_CAPABILITIES,
      },
      this.provider.ctx('PlanResourceChange'),
    );
    diags.push(...fromProto(resp.diagnostics));
    if (hasError(diags)) return null;
    const planned = decode(resp.planned_state, block);
    const problems = assertPlanValid(block, prior, config, planned);
    if (problems.length > 0) {
      diags.push(invalid('Provider produced invalid plan', this.address, problems));
      return null;
    }
    return { planned, private: resp.planned_private, requiresReplace: resp.requires_replace ?? [] };
  }

  /** Plans again with what is known now (Terraform's final plan), then applies it. */
  private async applyPlanned(
    prior: Value,
    priorPrivate: Uint8Array | undefined,
    config: Value,
    planned: Value,
    diags: Diagnostic[],
  ): Promise<{ value: Value | null; private?: Uint8Array } | null> {
    const final = await this.planChange(prior, priorPrivate, config, diags);
    if (!final) return null;
    const drift = assertObjectCompatible(this.block, planned, final.planned);
    if (drift.length > 0) {
      diags.push(invalid('Provider produced inconsistent final plan', this.address, drift));
      return null;
    }
    const result = await this.applyChange(prior, priorPrivate, final.planned, config, final.private, diags);
    if (!hasError(diags) && result.value) {
      const problems = result.value.isWhollyKnown() ? assertObjectCompatible(this.block, final.planned, result.value) : ['the new object holds unknown values'];
      if (problems.length > 0) diags.push(invalid('Provider produced inconsistent result after apply', this.address, problems));
    }
    return result;
  }

  private async applyChange(
    prior: Value,
    priorPrivate: Uint8Array | undefined,
    planned: Value,
    config: Value,
    plannedPrivate: Uint8Array | undefined,
    diags: Diagnostic[],
  ): Promise<{ value: Value | null; private?: Uint8Array }> {
    const block = this.block;
    const resp = await this.provider.server.applyResourceChange(
      {
        type_name: this.type,
        prior_state: dynamic(prior, block),
        planned_state: dynamic(planned, block),
        config: dynamic(config, block),
        planned_private: plannedPrivate,
      },
      this.provider.ctx('ApplyResourceChange'),
    );
    const found = fromProto(resp.diagnostics);
    diags.push(...found);
    const v = decode(resp.new_state, block);
    // Terraform keeps the prior object when a failed apply returns none, so the next run can try again.
    if (hasError(found) && v.isNull()) return { value: prior.isNull() ? null : prior, private: priorPrivate };
    if (!hasError(found) && v.isNull() && !planned.isNull())
      diags.push(invalid('Provider returned null object after apply', this.address, ['the new object is null']));
    return { value: v.isNull() ? null : v, private: resp.private };
  }

  private store(value: Value | null, priv: Uint8Array | undefined): void {
    this.value = value;
    this.priv = value ? priv : undefined;
    this.version = this.schema.version;
  }
}

function isPlan(p: unknown): p is Plan {
  return typeof p === 'object' && p !== null && 'saved' in p && 'action' in p;
}

function hasError(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

function missing(name: string): Diagnostic {
  return terraformError('Missing required argument', `The argument "${name}" is required, but no definition was found.`, name);
}

function invalid(summary: string, address: string, problems: string[]): Diagnostic {
  return terraformError(
    summary,
    `The provider produced an invalid value for ${address}:\n${problems.map((p) => `- ${p}`).join('\n')}\n\nThis is a bug in the provider.`,
  );
}

function dynamic(v: Value, block: BlockSchema): P.DynamicValue {
  return { msgpack: Buffer.from(encodeMsgpack(v, block.type)) };
}

function decode(dv: P.DynamicValue | undefined, block: BlockSchema): Value {
  return dv?.msgpack && dv.msgpack.length > 0 ? decodeMsgpack(dv.msgpack, block.type) : Value.null(block.type);
}

function timestamp(t: P.Timestamp | undefined): Date | undefined {
  return t ? new Date(Number(t.seconds) * 1000 + Math.round(Number(t.nanos) / 1e6)) : undefined;
}

/** Runs `fn` with these variables set (undefined: unset), then restores the environment. */
async function withEnv<T>(env: Record<string, string | undefined> | undefined, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env ?? {})) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

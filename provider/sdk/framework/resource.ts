/**
 * @module framework/resource
 * Managed resources. The core is small (typeName, schema, create, read, update, delete); optional powers are
 * optional members the framework checks for, answering with a clear diagnostic when one is missing. Methods
 * receive a request and a pre-filled response and write into it; diagnostics are appended, never thrown (an
 * exception that escapes is reported as a provider bug and the server keeps serving).
 */
import type { Path } from '../cty/path';
import type { Value } from '../cty/value';
import type { Logger } from '../protocol/types';
import type { Diagnostics } from './diagnostics';
import type { PrivateState } from './private-state';
import type { AnySchema, ConfigOf, PlanOf, StateOf } from './schema/schema';
import type { StateWriter } from './state-writer';

/** What every request carries: cancellation (StopProvider or a cancelled call) and a logger. */
export interface RequestContext {
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * What configure receives: what the provider's configure put in `resp.data`. Resources, data sources and
 * ephemeral resources alike get a fresh instance for every call, configured with it once the provider is;
 * Validate*Config calls may come before that and then run unconfigured.
 */
export interface ConfigureResourceRequest {
  readonly providerData: unknown;
}

export interface ConfigureResourceResponse {
  readonly diagnostics: Diagnostics;
}

/** The configuration to check, for the provider and every resource, data source and ephemeral resource. */
export interface ValidateConfigRequest<S extends AnySchema> extends RequestContext {
  /** May hold unknowns: validate runs before other resources' values are known. */
  readonly config: ConfigOf<S>;
  readonly rawConfig: Value;
}

export interface ValidateConfigResponse {
  readonly diagnostics: Diagnostics;
}

export interface CreateRequest<S extends AnySchema> extends RequestContext {
  /** The configuration, wholly known at apply time. Computed attributes not set in it are null. */
  readonly config: StateOf<S>;
  /** The plan: configuration plus planned computed values, some of them `Unknown` until create sets them. */
  readonly plan: PlanOf<S>;
  readonly rawConfig: Value;
  readonly rawPlan: Value;
  readonly providerMeta: Value;
}

export interface CreateResponse<S extends AnySchema> {
  /** Starts as the plan. Every value still unknown when create returns is an error (a provider bug). */
  readonly state: StateWriter<S>;
  readonly private: PrivateState;
  readonly diagnostics: Diagnostics;
}

export interface ReadRequest<S extends AnySchema> extends RequestContext {
  /**
   * The prior state. Right after an import it holds only what importState set: other attributes are null
   * whatever their type says, so read must fill them from the remote object.
   */
  readonly state: StateOf<S>;
  readonly rawState: Value;
  readonly private: PrivateState;
  readonly providerMeta: Value;
}

export interface ReadResponse<S extends AnySchema> {
  /** Starts as the prior state; set what the remote object says now. */
  readonly state: StateWriter<S>;
  readonly private: PrivateState;
  readonly diagnostics: Diagnostics;
  /** The object is gone: Terraform plans to create it again. Only for "not found", never for errors. */
  removeResource(): void;
}

export interface UpdateRequest<S extends AnySchema> extends RequestContext {
  readonly config: StateOf<S>;
  readonly plan: PlanOf<S>;
  readonly state: StateOf<S>;
  readonly rawConfig: Value;
  readonly rawPlan: Value;
  readonly rawState: Value;
  readonly private: PrivateState;
  readonly providerMeta: Value;
}

export type UpdateResponse<S extends AnySchema> = CreateResponse<S>;

export interface DeleteRequest<S extends AnySchema> extends RequestContext {
  readonly state: StateOf<S>;
  readonly rawState: Value;
  readonly private: PrivateState;
  readonly providerMeta: Value;
}

export interface DeleteResponse {
  readonly diagnostics: Diagnostics;
}

export interface ModifyPlanRequest<S extends AnySchema> extends RequestContext {
  readonly config: ConfigOf<S> | null;
  /** null on create. */
  readonly state: StateOf<S> | null;
  /** The plan after defaults, unknown-marking and attribute plan modifiers; null on destroy. */
  readonly plan: PlanOf<S> | null;
  readonly rawConfig: Value;
  readonly rawState: Value;
  readonly private: PrivateState;
  readonly providerMeta: Value;
}

export interface ModifyPlanResponse<S extends AnySchema> {
  /** null on destroy. */
  readonly plan: StateWriter<S> | null;
  /** Add paths whose change needs a new object. */
  readonly requiresReplace: Path[];
  readonly private: PrivateState;
  readonly diagnostics: Diagnostics;
}

export interface ImportStateRequest extends RequestContext {
  /** What the user gave: `terraform import ADDR ID` or an `import {}` block's id. */
  readonly id: string;
}

export interface ImportStateResponse<S extends AnySchema> {
  /** Starts with every attribute null; set enough for read to find the object (usually the id). */
  readonly state: StateWriter<S>;
  readonly private: PrivateState;
  readonly diagnostics: Diagnostics;
}

export interface UpgradeStateRequest extends RequestContext {
  /** The stored state as JSON text, as the older schema version wrote it. */
  readonly rawJSON: string;
  /** The stored state decoded with `priorSchema`, when the upgrader declares one. */
  readonly priorState: Value | null;
}

export interface UpgradeStateResponse<S extends AnySchema> {
  /** Starts with every attribute null; set the state in the current schema. */
  readonly state: StateWriter<S>;
  readonly diagnostics: Diagnostics;
}

/** Upgrades state written by one older schema version straight to the current one. */
export interface StateUpgrader<S extends AnySchema = AnySchema> {
  readonly priorSchema?: AnySchema;
  upgrade(req: UpgradeStateRequest, resp: UpgradeStateResponse<S>): void | Promise<void>;
}

export interface MoveStateRequest extends RequestContext {
  readonly sourceProviderAddress: string;
  readonly sourceTypeName: string;
  readonly sourceSchemaVersion: number;
  readonly sourceRawJSON: string;
  readonly sourcePrivate: Uint8Array;
  /** Decoded with `sourceSchema` when the mover declares one and the JSON fits it. */
  readonly sourceState: Value | null;
}

export interface MoveStateResponse<S extends AnySchema> {
  readonly state: StateWriter<S>;
  readonly private: PrivateState;
  readonly diagnostics: Diagnostics;
}

/** Accepts `moved {}` from another resource type (possibly of another provider). */
export interface StateMover<S extends AnySchema = AnySchema> {
  readonly sourceSchema?: AnySchema;
  /** Set resp.state to take the move; leave it untouched to let the next mover try. */
  move(req: MoveStateRequest, resp: MoveStateResponse<S>): void | Promise<void>;
}

export interface Resource<S extends AnySchema = AnySchema> {
  /** The full type name used in HCL, e.g. `keyplane_api_key`. */
  readonly typeName: string;
  readonly schema: S;
  configure?(req: ConfigureResourceRequest, resp: ConfigureResourceResponse): void;
  validateConfig?(req: ValidateConfigRequest<S>, resp: ValidateConfigResponse): void | Promise<void>;
  modifyPlan?(req: ModifyPlanRequest<S>, resp: ModifyPlanResponse<S>): void | Promise<void>;
  create(req: CreateRequest<S>, resp: CreateResponse<S>): Promise<void>;
  read(req: ReadRequest<S>, resp: ReadResponse<S>): Promise<void>;
  /** Absent when every configurable attribute requires replacement. */
  update?(req: UpdateRequest<S>, resp: UpdateResponse<S>): Promise<void>;
  delete(req: DeleteRequest<S>, resp: DeleteResponse): Promise<void>;
  importState?(req: ImportStateRequest, resp: ImportStateResponse<S>): void | Promise<void>;
  /** Keyed by the prior schema version each upgrader reads. */
  readonly upgradeState?: Readonly<Record<number, StateUpgrader<S>>>;
  readonly moveState?: readonly StateMover<S>[];
}

// biome-ignore lint/suspicious/noExplicitAny: factories of every schema share one registry; the schema type is erased here
export type ResourceFactory = () => Resource<any>;

/** The usual import: the given id goes into one attribute (read then fills the rest). */
export function importStatePassthroughId<S extends AnySchema>(attribute = 'id') {
  return (req: ImportStateRequest, resp: ImportStateResponse<S>): void => {
    resp.state.set({ [attribute]: req.id } as never);
  };
}

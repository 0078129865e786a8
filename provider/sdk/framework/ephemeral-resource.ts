/**
 * @module framework/ephemeral-resource
 * Ephemeral resources (Terraform 1.10+) produce values that never enter plan or state: a short-lived
 * credential, a secret read for one run. Terraform opens one in the plan walk and again in the apply walk,
 * renews it when renewAt passes, and closes it when the walk no longer needs it. Private data carries what
 * renew and close need (an id, a lease), since no state exists.
 */
import type { Value } from '../cty/value';
import type { Diagnostics } from './diagnostics';
import type { PrivateState } from './private-state';
import type { ConfigureResourceRequest, ConfigureResourceResponse, RequestContext, ValidateConfigRequest, ValidateConfigResponse } from './resource';
import type { AnySchema, StateOf } from './schema/schema';
import type { StateWriter } from './state-writer';

export interface OpenRequest<S extends AnySchema> extends RequestContext {
  /** Wholly known: Terraform does not open with unknown configuration (it uses an unknown result instead). */
  readonly config: StateOf<S>;
  readonly rawConfig: Value;
}

export interface OpenResponse<S extends AnySchema> {
  /** Starts as the configuration; fill the computed attributes. */
  readonly result: StateWriter<S>;
  readonly private: PrivateState;
  /** When Terraform should call renew, if the value expires before the run may end. */
  renewAt?: Date;
  readonly diagnostics: Diagnostics;
}

export interface RenewRequest extends RequestContext {
  readonly private: PrivateState;
}

export interface RenewResponse {
  readonly private: PrivateState;
  renewAt?: Date;
  readonly diagnostics: Diagnostics;
}

export interface CloseRequest extends RequestContext {
  readonly private: PrivateState;
}

export interface CloseResponse {
  readonly diagnostics: Diagnostics;
}

export interface EphemeralResource<S extends AnySchema = AnySchema> {
  readonly typeName: string;
  readonly schema: S;
  configure?(req: ConfigureResourceRequest, resp: ConfigureResourceResponse): void;
  validateConfig?(req: ValidateConfigRequest<S>, resp: ValidateConfigResponse): void | Promise<void>;
  open(req: OpenRequest<S>, resp: OpenResponse<S>): Promise<void>;
  renew?(req: RenewRequest, resp: RenewResponse): Promise<void>;
  close?(req: CloseRequest, resp: CloseResponse): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: factories of every schema share one registry; the schema type is erased here
export type EphemeralResourceFactory = () => EphemeralResource<any>;

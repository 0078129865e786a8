/**
 * @module framework/data-source
 * Data sources read something and return it, with no state of their own. Terraform reads them at plan time
 * when their configuration is wholly known, otherwise at apply; the result must be wholly known.
 */
import type { Value } from '../cty/value';
import type { Diagnostics } from './diagnostics';
import type { ConfigureResourceRequest, ConfigureResourceResponse, RequestContext, ValidateConfigRequest, ValidateConfigResponse } from './resource';
import type { AnySchema, StateOf } from './schema/schema';
import type { StateWriter } from './state-writer';

export interface ReadDataSourceRequest<S extends AnySchema> extends RequestContext {
  readonly config: StateOf<S>;
  readonly rawConfig: Value;
  readonly providerMeta: Value;
}

export interface ReadDataSourceResponse<S extends AnySchema> {
  /** Starts as the configuration; fill the computed attributes. */
  readonly state: StateWriter<S>;
  readonly diagnostics: Diagnostics;
}

export interface DataSource<S extends AnySchema = AnySchema> {
  readonly typeName: string;
  readonly schema: S;
  configure?(req: ConfigureResourceRequest, resp: ConfigureResourceResponse): void;
  validateConfig?(req: ValidateConfigRequest<S>, resp: ValidateConfigResponse): void | Promise<void>;
  read(req: ReadDataSourceRequest<S>, resp: ReadDataSourceResponse<S>): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: factories of every schema share one registry; the schema type is erased here
export type DataSourceFactory = () => DataSource<any>;

/**
 * @module framework/provider
 * The provider: its configuration schema, configure, and the resources, data sources, ephemeral resources
 * and functions it offers. Resources are registered as factories so each request gets a fresh instance
 * configured with what the provider's configure produced (one process may serve several provider
 * instances in reattach mode, so nothing is a process-wide singleton).
 */
import type { ClientCapabilities } from '../protocol/types';
import type { DataSourceFactory } from './data-source';
import type { Diagnostics } from './diagnostics';
import type { EphemeralResourceFactory } from './ephemeral-resource';
import type { ProviderFunction } from './function';
import type { RequestContext, ResourceFactory, ValidateConfigRequest, ValidateConfigResponse } from './resource';
import type { SchemaCheckOptions } from './schema/validate';
import type { AnySchema, ConfigOf } from './schema/schema';

export interface ConfigureProviderRequest<S extends AnySchema> extends RequestContext {
  /** May hold unknowns when the provider configuration refers to values known only after apply. */
  readonly config: ConfigOf<S>;
  readonly terraformVersion: string;
  readonly clientCapabilities: ClientCapabilities;
}

export interface ConfigureProviderResponse {
  readonly diagnostics: Diagnostics;
  /** Handed to every resource's, data source's and ephemeral resource's configure as `req.providerData`. */
  data?: unknown;
}

export interface Provider<S extends AnySchema = AnySchema> {
  /** The provider's local name, e.g. `keyplane` (resource type names start with it). */
  readonly typeName: string;
  readonly version?: string;
  readonly schema: S;
  readonly metaSchema?: AnySchema;
  /** Extra start-up checks of every schema (e.g. descriptions required). */
  readonly schemaChecks?: SchemaCheckOptions;
  validateConfig?(req: ValidateConfigRequest<S>, resp: ValidateConfigResponse): void | Promise<void>;
  configure?(req: ConfigureProviderRequest<S>, resp: ConfigureProviderResponse): void | Promise<void>;
  resources?(): readonly ResourceFactory[];
  dataSources?(): readonly DataSourceFactory[];
  ephemeralResources?(): readonly EphemeralResourceFactory[];
  functions?(): readonly ProviderFunction[];
  /** StopProvider: in-flight requests see their signal aborted; this is for anything else to stop. */
  stop?(): void | Promise<void>;
}

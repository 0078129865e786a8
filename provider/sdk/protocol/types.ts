/**
 * @module protocol/types
 * Plain request and response shapes of tfplugin6.8, field for field as in proto/tfplugin6.8.proto (snake_case,
 * as proto-loader gives them with keepCase). Wire values stay opaque here: a DynamicValue is bytes that only
 * mean something once decoded against a schema type (cty/msgpack), which the framework does.
 *
 * Rules worth knowing when filling these (docs/sdk/node-pitfalls.md#protobufjs, value-encoding.md#dynamicvalue, plugin-protocol.md#diagnostics):
 * - every bytes field must be a Buffer/Uint8Array: protobufjs base64-decodes a JS string given for bytes;
 * - an omitted DynamicValue reads as null of the schema type on Terraform's side;
 * - diagnostics are the error channel; a thrown error becomes an opaque "Plugin error" in Terraform.
 */

export interface DynamicValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}

export type Severity = 'INVALID' | 'ERROR' | 'WARNING';

export interface AttributePathStep {
  attribute_name?: string;
  element_key_string?: string;
  element_key_int?: number;
}

export interface AttributePath {
  steps: AttributePathStep[];
}

export interface Diagnostic {
  severity: Severity;
  summary: string;
  detail?: string;
  attribute?: AttributePath;
}

export interface FunctionError {
  text: string;
  function_argument?: number;
}

export interface RawState {
  json?: Uint8Array;
  flatmap?: Record<string, string>;
}

export type StringKind = 'PLAIN' | 'MARKDOWN';

export interface SchemaAttribute {
  name: string;
  type?: Uint8Array;
  nested_type?: SchemaObject;
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  description_kind?: StringKind;
  deprecated?: boolean;
  write_only?: boolean;
}

export type BlockNesting = 'SINGLE' | 'LIST' | 'SET' | 'MAP' | 'GROUP';
export type ObjectNesting = 'SINGLE' | 'LIST' | 'SET' | 'MAP';

export interface SchemaNestedBlock {
  type_name: string;
  block: SchemaBlock;
  nesting: BlockNesting;
  min_items?: number;
  max_items?: number;
}

export interface SchemaObject {
  attributes: SchemaAttribute[];
  nesting: ObjectNesting;
}

export interface SchemaBlock {
  version?: number;
  attributes: SchemaAttribute[];
  block_types: SchemaNestedBlock[];
  description?: string;
  description_kind?: StringKind;
  deprecated?: boolean;
}

export interface Schema {
  version: number;
  block: SchemaBlock;
}

export interface FunctionParameter {
  name: string;
  type: Uint8Array;
  allow_null_value?: boolean;
  allow_unknown_values?: boolean;
  description?: string;
  description_kind?: StringKind;
}

export interface FunctionSchema {
  parameters: FunctionParameter[];
  variadic_parameter?: FunctionParameter;
  return: { type: Uint8Array };
  summary?: string;
  description?: string;
  description_kind?: StringKind;
  deprecation_message?: string;
}

export interface ServerCapabilities {
  plan_destroy?: boolean;
  get_provider_schema_optional?: boolean;
  move_resource_state?: boolean;
}

export interface ClientCapabilities {
  deferral_allowed?: boolean;
  write_only_attributes_allowed?: boolean;
}

/** google.protobuf.Timestamp */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

export namespace GetMetadata {
  export type Request = Record<string, never>;
  export interface Response {
    server_capabilities?: ServerCapabilities;
    diagnostics: Diagnostic[];
    data_sources: { type_name: string }[];
    resources: { type_name: string }[];
    functions: { name: string }[];
    ephemeral_resources: { type_name: string }[];
  }
}

export namespace GetProviderSchema {
  export type Request = Record<string, never>;
  export interface Response {
    provider: Schema;
    resource_schemas: Record<string, Schema>;
    data_source_schemas: Record<string, Schema>;
    functions: Record<string, FunctionSchema>;
    ephemeral_resource_schemas: Record<string, Schema>;
    diagnostics: Diagnostic[];
    provider_meta?: Schema;
    server_capabilities?: ServerCapabilities;
  }
}

export namespace ValidateProviderConfig {
  export interface Request {
    config?: DynamicValue;
  }
  export interface Response {
    diagnostics: Diagnostic[];
  }
}

export namespace UpgradeResourceState {
  export interface Request {
    type_name: string;
    version: number;
    raw_state?: RawState;
  }
  export interface Response {
    upgraded_state?: DynamicValue;
    diagnostics: Diagnostic[];
  }
}

export namespace ValidateResourceConfig {
  export interface Request {
    type_name: string;
    config?: DynamicValue;
    client_capabilities?: ClientCapabilities;
  }
  export interface Response {
    diagnostics: Diagnostic[];
  }
}

export namespace ValidateDataResourceConfig {
  export interface Request {
    type_name: string;
    config?: DynamicValue;
  }
  export interface Response {
    diagnostics: Diagnostic[];
  }
}

export namespace ValidateEphemeralResourceConfig {
  export interface Request {
    type_name: string;
    config?: DynamicValue;
  }
  export interface Response {
    diagnostics: Diagnostic[];
  }
}

export namespace ConfigureProvider {
  export interface Request {
    terraform_version: string;
    config?: DynamicValue;
    client_capabilities?: ClientCapabilities;
  }
  export interface Response {
    diagnostics: Diagnostic[];
  }
}

export namespace ReadResource {
  export interface Request {
    type_name: string;
    current_state?: DynamicValue;
    private?: Uint8Array;
    provider_meta?: DynamicValue;
    client_capabilities?: ClientCapabilities;
  }
  export interface Response {
    new_state?: DynamicValue;
    diagnostics: Diagnostic[];
    private?: Uint8Array;
  }
}

export namespace PlanResourceChange {
  export interface Request {
    type_name: string;
    prior_state?: DynamicValue;
    proposed_new_state?: DynamicValue;
    config?: DynamicValue;
    prior_private?: Uint8Array;
    provider_meta?: DynamicValue;
    client_capabilities?: ClientCapabilities;
  }
  export interface Response {
    planned_state?: DynamicValue;
    requires_replace: AttributePath[];
    planned_private?: Uint8Array;
    diagnostics: Diagnostic[];
  }
}

export namespace ApplyResourceChange {
  export interface Request {
    type_name: string;
    prior_state?: DynamicValue;
    planned_state?: DynamicValue;
    config?: DynamicValue;
    planned_private?: Uint8Array;
    provider_meta?: DynamicValue;
  }
  export interface Response {
    new_state?: DynamicValue;
    private?: Uint8Array;
    diagnostics: Diagnostic[];
  }
}

export namespace ImportResourceState {
  export interface Request {
    type_name: string;
    id: string;
    client_capabilities?: ClientCapabilities;
  }
  export interface ImportedResource {
    type_name: string;
    state?: DynamicValue;
    private?: Uint8Array;
  }
  export interface Response {
    imported_resources: ImportedResource[];
    diagnostics: Diagnostic[];
  }
}

export namespace MoveResourceState {
  export interface Request {
    source_provider_address: string;
    source_type_name: string;
    source_schema_version: number;
    source_state?: RawState;
    target_type_name: string;
    source_private?: Uint8Array;
  }
  export interface Response {
    target_state?: DynamicValue;
    diagnostics: Diagnostic[];
    target_private?: Uint8Array;
  }
}

export namespace ReadDataSource {
  export interface Request {
    type_name: string;
    config?: DynamicValue;
    provider_meta?: DynamicValue;
    client_capabilities?: ClientCapabilities;
  }
  export interface Response {
    state?: DynamicValue;
    diagnostics: Diagnostic[];
  }
}

export namespace OpenEphemeralResource {
  export interface Request {
    type_name: string;
    config?: DynamicValue;
    client_capabilities?: ClientCapabilities;
  }
  export interface Response {
    diagnostics: Diagnostic[];
    renew_at?: Timestamp;
    result?: DynamicValue;
    private?: Uint8Array;
  }
}

export namespace RenewEphemeralResource {
  export interface Request {
    type_name: string;
    private?: Uint8Array;
  }
  export interface Response {
    diagnostics: Diagnostic[];
    renew_at?: Timestamp;
    private?: Uint8Array;
  }
}

export namespace CloseEphemeralResource {
  export interface Request {
    type_name: string;
    private?: Uint8Array;
  }
  export interface Response {
    diagnostics: Diagnostic[];
  }
}

export namespace GetFunctions {
  export type Request = Record<string, never>;
  export interface Response {
    functions: Record<string, FunctionSchema>;
    diagnostics: Diagnostic[];
  }
}

export namespace CallFunction {
  export interface Request {
    name: string;
    arguments: DynamicValue[];
  }
  export interface Response {
    result?: DynamicValue;
    error?: FunctionError;
  }
}

export namespace StopProvider {
  export type Request = Record<string, never>;
  export interface Response {
    Error: string;
  }
}

/**
 * Per-call context the transport gives every handler: a signal aborted when StopProvider arrives or the
 * client cancels the call, and a logger that writes hclog JSON on stderr.
 */
export interface CallContext {
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The RPC name, for logs. */
  readonly rpc: string;
}

export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What the transport serves as tfplugin6.Provider. The framework implements it; a method left out answers
 * gRPC UNIMPLEMENTED (Terraform shows "Unsupported plugin method"). StopProvider is handled by the transport
 * itself (it aborts every in-flight CallContext.signal) and then forwarded to stopProvider if present.
 */
export interface ProviderServer {
  getMetadata?(req: GetMetadata.Request, ctx: CallContext): Promise<GetMetadata.Response>;
  getProviderSchema(req: GetProviderSchema.Request, ctx: CallContext): Promise<GetProviderSchema.Response>;
  validateProviderConfig(req: ValidateProviderConfig.Request, ctx: CallContext): Promise<ValidateProviderConfig.Response>;
  validateResourceConfig(req: ValidateResourceConfig.Request, ctx: CallContext): Promise<ValidateResourceConfig.Response>;
  validateDataResourceConfig(req: ValidateDataResourceConfig.Request, ctx: CallContext): Promise<ValidateDataResourceConfig.Response>;
  upgradeResourceState(req: UpgradeResourceState.Request, ctx: CallContext): Promise<UpgradeResourceState.Response>;
  configureProvider(req: ConfigureProvider.Request, ctx: CallContext): Promise<ConfigureProvider.Response>;
  readResource(req: ReadResource.Request, ctx: CallContext): Promise<ReadResource.Response>;
  planResourceChange(req: PlanResourceChange.Request, ctx: CallContext): Promise<PlanResourceChange.Response>;
  applyResourceChange(req: ApplyResourceChange.Request, ctx: CallContext): Promise<ApplyResourceChange.Response>;
  importResourceState(req: ImportResourceState.Request, ctx: CallContext): Promise<ImportResourceState.Response>;
  moveResourceState(req: MoveResourceState.Request, ctx: CallContext): Promise<MoveResourceState.Response>;
  readDataSource(req: ReadDataSource.Request, ctx: CallContext): Promise<ReadDataSource.Response>;
  validateEphemeralResourceConfig(req: ValidateEphemeralResourceConfig.Request, ctx: CallContext): Promise<ValidateEphemeralResourceConfig.Response>;
  openEphemeralResource(req: OpenEphemeralResource.Request, ctx: CallContext): Promise<OpenEphemeralResource.Response>;
  renewEphemeralResource(req: RenewEphemeralResource.Request, ctx: CallContext): Promise<RenewEphemeralResource.Response>;
  closeEphemeralResource(req: CloseEphemeralResource.Request, ctx: CallContext): Promise<CloseEphemeralResource.Response>;
  getFunctions(req: GetFunctions.Request, ctx: CallContext): Promise<GetFunctions.Response>;
  callFunction(req: CallFunction.Request, ctx: CallContext): Promise<CallFunction.Response>;
  stopProvider?(req: StopProvider.Request, ctx: CallContext): Promise<StopProvider.Response>;
}

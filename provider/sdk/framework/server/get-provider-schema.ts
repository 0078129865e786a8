/**
 * @module framework/server/get-provider-schema
 * The first RPC of every provider process (unless Terraform cached it: we set get_provider_schema_optional, so
 * it asks once per CLI run). The answer is built once per process.
 */
import { typeToJSON } from '../../cty/types';
import type { FunctionParameter as ProtoParameter, FunctionSchema, GetMetadata, GetProviderSchema, Schema, ServerCapabilities } from '../../protocol/types';
import type { FunctionParameter, ProviderFunction } from '../function';
import { schemaToProto } from '../schema/proto';
import type { ServerState } from './state';

const cache = new WeakMap<ServerState, GetProviderSchema.Response>();

export function serverCapabilities(state: ServerState): ServerCapabilities {
  return {
    // We answer destroy plans (null planned state) so resources can warn or refuse in modifyPlan.
    plan_destroy: true,
    get_provider_schema_optional: true,
    move_resource_state: state.movesState,
  };
}

export function getProviderSchema(state: ServerState): GetProviderSchema.Response {
  const hit = cache.get(state);
  if (hit) return hit;
  const schemas = (m: Map<string, { schema: Parameters<typeof schemaToProto>[0] }>): Record<string, Schema> => {
    const out: Record<string, Schema> = {};
    for (const [name, r] of m) out[name] = schemaToProto(r.schema);
    return out;
  };
  const functions: Record<string, FunctionSchema> = {};
  for (const [name, fn] of state.functions) functions[name] = functionToProto(fn);
  const resp: GetProviderSchema.Response = {
    provider: schemaToProto(state.provider.schema),
    resource_schemas: schemas(state.resources),
    data_source_schemas: schemas(state.dataSources),
    ephemeral_resource_schemas: schemas(state.ephemeralResources),
    functions,
    diagnostics: [],
    server_capabilities: serverCapabilities(state),
  };
  if (state.provider.metaSchema) resp.provider_meta = schemaToProto(state.provider.metaSchema);
  cache.set(state, resp);
  return resp;
}

export function getMetadata(state: ServerState): GetMetadata.Response {
  return {
    server_capabilities: serverCapabilities(state),
    diagnostics: [],
    resources: [...state.resources.keys()].map((type_name) => ({ type_name })),
    data_sources: [...state.dataSources.keys()].map((type_name) => ({ type_name })),
    ephemeral_resources: [...state.ephemeralResources.keys()].map((type_name) => ({ type_name })),
    functions: [...state.functions.keys()].map((name) => ({ name })),
  };
}

function parameterToProto(p: FunctionParameter): ProtoParameter {
  return {
    name: p.name,
    type: Buffer.from(typeToJSON(p.type)),
    allow_null_value: p.allowNullValue ?? false,
    allow_unknown_values: p.allowUnknownValues ?? false,
    description: p.markdownDescription ?? p.description ?? '',
    description_kind: p.markdownDescription !== undefined ? 'MARKDOWN' : 'PLAIN',
  };
}

export function functionToProto(fn: ProviderFunction): FunctionSchema {
  const out: FunctionSchema = {
    parameters: fn.parameters.map(parameterToProto),
    return: { type: Buffer.from(typeToJSON(fn.returnType)) },
    summary: fn.summary ?? '',
    description: fn.markdownDescription ?? fn.description ?? '',
    description_kind: fn.markdownDescription !== undefined ? 'MARKDOWN' : 'PLAIN',
    deprecation_message: fn.deprecationMessage ?? '',
  };
  if (fn.variadicParameter) out.variadic_parameter = parameterToProto(fn.variadicParameter);
  return out;
}

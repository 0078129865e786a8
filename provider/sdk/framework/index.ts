/**
 * @module framework
 * The framework layer of the SDK, which the public entry point (../index.ts) re-exports for provider code.
 * Declare schemas with the attribute and block constructors, implement Provider, Resource, DataSource,
 * EphemeralResource and ProviderFunction, and hand the provider to `providerServer` (`serve`, from
 * ../serve.ts, takes the result).
 */
export * from './schema/attributes';
export * from './schema/blocks';
export { Unknown, isUnknown, type MaybeUnknown, valueToPlain, plainToValue, objectToPlain, plainToObject } from './schema/convert';
export * from './schema/schema';
export { checkSchema, SchemaError, type SchemaCheckOptions } from './schema/validate';
export { schemaToProto } from './schema/proto';
export { Diagnostics, type Diagnostic } from './diagnostics';
export { type DiagnosticError, type ErrorDiagnostic, diagnosticOf } from './error-diagnostic';
export { PrivateState } from './private-state';
export { StateWriter, emptyObject } from './state-writer';
export type * from './resource';
export { importStatePassthroughId } from './resource';
export type * from './data-source';
export type * from './ephemeral-resource';
export type * from './provider';
export { FunctionError, type ProviderFunction, type FunctionParameter, type FunctionCallRequest } from './function';
export * from './plan-modifiers';
export * from './validators';
export { providerServer } from './server/server';

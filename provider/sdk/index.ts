/**
 * @module sdk
 * The SDK's public surface for provider code: the framework (schemas, Provider, Resource, DataSource,
 * EphemeralResource, functions, plan modifiers, validators, diagnostics, `providerServer`), the cty values,
 * types and paths that resources meet in raw form, and the protocol's shapes for a ProviderServer written by
 * hand. A provider's executable imports `./serve` instead: this module loads the whole framework, which must
 * wait until after the handshake (README.md, "Public entry points").
 */
export * from './framework';
export * as cty from './cty';
export * as types from './cty/types';
export { Value } from './cty/value';
export { type Path, PathError } from './cty/path';
export { StopRequestedError } from './transport/stop';
export type * as protocol from './protocol/types';
export type { ProviderServer } from './protocol/types';

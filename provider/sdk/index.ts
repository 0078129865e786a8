/**
 * @module sdk
 * The SDK's public surface: the framework (schemas, resources, plan modifiers, validators), `serve` for a
 * provider's executable, and the cty values and types resources meet in raw form.
 */
export * from './framework';
export { serve, type ServeOptions, StopRequestedError } from './transport';
export * as cty from './cty';
export { Value } from './cty/value';
export * as types from './cty/types';

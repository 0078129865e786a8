/**
 * @module cty
 * Terraform's value layer, as go-cty has it: types, exact numbers, values (known, null, unknown with
 * refinements), paths, and the two wire encodings Terraform uses (msgpack for every DynamicValue, JSON for
 * raw state). Nothing here knows about gRPC or the framework.
 */
export * from './types';
export * from './number';
export * from './value';
export * from './path';
export * from './msgpack';
export * from './json';

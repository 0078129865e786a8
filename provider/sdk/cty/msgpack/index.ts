/**
 * @module cty/msgpack
 * Terraform's msgpack encoding of values (tfplugin6 DynamicValue.msgpack), as go-cty's cty/msgpack has it.
 *
 * Contract: `decodeMsgpack(encodeMsgpack(v, t), t)` equals `v` for every value `v` that conforms to `t`,
 * including nulls, unknowns and their refinements at any depth (a string prefix longer than 256 bytes is
 * the one loss: it is truncated, as cty does). Both directions need the type: the bytes alone cannot tell a
 * list from a set or a tuple, a map from an object, or say what a dynamic slot holds. Unknowns are msgpack
 * extensions, which a generic msgpack decoder will not understand; that is why nothing here is schema-blind.
 *
 * Files: encode.ts and decode.ts walk the type; unknown.ts holds unknowns and refinements (extension 0x0c);
 * dynamic.ts the `[type, value]` wrapper; reader.ts the byte-level reader; conformance.ts the checks both
 * codecs share; arbitraries.test-support.ts the fast-check generators the property tests (here and in ../json) use.
 */
export { encodeMsgpack } from './encode';
export { decodeMsgpack } from './decode';
export { MAX_PREFIX_BYTES, MAX_REFINEMENT_BYTES } from './unknown';

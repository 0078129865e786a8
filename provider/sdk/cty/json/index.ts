/**
 * @module cty/json
 * Terraform's JSON encoding of values, as go-cty's cty/json has it: the form of raw state
 * (`RawState.json` in UpgradeResourceState and MoveResourceState).
 *
 * Contract: `decodeJSON(encodeJSON(v, t), t)` equals `v` for every wholly known value `v` that conforms to `t`
 * and holds no infinity. Numbers keep every digit. Unlike msgpack, a dynamic slot is `{"value":V,"type":T}`,
 * so raw state cannot be echoed to msgpack without the schema.
 */
export { encodeJSON } from './encode';
export { type JSONDecodeOptions, decodeJSON } from './decode';

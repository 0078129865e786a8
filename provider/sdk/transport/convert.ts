/**
 * @module transport/convert
 * Between proto-loader's objects and the plain shapes in protocol/types.ts, driven by the message
 * definitions, for every message alike.
 *
 * In (fromProto), proto-loader's defaults are undone where they would mislead: an absent message is `null`
 * there and absent (undefined) here; an empty `bytes` field is dropped, since proto3 cannot tell it from
 * unset, except for `optional bytes`, whose presence the wire does carry; oneof bookkeeping keys
 * (`selector`, `_private`) are dropped. Strings, numbers, booleans and enum names keep their defaults,
 * which is what the types promise (`type_name: string`).
 *
 * Out (toProto), protobufjs would forgive too much: a key it does not know is silently left out (a
 * camelCase `requiresReplace` never reaches Terraform), and a string given for `bytes` is base64-decoded
 * into garbage (docs/sdk/node-pitfalls.md#protobufjs). Both are refused here with the path of the offending field, so the
 * transport can report a bug in the provider instead of sending something else.
 */
import type { ProtoField, ProtoNode } from './descriptor';

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

type Kind = 'message' | 'bytes' | 'value';

interface FieldPlan {
  name: string;
  kind: Kind;
  /** Full name of the message type, for kind 'message' (and map values of message type). */
  type: string;
  repeated: boolean;
  map: boolean;
  /** proto3 `optional`: presence is on the wire. */
  optional: boolean;
}

interface MessagePlan {
  fields: FieldPlan[];
  byName: Map<string, FieldPlan>;
}

export class ConversionError extends TypeError {
  readonly code = 'SDK_PROTO_CONVERSION';
}

export interface Converter {
  /** A decoded request (proto-loader object) as the plain shape. */
  fromProto<T>(typeName: string, value: unknown): T;
  /** A plain response checked and copied for proto-loader; throws ConversionError naming the field. */
  toProto(typeName: string, value: unknown): Record<string, unknown>;
  /** Whether the message has a field of this name. */
  hasField(typeName: string, field: string): boolean;
}

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

export function createConverter(root: ProtoNode): Converter {
  const nodes = new Map<string, ProtoNode>();
  const index = (node: ProtoNode, name: string) => {
    if (name) nodes.set(name, node);
    for (const [child, n] of Object.entries(node.nested ?? {})) index(n, name ? `${name}.${child}` : child);
  };
  index(root, '');

  // Protobuf name resolution: a relative name is looked up from the field's message outwards.
  const resolve = (scope: string, typeName: string): string => {
    if (typeName.startsWith('.')) return typeName.slice(1);
    for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
      const candidate = s ? `${s}.${typeName}` : typeName;
      if (nodes.has(candidate)) return candidate;
      if (!s) throw new Error(`type ${typeName} (used in ${scope}) is not in the descriptor`);
    }
  };

  const plans = new Map<string, MessagePlan>();
  const plan = (typeName: string): MessagePlan => {
    let p = plans.get(typeName);
    if (p) return p;
    const node = nodes.get(typeName);
    if (!node?.fields) throw new Error(`message ${typeName} is not in the descriptor`);
    const fields = Object.entries(node.fields).map(([name, f]: [string, ProtoField]): FieldPlan => {
      const scalar = SCALARS.has(f.type);
      const full = scalar ? f.type : resolve(typeName, f.type);
      const kind: Kind = f.type === 'bytes' ? 'bytes' : !scalar && nodes.get(full)?.fields ? 'message' : 'value';
      return { name, kind, type: full, repeated: f.rule === 'repeated', map: f.keyType !== undefined, optional: f.options?.proto3_optional === true };
    });
    p = { fields, byName: new Map(fields.map((f) => [f.name, f])) };
    plans.set(typeName, p);
    return p;
  };

  const inValue = (field: FieldPlan, v: unknown): unknown => (field.kind === 'message' ? fromProto(field.type, v) : v);

  function fromProto<T>(typeName: string, value: unknown): T {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of plan(typeName).fields) {
      const v = source[field.name];
      if (v === undefined || v === null) continue;
      if (field.map) {
        out[field.name] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, inValue(field, x)]));
      } else if (field.repeated) {
        out[field.name] = (v as unknown[]).map((x) => inValue(field, x));
      } else if (field.kind === 'bytes') {
        if ((v as Uint8Array).length > 0 || field.optional) out[field.name] = v;
      } else {
        out[field.name] = inValue(field, v);
      }
    }
    return out as T;
  }

  const fail = (path: string, message: string): never => {
    throw new ConversionError(`${path}: ${message}`);
  };

  const outValue = (field: FieldPlan, v: unknown, path: string): unknown => {
    if (field.kind === 'message') {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || isBytes(v)) fail(path, `must be a ${field.type} message object`);
      return toProtoAt(field.type, v, path);
    }
    if (field.kind === 'bytes' && !isBytes(v)) {
      fail(
        path,
        typeof v === 'string' ? 'is bytes: give a Buffer or Uint8Array, not a string (protobufjs would base64-decode it)' : `is bytes: got ${typeof v}`,
      );
    }
    return v;
  };

  function toProtoAt(typeName: string, value: unknown, path: string): Record<string, unknown> {
    const { byName } = plan(typeName);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      const field = byName.get(key);
      if (!field) fail(`${path}.${key}`, `is not a field of ${typeName} (fields are: ${[...byName.keys()].join(', ')})`);
      const at = `${path}.${key}`;
      if (field!.map) {
        if (typeof v !== 'object' || Array.isArray(v)) fail(at, 'is a map: give a plain object');
        out[key] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, outValue(field!, x, `${at}[${JSON.stringify(k)}]`)]));
      } else if (field!.repeated) {
        if (!Array.isArray(v)) fail(at, 'is repeated: give an array');
        out[key] = (v as unknown[]).map((x, i) => outValue(field!, x, `${at}[${i}]`));
      } else {
        out[key] = outValue(field!, v, at);
      }
    }
    return out;
  }

  return {
    fromProto,
    toProto: (typeName, value) => {
      if (typeof value !== 'object' || value === null) return fail(typeName, `the response must be an object, got ${value === null ? 'null' : typeof value}`);
      return toProtoAt(typeName, value, typeName.split('.').slice(1).join('.'));
    },
    hasField: (typeName, field) => plan(typeName).byName.has(field),
  };
}

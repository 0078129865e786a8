/**
 * @module transport/descriptor
 * The wire definitions, precompiled by scripts/proto-descriptor.js from proto/*.proto:
 * - proto/descriptor.json, the protobufjs JSON of the services and messages, for the method list and the
 *   fields convert.ts walks; esbuild inlines it into a bundled provider.
 * - proto/codec.ts, each message's encode, decode, fromObject and toObject as code (protobufjs's static
 *   generator), so that no process builds reflection types or generates functions at start: that was 15 to
 *   20 ms before a provider's first answer.
 *
 * Handlers see exactly the objects @grpc/proto-loader would give them (same conversion options below);
 * descriptor.test.ts checks that against proto-loader, wire bytes and objects both.
 */
import descriptorJson from '../../../proto/descriptor.json';
import type { ServiceDefinition } from './grpc-calls';

/** protobufjs JSON: a namespace, message (fields) or enum (values), with nested children. */
export interface ProtoNode {
  nested?: Record<string, ProtoNode>;
  fields?: Record<string, ProtoField>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
  methods?: Record<string, { requestType: string; responseType: string; requestStream?: boolean; responseStream?: boolean }>;
  options?: Record<string, unknown>;
}

export interface ProtoField {
  type: string;
  id: number;
  rule?: 'repeated';
  keyType?: string;
  options?: Record<string, unknown>;
}

export const DESCRIPTOR = descriptorJson as unknown as ProtoNode;

/** The conversion options of protobufjs's toObject that this server uses (proto-loader's options of the same names). */
export interface ConversionOptions {
  longs: NumberConstructor;
  enums: StringConstructor;
  bytes: BufferConstructor;
  defaults: boolean;
  oneofs: boolean;
}

/**
 * How decoded messages become objects, as proto-loader's options of the same names (field names keep their
 * .proto spelling already: the JSON was made with keepCase). Bytes as Buffers, enums by name, 64-bit
 * integers as numbers (schema versions, list indexes and nanos all fit), absent scalars as their defaults,
 * and oneofs with the name of the member that is set, which is how a proto3 `optional` shows presence.
 */
export const CONVERSION_OPTIONS: ConversionOptions = {
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

/** A message type of proto/codec.ts, as its generated code shapes it. */
interface MessageCodec {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  fromObject(value: unknown): unknown;
  toObject(message: unknown, options: ConversionOptions): unknown;
}

/** The services a provider process serves, by full proto name. */
export const SERVED_SERVICES = ['tfplugin6.Provider', 'plugin.GRPCController', 'plugin.GRPCStdio', 'plugin.GRPCBroker', 'grpc.health.v1.Health'] as const;

let codec: Record<string, unknown> | undefined;

/** The generated codec's type for a full message name such as `tfplugin6.GetProviderSchema.Request`. */
function messageCodec(fullName: string): MessageCodec | undefined {
  codec ??= require('../../../proto/codec') as Record<string, unknown>;
  let at: unknown = codec;
  for (const part of fullName.split('.')) at = (at as Record<string, unknown> | undefined)?.[part];
  return typeof (at as MessageCodec | undefined)?.encode === 'function' ? (at as MessageCodec) : undefined;
}

/**
 * A method's message type, named as the descriptor names it: relative to the service's package, or in full
 * (`google.protobuf.Empty`), as protobufjs resolves names from that scope.
 */
function resolveType(serviceName: string, typeName: string): MessageCodec {
  const scopes = serviceName.split('.').slice(0, -1);
  for (let n = scopes.length; n >= 0; n--) {
    const found = messageCodec([...scopes.slice(0, n), typeName].join('.'));
    if (found) return found;
  }
  throw new Error(`proto/codec.ts has no message ${typeName} for ${serviceName}: run node scripts/proto-descriptor.js`);
}

/** The descriptor's node at a dotted path. */
function lookup(path: string): ProtoNode | undefined {
  let at: ProtoNode | undefined = DESCRIPTOR;
  for (const part of path.split('.')) at = at?.nested?.[part];
  return at;
}

const toBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));

function serializer(type: MessageCodec): (value: unknown) => Buffer {
  return (value) => toBuffer(type.encode(type.fromObject(value)).finish());
}

function deserializer(type: MessageCodec): (bytes: Buffer) => unknown {
  return (bytes) => type.toObject(type.decode(bytes), CONVERSION_OPTIONS);
}

/** A service's method definitions, as proto-loader would make them for the same service. */
export function serviceDefinition(serviceName: string): ServiceDefinition {
  const methods = lookup(serviceName)?.methods;
  if (!methods) throw new Error(`no service ${serviceName} in proto/descriptor.json`);
  const definition: ServiceDefinition = {};
  for (const [name, method] of Object.entries(methods)) {
    const request = resolveType(serviceName, method.requestType);
    const response = resolveType(serviceName, method.responseType);
    definition[name] = {
      path: `/${serviceName}/${name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: name.charAt(0).toLowerCase() + name.slice(1),
    };
  }
  return definition;
}

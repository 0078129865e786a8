/**
 * @module transport/descriptor
 * The wire definitions, precompiled: proto/descriptor.json is the protobufjs JSON of proto/*.proto, made by
 * scripts/proto-descriptor.js, so no process parses .proto text at start. esbuild inlines it into a bundled
 * provider; unbundled code reads it beside the sources.
 *
 * gRPC method definitions are built here straight from protobufjs (the engine under @grpc/proto-loader),
 * with the conversion options proto-loader would apply, so handlers see exactly proto-loader's objects.
 * Going through proto-loader's fromJSON instead costs each provider process about 15 ms more (measured
 * bundled, Node 20: 29 ms against 13.5 ms to load, build and first use), almost all of it building
 * reflection descriptors nobody here reads; descriptor.test.ts checks that both give the same wire bytes
 * and the same objects. The light protobufjs build suffices: there is no .proto text to parse.
 */
import { type IConversionOptions, Root, type Type } from 'protobufjs/light';
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

/**
 * How decoded messages become objects, as proto-loader's options of the same names (field names keep their
 * .proto spelling already: the JSON was made with keepCase). Bytes as Buffers, enums by name, 64-bit
 * integers as numbers (schema versions, list indexes and nanos all fit), absent scalars as their defaults,
 * and oneofs with the name of the member that is set, which is how a proto3 `optional` shows presence.
 */
export const CONVERSION_OPTIONS: IConversionOptions = {
  longs: Number,
  enums: String,
  bytes: Buffer as unknown as IConversionOptions['bytes'],
  defaults: true,
  oneofs: true,
};

/** The services a provider process serves, by full proto name. */
export const SERVED_SERVICES = ['tfplugin6.Provider', 'plugin.GRPCController', 'plugin.GRPCStdio', 'plugin.GRPCBroker', 'grpc.health.v1.Health'] as const;

let root: Root | undefined;

function protoRoot(): Root {
  root ??= Root.fromJSON(DESCRIPTOR as Parameters<typeof Root.fromJSON>[0]);
  return root;
}

const toBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));

function serializer(type: Type): (value: unknown) => Buffer {
  return (value) => toBuffer(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
}

function deserializer(type: Type): (bytes: Buffer) => unknown {
  return (bytes) => type.toObject(type.decode(bytes), CONVERSION_OPTIONS);
}

/** A service's method definitions, as proto-loader would make them for the same service. */
export function serviceDefinition(serviceName: string): ServiceDefinition {
  const service = protoRoot().lookupService(serviceName);
  const definition: ServiceDefinition = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return definition;
}

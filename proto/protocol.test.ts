/**
 * Pins the wire facts the plugin server depends on, loading proto/*.proto as text with proto-loader (an
 * independent path from the server's precompiled descriptor), and checks that proto/descriptor.json is
 * what scripts/proto-descriptor.js makes from the .proto files today.
 */
import { join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';

const { PROTO_DIR, PROTO_FILES, OUT, CODEC, descriptorText, codecText } = require('../scripts/proto-descriptor.js') as {
  PROTO_DIR: string;
  PROTO_FILES: string[];
  OUT: string;
  CODEC: string;
  descriptorText(): string;
  codecText(): string;
};

const definitions = loadSync(
  PROTO_FILES.map((f) => join(PROTO_DIR, f)),
  { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] },
);

interface FieldDescriptor {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  enumType: { name: string; value: { name: string; number: number }[] }[];
  oneofDecl: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface MethodDescriptor {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestType: { type: MessageDescriptor; fileDescriptorProtos: Buffer[] };
  responseType: { type: MessageDescriptor };
}

/** A message by full name, nested messages included (`tfplugin6.Schema.Attribute`). */
function message(fullName: string): MessageDescriptor {
  const parts = fullName.split('.');
  for (let i = parts.length; i > 0; i--) {
    const top = (definitions as Record<string, { type?: MessageDescriptor }>)[parts.slice(0, i).join('.')];
    if (!top?.type) continue;
    let m = top.type;
    for (const name of parts.slice(i)) {
      const next = m.nestedType.find((n) => n.name === name);
      if (!next) throw new Error(`no message ${fullName}`);
      m = next;
    }
    return m;
  }
  throw new Error(`no message ${fullName}`);
}

function exists(fullName: string): boolean {
  try {
    message(fullName);
    return true;
  } catch {
    return false;
  }
}

/**
 * A field, with its message type name made absolute. proto-loader keeps type names as written in the
 * .proto (`ClientCapabilities`), so they are resolved here the protobuf way, from the message outwards.
 */
function field(messageName: string, fieldName: string): FieldDescriptor {
  const f = message(messageName).field.find((x) => x.name === fieldName);
  if (!f) throw new Error(`${messageName} has no field ${fieldName}`);
  if (!f.typeName) return f;
  const parts = messageName.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), f.typeName].join('.');
    if (exists(candidate)) return { ...f, typeName: candidate };
  }
  return f;
}

/** A method's input and output types, fully qualified, from the file descriptors proto-loader builds. */
function methodTypes(serviceName: string, method: string): [string, string] {
  const files = service(serviceName)[method]!.requestType.fileDescriptorProtos.map(
    (b) =>
      FileDescriptorProto.decode(b) as unknown as {
        package: string;
        service: { name: string; method: { name: string; inputType: string; outputType: string }[] }[];
      },
  );
  const pkg = serviceName.slice(0, serviceName.lastIndexOf('.'));
  const svc = files.find((f) => f.package === pkg)!.service.find((x) => x.name === serviceName.slice(pkg.length + 1))!;
  const m = svc.method.find((x) => x.name === method)!;
  return [m.inputType.slice(1), m.outputType.slice(1)];
}

function service(name: string): Record<string, MethodDescriptor> {
  return (definitions as unknown as Record<string, Record<string, MethodDescriptor>>)[name]!;
}

function enumValues(messageName: string, enumName: string): Record<string, number> {
  const e = message(messageName).enumType.find((x) => x.name === enumName)!;
  return Object.fromEntries(e.value.map((v) => [v.name, v.number]));
}

const PROVIDER_RPCS = [
  'GetMetadata',
  'GetProviderSchema',
  'ValidateProviderConfig',
  'ValidateResourceConfig',
  'ValidateDataResourceConfig',
  'UpgradeResourceState',
  'ConfigureProvider',
  'ReadResource',
  'PlanResourceChange',
  'ApplyResourceChange',
  'ImportResourceState',
  'MoveResourceState',
  'ReadDataSource',
  'ValidateEphemeralResourceConfig',
  'OpenEphemeralResource',
  'RenewEphemeralResource',
  'CloseEphemeralResource',
  'GetFunctions',
  'CallFunction',
  'StopProvider',
];

describe('tfplugin6.8', () => {
  it('serves every Provider RPC of 6.8, unary, from X.Request to X.Response, and no 6.9 identity RPC', () => {
    const provider = service('tfplugin6.Provider');
    expect(Object.keys(provider).sort()).toEqual([...PROVIDER_RPCS].sort());
    for (const rpc of PROVIDER_RPCS) {
      const m = provider[rpc]!;
      expect(m.path).toBe(`/tfplugin6.Provider/${rpc}`);
      expect([m.requestStream, m.responseStream]).toEqual([false, false]);
      expect(methodTypes('tfplugin6.Provider', rpc)).toEqual([`tfplugin6.${rpc}.Request`, `tfplugin6.${rpc}.Response`]);
    }
    expect(Object.keys(provider)).not.toContain('GetResourceIdentitySchemas');
  });

  it('has the 6.8 additions: write-only attributes and the capability to send them', () => {
    expect(field('tfplugin6.Schema.Attribute', 'write_only')).toMatchObject({ number: 11, type: 'TYPE_BOOL' });
    expect(field('tfplugin6.ClientCapabilities', 'write_only_attributes_allowed')).toMatchObject({ number: 2, type: 'TYPE_BOOL' });
    expect(field('tfplugin6.ClientCapabilities', 'deferral_allowed')).toMatchObject({ number: 1, type: 'TYPE_BOOL' });
    expect(field('tfplugin6.ValidateResourceConfig.Request', 'client_capabilities')).toMatchObject({ number: 3, typeName: 'tfplugin6.ClientCapabilities' });
  });

  it('numbers schema attribute fields as published (nested_type is 10, between deprecated 9 and write_only 11)', () => {
    const numbers = Object.fromEntries(message('tfplugin6.Schema.Attribute').field.map((f) => [f.name, f.number]));
    expect(numbers).toEqual({
      name: 1,
      type: 2,
      nested_type: 10,
      description: 3,
      required: 4,
      optional: 5,
      computed: 6,
      sensitive: 7,
      description_kind: 8,
      deprecated: 9,
      write_only: 11,
    });
    expect(field('tfplugin6.Schema.Attribute', 'type').type).toBe('TYPE_BYTES');
    expect(enumValues('tfplugin6.Schema.NestedBlock', 'NestingMode')).toEqual({ INVALID: 0, SINGLE: 1, LIST: 2, SET: 3, MAP: 4, GROUP: 5 });
    expect(enumValues('tfplugin6.Schema.Object', 'NestingMode')).toEqual({ INVALID: 0, SINGLE: 1, LIST: 2, SET: 3, MAP: 4 });
  });

  it('makes renew_at an optional Timestamp and private optional bytes in the ephemeral resource messages', () => {
    // proto3 `optional` reaches proto-loader as a synthetic oneof named `_<field>`: that is its presence.
    const optional = (messageName: string, fieldName: string) => message(messageName).oneofDecl.some((o) => o.name === `_${fieldName}`);
    expect(field('tfplugin6.OpenEphemeralResource.Response', 'renew_at')).toMatchObject({
      number: 2,
      type: 'TYPE_MESSAGE',
      typeName: 'google.protobuf.Timestamp',
    });
    expect(optional('tfplugin6.OpenEphemeralResource.Response', 'renew_at')).toBe(true);
    expect(field('tfplugin6.OpenEphemeralResource.Response', 'private')).toMatchObject({ number: 4, type: 'TYPE_BYTES' });
    expect(optional('tfplugin6.OpenEphemeralResource.Response', 'private')).toBe(true);
    expect(optional('tfplugin6.OpenEphemeralResource.Response', 'result')).toBe(false);
    expect(field('tfplugin6.RenewEphemeralResource.Response', 'renew_at')).toMatchObject({ number: 2, typeName: 'google.protobuf.Timestamp' });
    expect(optional('tfplugin6.RenewEphemeralResource.Response', 'renew_at')).toBe(true);
    expect(optional('tfplugin6.RenewEphemeralResource.Response', 'private')).toBe(true);
    expect(field('tfplugin6.RenewEphemeralResource.Request', 'private')).toMatchObject({ number: 2, type: 'TYPE_BYTES' });
    expect(optional('tfplugin6.RenewEphemeralResource.Request', 'private')).toBe(true);
    expect(optional('tfplugin6.CloseEphemeralResource.Request', 'private')).toBe(true);
    expect(optional('tfplugin6.ReadResource.Request', 'private')).toBe(false);
    expect(field('tfplugin6.FunctionError', 'function_argument')).toMatchObject({ number: 2, type: 'TYPE_INT64' });
    expect(optional('tfplugin6.FunctionError', 'function_argument')).toBe(true);
    expect(message('google.protobuf.Timestamp').field.map((f) => [f.name, f.number, f.type])).toEqual([
      ['seconds', 1, 'TYPE_INT64'],
      ['nanos', 2, 'TYPE_INT32'],
    ]);
  });

  it('keeps the odd spots of the published file: Error with a capital E, diagnostics at 2, a oneof for path steps', () => {
    expect(field('tfplugin6.StopProvider.Response', 'Error')).toMatchObject({ number: 1, type: 'TYPE_STRING' });
    expect(field('tfplugin6.ValidateProviderConfig.Response', 'diagnostics')).toMatchObject({ number: 2, label: 'LABEL_REPEATED' });
    const step = message('tfplugin6.AttributePath.Step');
    expect(step.oneofDecl.map((o) => o.name)).toEqual(['selector']);
    expect(step.field.map((f) => [f.name, f.number, f.type])).toEqual([
      ['attribute_name', 1, 'TYPE_STRING'],
      ['element_key_string', 2, 'TYPE_STRING'],
      ['element_key_int', 3, 'TYPE_INT64'],
    ]);
    expect(field('tfplugin6.PlanResourceChange.Response', 'legacy_type_system')).toMatchObject({ number: 5, type: 'TYPE_BOOL' });
    expect(field('tfplugin6.ApplyResourceChange.Response', 'legacy_type_system')).toMatchObject({ number: 4, type: 'TYPE_BOOL' });
  });

  it('numbers GetProviderSchema.Response as published, with maps keyed by type name', () => {
    const numbers = Object.fromEntries(message('tfplugin6.GetProviderSchema.Response').field.map((f) => [f.name, f.number]));
    expect(numbers).toEqual({
      provider: 1,
      resource_schemas: 2,
      data_source_schemas: 3,
      functions: 7,
      ephemeral_resource_schemas: 8,
      diagnostics: 4,
      provider_meta: 5,
      server_capabilities: 6,
    });
    // A map is a repeated message of a nested key/value entry type.
    const mapField = field('tfplugin6.GetProviderSchema.Response', 'resource_schemas');
    expect(mapField).toMatchObject({ label: 'LABEL_REPEATED', type: 'TYPE_MESSAGE' });
    const entry = message(mapField.typeName);
    expect(entry.options?.mapEntry).toBe(true);
    expect(entry.field.map((f) => [f.name, f.number, f.type])).toEqual([
      ['key', 1, 'TYPE_STRING'],
      ['value', 2, 'TYPE_MESSAGE'],
    ]);
    expect(field(mapField.typeName, 'value').typeName).toBe('tfplugin6.Schema');
    const flatmap = field('tfplugin6.RawState', 'flatmap');
    expect(flatmap).toMatchObject({ number: 2, label: 'LABEL_REPEATED' });
    expect(message(flatmap.typeName).field.map((f) => f.type)).toEqual(['TYPE_STRING', 'TYPE_STRING']);
  });

  it('has the diagnostic severities and deferral reasons Terraform uses', () => {
    expect(enumValues('tfplugin6.Diagnostic', 'Severity')).toEqual({ INVALID: 0, ERROR: 1, WARNING: 2 });
    expect(enumValues('tfplugin6.Deferred', 'Reason')).toEqual({ UNKNOWN: 0, RESOURCE_CONFIG_UNKNOWN: 1, PROVIDER_CONFIG_UNKNOWN: 2, ABSENT_PREREQ: 3 });
    expect(field('tfplugin6.ServerCapabilities', 'move_resource_state')).toMatchObject({ number: 3 });
  });
});

describe("go-plugin's services and grpc health", () => {
  it('has GRPCController.Shutdown from plugin.Empty to plugin.Empty', () => {
    const shutdown = service('plugin.GRPCController').Shutdown!;
    expect(shutdown.path).toBe('/plugin.GRPCController/Shutdown');
    expect([shutdown.requestStream, shutdown.responseStream]).toEqual([false, false]);
    expect(methodTypes('plugin.GRPCController', 'Shutdown')).toEqual(['plugin.Empty', 'plugin.Empty']);
  });

  it('has GRPCStdio.StreamStdio streaming StdioData from google.protobuf.Empty', () => {
    const stdio = service('plugin.GRPCStdio').StreamStdio!;
    expect(stdio.path).toBe('/plugin.GRPCStdio/StreamStdio');
    expect([stdio.requestStream, stdio.responseStream]).toEqual([false, true]);
    expect(methodTypes('plugin.GRPCStdio', 'StreamStdio')).toEqual(['google.protobuf.Empty', 'plugin.StdioData']);
    expect(enumValues('plugin.StdioData', 'Channel')).toEqual({ INVALID: 0, STDOUT: 1, STDERR: 2 });
    expect(field('plugin.StdioData', 'data')).toMatchObject({ number: 2, type: 'TYPE_BYTES' });
  });

  it('has GRPCBroker.StartStream, ConnInfo streaming both ways, with its Knock', () => {
    const broker = service('plugin.GRPCBroker').StartStream!;
    expect([broker.requestStream, broker.responseStream]).toEqual([true, true]);
    expect(methodTypes('plugin.GRPCBroker', 'StartStream')).toEqual(['plugin.ConnInfo', 'plugin.ConnInfo']);
    const numbers = Object.fromEntries(message('plugin.ConnInfo').field.map((f) => [f.name, [f.number, f.type]]));
    expect(numbers).toEqual({ service_id: [1, 'TYPE_UINT32'], network: [2, 'TYPE_STRING'], address: [3, 'TYPE_STRING'], knock: [4, 'TYPE_MESSAGE'] });
    expect(message('plugin.ConnInfo.Knock').field.map((f) => [f.name, f.number])).toEqual([
      ['knock', 1],
      ['ack', 2],
      ['error', 3],
    ]);
  });

  it('has grpc.health.v1.Health with Check, List and Watch', () => {
    const health = service('grpc.health.v1.Health');
    expect(Object.keys(health).sort()).toEqual(['Check', 'List', 'Watch']);
    expect(health.Watch!.responseStream).toBe(true);
    expect(enumValues('grpc.health.v1.HealthCheckResponse', 'ServingStatus')).toEqual({ UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 });
  });
});

describe('proto/descriptor.json', () => {
  it('is what scripts/proto-descriptor.js makes from the .proto files (run it after changing them)', () => {
    expect(require('node:fs').readFileSync(OUT, 'utf8')).toBe(descriptorText());
  });
});

describe('proto/codec.ts', () => {
  it('is what scripts/proto-descriptor.js makes from the .proto files (run it after changing them)', () => {
    expect(require('node:fs').readFileSync(CODEC, 'utf8')).toBe(codecText());
  });

  it('names no message after a global its code calls (Schema.Object is Object_ there)', () => {
    const codec = require('./codec') as { tfplugin6: { Schema: Record<string, unknown> } };
    expect(codec.tfplugin6.Schema.Object).toBeUndefined();
    expect(typeof (codec.tfplugin6.Schema.Object_ as { encode?: unknown }).encode).toBe('function');
  });
});

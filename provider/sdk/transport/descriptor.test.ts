import { fromJSON, type MethodDefinition } from '@grpc/proto-loader';
import { DESCRIPTOR, SERVED_SERVICES, serviceDefinition } from './descriptor';
import { PROVIDER_RPCS } from './provider-service';

/** The same services as proto-loader builds them from the same JSON: what the server's own must equal. */
// The options written out, not imported from the module under test: the reference must not share its mistakes.
const reference = fromJSON(DESCRIPTOR as Parameters<typeof fromJSON>[0], {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
});

type Method = MethodDefinition<unknown, unknown>;

function methods(service: string): [string, Method, Method][] {
  const ours = serviceDefinition(service) as unknown as Record<string, Method>;
  const theirs = reference[service] as unknown as Record<string, Method>;
  expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
  return Object.keys(theirs).map((name) => [name, ours[name]!, theirs[name]!]);
}

const samples: Record<string, Record<string, unknown>[]> = {
  'GetProviderSchema.response': [
    {
      provider: {
        version: 1,
        block: { attributes: [{ name: 'endpoint', type: Buffer.from('"string"'), optional: true, description_kind: 'MARKDOWN' }], block_types: [] },
      },
      resource_schemas: {
        x_thing: {
          version: 2,
          block: {
            attributes: [{ name: 'secret', type: Buffer.from('"string"'), write_only: true, optional: true }],
            block_types: [{ type_name: 'rule', nesting: 'LIST', min_items: 1, block: { attributes: [], block_types: [] } }],
          },
        },
      },
      functions: { echo: { parameters: [{ name: 'v', type: Buffer.from('"dynamic"'), allow_null_value: true }], return: { type: Buffer.from('"dynamic"') } } },
      diagnostics: [
        {
          severity: 'WARNING',
          summary: 's',
          detail: 'd',
          attribute: { steps: [{ attribute_name: 'a' }, { element_key_string: 'k' }, { element_key_int: 7 }] },
        },
      ],
      server_capabilities: { plan_destroy: true, get_provider_schema_optional: true },
    },
  ],
  'OpenEphemeralResource.response': [
    { diagnostics: [], renew_at: { seconds: 1_800_000_000, nanos: 123 }, result: { msgpack: Buffer.from([0x80]) }, private: Buffer.alloc(0) },
    { diagnostics: [], result: { msgpack: Buffer.from([0x80]) } },
  ],
  'UpgradeResourceState.request': [{ type_name: 't', version: 9, raw_state: { json: Buffer.from('{"a":1}'), flatmap: { x: 'y' } } }],
  'CallFunction.response': [{ error: { text: 'bad', function_argument: 0 } }, { result: { msgpack: Buffer.from([0xa1, 0x61]) } }],
};

describe('serviceDefinition', () => {
  it('has exactly the Provider RPCs the transport maps to ProviderServer methods', () => {
    expect(Object.keys(serviceDefinition('tfplugin6.Provider')).sort()).toEqual(Object.keys(PROVIDER_RPCS).sort());
  });

  it.each([...SERVED_SERVICES])('defines %s exactly as proto-loader does: paths, streaming, names', (service) => {
    for (const [, ours, theirs] of methods(service)) {
      expect({ path: ours.path, requestStream: ours.requestStream, responseStream: ours.responseStream, originalName: ours.originalName }).toEqual({
        path: theirs.path,
        requestStream: theirs.requestStream,
        responseStream: theirs.responseStream,
        originalName: theirs.originalName,
      });
    }
  });

  it.each([...SERVED_SERVICES])('encodes and decodes %s messages to the same bytes and objects as proto-loader', (service) => {
    for (const [name, ours, theirs] of methods(service)) {
      for (const side of ['request', 'response'] as const) {
        const serialize = side === 'request' ? 'requestSerialize' : 'responseSerialize';
        const deserialize = side === 'request' ? 'requestDeserialize' : 'responseDeserialize';
        for (const sample of [{}, ...(samples[`${name}.${side}`] ?? [])]) {
          const bytes = theirs[serialize](sample);
          expect(Buffer.isBuffer(ours[serialize](sample))).toBe(true);
          expect(ours[serialize](sample)).toEqual(bytes);
          expect(ours[deserialize](bytes)).toEqual(theirs[deserialize](bytes));
        }
      }
    }
  });

  it('decodes with the promised conversions: enums by name, int64 as numbers, bytes as Buffers, optional presence', () => {
    const method = serviceDefinition('tfplugin6.Provider').OpenEphemeralResource!;
    const decoded = method.responseDeserialize(method.responseSerialize(samples['OpenEphemeralResource.response']![0]!) as Buffer) as Record<string, unknown>;
    expect(decoded).toMatchObject({ renew_at: { seconds: 1_800_000_000, nanos: 123 }, _renew_at: 'renew_at', private: Buffer.alloc(0), _private: 'private' });
    const schema = serviceDefinition('tfplugin6.Provider').GetProviderSchema!;
    const back = schema.responseDeserialize(schema.responseSerialize(samples['GetProviderSchema.response']![0]!) as Buffer) as {
      diagnostics: { severity: string }[];
      resource_schemas: Record<string, { version: number; block: { attributes: { type: unknown }[] } }>;
    };
    expect(back.diagnostics[0]!.severity).toBe('WARNING');
    expect(back.resource_schemas.x_thing!.version).toBe(2);
    expect(Buffer.isBuffer(back.resource_schemas.x_thing!.block.attributes[0]!.type)).toBe(true);
  });
});

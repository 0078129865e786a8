import { ConversionError, createConverter } from './convert';
import { DESCRIPTOR, serviceDefinition } from './descriptor';

const converter = createConverter(DESCRIPTOR);
const provider = serviceDefinition('tfplugin6.Provider');

/** What a handler receives: the request as encoded by a client and decoded by the server. */
function received(rpc: string, request: Record<string, unknown>): unknown {
  const method = provider[rpc]!;
  return method.requestDeserialize(method.requestSerialize(request) as Buffer);
}

describe('fromProto', () => {
  it('drops absent messages and empty bytes, keeps scalars with their defaults', () => {
    const decoded = received('ReadResource', {
      type_name: 'x_thing',
      current_state: { msgpack: Buffer.from([0x80]) },
      client_capabilities: { write_only_attributes_allowed: true },
    });
    // proto-loader's view: nulls, empty buffers
    expect(decoded).toMatchObject({ provider_meta: null, private: Buffer.alloc(0) });
    expect(converter.fromProto('tfplugin6.ReadResource.Request', decoded)).toEqual({
      type_name: 'x_thing',
      current_state: { msgpack: Buffer.from([0x80]) },
      client_capabilities: { deferral_allowed: false, write_only_attributes_allowed: true },
    });
  });

  it('keeps optional bytes that were sent, even empty, and drops them when absent', () => {
    const sent = converter.fromProto<{ private?: Buffer }>(
      'tfplugin6.CloseEphemeralResource.Request',
      received('CloseEphemeralResource', { type_name: 't', private: Buffer.alloc(0) }),
    );
    expect(sent.private).toEqual(Buffer.alloc(0));
    const absent = converter.fromProto<{ private?: Buffer }>(
      'tfplugin6.CloseEphemeralResource.Request',
      received('CloseEphemeralResource', { type_name: 't' }),
    );
    expect('private' in absent).toBe(false);
  });

  it('drops oneof bookkeeping keys', () => {
    const decoded = received('CloseEphemeralResource', { type_name: 't', private: Buffer.from('p') }) as Record<string, unknown>;
    expect(decoded._private).toBe('private');
    expect(Object.keys(converter.fromProto('tfplugin6.CloseEphemeralResource.Request', decoded))).toEqual(['type_name', 'private']);
  });

  it('converts maps, repeated messages and 64-bit integers', () => {
    const move = converter.fromProto(
      'tfplugin6.MoveResourceState.Request',
      received('MoveResourceState', {
        source_provider_address: 'a',
        source_type_name: 's',
        source_schema_version: 3,
        source_state: { json: Buffer.from('{}'), flatmap: { a: '1' } },
        target_type_name: 't',
      }),
    );
    expect(move).toEqual({
      source_provider_address: 'a',
      source_type_name: 's',
      source_schema_version: 3,
      source_state: { json: Buffer.from('{}'), flatmap: { a: '1' } },
      target_type_name: 't',
    });
    const call = converter.fromProto(
      'tfplugin6.CallFunction.Request',
      received('CallFunction', { name: 'f', arguments: [{ msgpack: Buffer.from([0xc0]) }, {}] }),
    );
    expect(call).toEqual({ name: 'f', arguments: [{ msgpack: Buffer.from([0xc0]) }, {}] });
  });
});

describe('toProto', () => {
  it('passes a well-formed response through, leaving out undefined and null', () => {
    const response = {
      planned_state: { msgpack: new Uint8Array([0xc0]) },
      requires_replace: [{ steps: [{ attribute_name: 'name' }, { element_key_int: 2 }] }],
      planned_private: undefined,
      diagnostics: [],
      deferred: null,
    };
    const out = converter.toProto('tfplugin6.PlanResourceChange.Response', response);
    expect(out).toEqual({
      planned_state: { msgpack: new Uint8Array([0xc0]) },
      requires_replace: [{ steps: [{ attribute_name: 'name' }, { element_key_int: 2 }] }],
      diagnostics: [],
    });
    const method = provider.PlanResourceChange!;
    const back = method.responseDeserialize(method.responseSerialize(out) as Buffer) as Record<string, unknown>;
    expect(back.requires_replace).toEqual([
      {
        steps: [
          { attribute_name: 'name', selector: 'attribute_name' },
          { element_key_int: 2, selector: 'element_key_int' },
        ],
      },
    ]);
  });

  it('refuses a key the message does not have, instead of silently dropping it', () => {
    expect(() => converter.toProto('tfplugin6.PlanResourceChange.Response', { requiresReplace: [], diagnostics: [] })).toThrow(
      new ConversionError(
        'PlanResourceChange.Response.requiresReplace: is not a field of tfplugin6.PlanResourceChange.Response (fields are: planned_state, requires_replace, planned_private, diagnostics, legacy_type_system, deferred)',
      ),
    );
  });

  it('refuses a string for bytes, which protobufjs would base64-decode', () => {
    expect(() => converter.toProto('tfplugin6.ReadResource.Response', { private: 'abc', diagnostics: [] })).toThrow(
      /ReadResource\.Response\.private: is bytes: give a Buffer or Uint8Array, not a string/,
    );
  });

  it('names the path deep inside maps and lists', () => {
    const schema = { version: 0, block: { attributes: [{ name: 'id', type: '"string"' }], block_types: [] } };
    expect(() =>
      converter.toProto('tfplugin6.GetProviderSchema.Response', {
        provider: { version: 0, block: { attributes: [], block_types: [] } },
        resource_schemas: { x_thing: schema },
        diagnostics: [],
      }),
    ).toThrow('GetProviderSchema.Response.resource_schemas["x_thing"].block.attributes[0].type: is bytes');
  });

  it('checks the shape of repeated fields, maps and messages', () => {
    expect(() => converter.toProto('tfplugin6.ValidateResourceConfig.Response', { diagnostics: { severity: 'ERROR' } })).toThrow(
      /diagnostics: is repeated: give an array/,
    );
    expect(() => converter.toProto('tfplugin6.GetProviderSchema.Response', { resource_schemas: [] })).toThrow(/resource_schemas: is a map/);
    expect(() => converter.toProto('tfplugin6.ReadResource.Response', { new_state: Buffer.from([1]) })).toThrow(
      /new_state: must be a tfplugin6.DynamicValue message object/,
    );
    expect(() => converter.toProto('tfplugin6.ReadResource.Response', undefined)).toThrow(/the response must be an object, got undefined/);
  });

  it('accepts a Timestamp for renew_at', () => {
    expect(converter.toProto('tfplugin6.OpenEphemeralResource.Response', { diagnostics: [], renew_at: { seconds: 1_800_000_000, nanos: 5 } })).toEqual({
      diagnostics: [],
      renew_at: { seconds: 1_800_000_000, nanos: 5 },
    });
  });
});

describe('hasField', () => {
  it('tells which responses carry diagnostics', () => {
    expect(converter.hasField('tfplugin6.ValidateProviderConfig.Response', 'diagnostics')).toBe(true);
    expect(converter.hasField('tfplugin6.CallFunction.Response', 'diagnostics')).toBe(false);
  });
});

/**
 * The gRPC half of the transport in process: startGrpcServer on a real unix socket, a hand-written
 * ProviderServer, and a grpc-js client built with proto-loader that presents certificates as Terraform does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientReadableStream, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { call, dialPlugin, parseHandshake, type PluginClients } from '../../../test/helpers/plugin-client';
import type { CallContext, ProviderServer } from '../protocol/types';
import { generateServerCertificate, type ServerCertificate } from './certificate';
import { serviceDefinition } from './descriptor';
import { type GrpcServer, startGrpcServer } from './grpc-server';
import { handshakeLine } from './handshake';
import { listenUnix } from './listener';
import { createLogger } from './logger';
import { StopRequestedError } from './stop';

const schemaResponse = {
  provider: { version: 0, block: { attributes: [], block_types: [] } },
  resource_schemas: {},
  data_source_schemas: {},
  functions: {},
  ephemeral_resource_schemas: {},
  diagnostics: [],
};

interface Harness {
  clients: PluginClients;
  server: GrpcServer;
  logs(): Record<string, unknown>[];
  shutdowns: number;
  handshake: ReturnType<typeof parseHandshake>;
  terraform?: ServerCertificate;
  close(): void;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kp-grpc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(provider: Partial<ProviderServer> | (() => Promise<ProviderServer>), options: { tls?: boolean; schema?: Buffer } = {}): Promise<Harness> {
  const lines: string[] = [];
  const log = createLogger({ threshold: 0, module: 'sdk.proto', write: (l) => lines.push(l) });
  const providerLog = createLogger({ threshold: 0, module: 'provider', write: (l) => lines.push(l) });
  const listener = await listenUnix({ dir });
  const terraform = options.tls === false ? undefined : generateServerCertificate();
  const certificate = terraform ? generateServerCertificate() : undefined;
  const harness = { shutdowns: 0 } as Harness;
  const getServer = typeof provider === 'function' ? provider : async () => provider as ProviderServer;
  const server = startGrpcServer({
    listener,
    tls: terraform && certificate ? { certificate, clientCertificatePem: terraform.certPem } : undefined,
    getServer,
    log,
    providerLog,
    onShutdown: () => harness.shutdowns++,
    schema: options.schema,
  });
  const handshake = parseHandshake(handshakeLine({ network: listener.network, address: listener.address, certificateDer: certificate?.der }));
  const clients = dialPlugin({ handshake, clientCertificate: terraform });
  return Object.assign(harness, {
    clients,
    server,
    handshake,
    terraform,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    close() {
      clients.close();
      server.close();
    },
  });
}

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

describe('tfplugin6.Provider over mTLS', () => {
  it('serves GetProviderSchema and hands the method a CallContext', async () => {
    let seen: { req: unknown; ctx: CallContext } | undefined;
    h = await start({
      async getProviderSchema(req, ctx) {
        seen = { req, ctx };
        return schemaResponse;
      },
    });
    const res = await call<{ provider: { version: number } }>(h.clients.provider, 'GetProviderSchema', {});
    expect(res.provider.version).toBe(0);
    expect(seen!.req).toEqual({});
    expect(seen!.ctx.rpc).toBe('GetProviderSchema');
    expect(seen!.ctx.signal.aborted).toBe(false);
    expect(typeof seen!.ctx.log.info).toBe('function');
  });

  it('gives methods requests in the types.ts shape: absent messages and empty bytes left out', async () => {
    let seen: unknown;
    h = await start({
      async readResource(req) {
        seen = req;
        return { diagnostics: [] };
      },
    });
    await call(h.clients.provider, 'ReadResource', { type_name: 'x_thing', current_state: { msgpack: Buffer.from([0x80]) } });
    expect(seen).toEqual({ type_name: 'x_thing', current_state: { msgpack: Buffer.from([0x80]) } });
  });

  it('turns a thrown error into one error diagnostic that calls it a provider bug, and logs the stack', async () => {
    h = await start({
      async validateProviderConfig() {
        throw new Error('kaboom');
      },
    });
    const res = await call<{ diagnostics: { severity: string; summary: string; detail: string }[] }>(h.clients.provider, 'ValidateProviderConfig', {});
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0]).toMatchObject({ severity: 'ERROR', summary: 'Unexpected Provider Error' });
    expect(res.diagnostics[0]!.detail).toMatch(/while handling ValidateProviderConfig\. This is always a bug in the provider/);
    expect(res.diagnostics[0]!.detail).toMatch(/Error: kaboom$/);
    const logged = h.logs().find((l) => l['@message'] === 'Unexpected error from the provider');
    expect(logged).toMatchObject({ '@level': 'error', tf_rpc: 'ValidateProviderConfig', error: 'kaboom' });
    expect(String(logged!.stack)).toMatch(/at .*validateProviderConfig/);
  });

  it('reports an error in CallFunction through FunctionError, its only error channel', async () => {
    h = await start({
      async callFunction() {
        throw new Error('bad function');
      },
    });
    const res = await call<{ error: { text: string } }>(h.clients.provider, 'CallFunction', { name: 'f', arguments: [] });
    expect(res.error.text).toMatch(/^Unexpected Provider Error: .*bad function/s);
  });

  it('reports a response it cannot send (a string for bytes) as a provider bug naming the field', async () => {
    h = await start({
      async readResource() {
        return { diagnostics: [], private: 'not-bytes' as unknown as Uint8Array };
      },
    });
    const res = await call<{ diagnostics: { detail: string }[] }>(h.clients.provider, 'ReadResource', { type_name: 't' });
    expect(res.diagnostics[0]!.detail).toMatch(/ReadResource\.Response\.private: is bytes/);
  });

  it('answers GetProviderSchema from the schema made at build time without creating the server, and creates it for other calls', async () => {
    const built = { ...schemaResponse, resource_schemas: { built_thing: { version: 3, block: { attributes: [], block_types: [] } } } };
    const bytes = serviceDefinition('tfplugin6.Provider').GetProviderSchema!.responseSerialize(built);
    let created = 0;
    h = await start(
      async () => {
        created++;
        return { validateProviderConfig: async () => ({ diagnostics: [] }) } as unknown as ProviderServer;
      },
      { schema: bytes },
    );
    const res = await call<{ resource_schemas: Record<string, { version: number }> }>(h.clients.provider, 'GetProviderSchema', {});
    expect(res.resource_schemas.built_thing!.version).toBe(3);
    expect(created).toBe(0);
    await call(h.clients.provider, 'ValidateProviderConfig', {});
    expect(created).toBe(1);
  });

  it('answers UNIMPLEMENTED for a method the server does not have', async () => {
    h = await start({ getProviderSchema: async () => schemaResponse });
    const err = (await call(h.clients.provider, 'GetMetadata', {}).catch((e: ServiceError) => e)) as ServiceError;
    expect(err.code).toBe(status.UNIMPLEMENTED);
    expect(err.details).toBe('this provider does not implement GetMetadata');
  });

  it('waits for the server factory, and reports its failure in every call', async () => {
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    h = await start(async () => {
      await ready;
      return { getProviderSchema: async () => schemaResponse } as unknown as ProviderServer;
    });
    const pending = call<{ provider: unknown }>(h.clients.provider, 'GetProviderSchema', {});
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await pending).provider).toBeTruthy();
    h.close();

    h = await start(async () => {
      throw new Error('no config file');
    });
    const res = await call<{ diagnostics: { detail: string }[] }>(h.clients.provider, 'GetProviderSchema', {});
    expect(res.diagnostics[0]!.detail).toMatch(/no config file/);
  });

  it('runs calls concurrently', async () => {
    h = await start({
      async validateResourceConfig() {
        await new Promise((r) => setTimeout(r, 200));
        return { diagnostics: [] };
      },
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => call(h!.clients.provider, 'ValidateResourceConfig', { type_name: 't' })));
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('StopProvider aborts the calls in flight, answers at once and tells the server', async () => {
    let stopped = 0;
    let reason: unknown;
    h = await start({
      async applyResourceChange(_req, ctx) {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        reason = ctx.signal.reason;
        throw ctx.signal.reason;
      },
      async stopProvider() {
        stopped++;
        return { Error: '' };
      },
    });
    const slow = call<{ diagnostics: { summary: string }[] }>(h.clients.provider, 'ApplyResourceChange', { type_name: 't' });
    await new Promise((r) => setTimeout(r, 100));
    expect(await call(h.clients.provider, 'StopProvider', {})).toEqual({ Error: '' });
    const res = await slow;
    expect(reason).toBeInstanceOf(StopRequestedError);
    expect(res.diagnostics[0]!.summary).toBe('Provider Operation Stopped');
    expect(stopped).toBe(1);
  });

  it('aborts the signal when Terraform cancels the call', async () => {
    let aborted: Promise<boolean> | undefined;
    h = await start({
      async readDataSource(_req, ctx) {
        aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(true)));
        await aborted;
        return { diagnostics: [] };
      },
    });
    await expect(call(h.clients.provider, 'ReadDataSource', { type_name: 't' }, 200)).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    await expect(aborted).resolves.toBe(true);
  });

  it('logs each call at trace with its name, id and duration, never its payload', async () => {
    h = await start({ validateProviderConfig: async () => ({ diagnostics: [{ severity: 'WARNING', summary: 'w' }] }) });
    await call(h.clients.provider, 'ValidateProviderConfig', { config: { msgpack: Buffer.from('super-secret-value') } });
    const served = h.logs().find((l) => l['@message'] === 'Served request' && l.tf_rpc === 'ValidateProviderConfig');
    expect(served).toMatchObject({ '@level': 'trace', '@module': 'sdk.proto', diagnostic_error_count: 0, diagnostic_warning_count: 1 });
    expect(typeof served!.duration_ms).toBe('number');
    expect(typeof served!.tf_req_id).toBe('string');
    expect(JSON.stringify(h.logs())).not.toMatch(/super-secret-value|c3VwZXItc2VjcmV0/);
  });
});

describe('AutoMTLS', () => {
  it('refuses a client whose certificate is not the one Terraform announced', async () => {
    h = await start({ getProviderSchema: async () => schemaResponse });
    const stranger = dialPlugin({ handshake: h.handshake, clientCertificate: generateServerCertificate() });
    try {
      await expect(call(stranger.provider, 'GetProviderSchema', {}, 2000)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      stranger.close();
    }
  });

  it('refuses a client with no certificate at all', async () => {
    h = await start({ getProviderSchema: async () => schemaResponse });
    const anonymous = dialPlugin({ handshake: h.handshake }, { clientCertificate: null });
    try {
      await expect(call(anonymous.provider, 'GetProviderSchema', {}, 2000)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      anonymous.close();
    }
  });

  it('refuses plaintext when serving TLS', async () => {
    h = await start({ getProviderSchema: async () => schemaResponse });
    const plain = dialPlugin({ handshake: h.handshake, clientCertificate: h.terraform }, { insecure: true });
    try {
      await expect(call(plain.provider, 'GetProviderSchema', {}, 2000)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      plain.close();
    }
  });

  it('serves plaintext when Terraform sends no certificate (TF_DISABLE_PLUGIN_TLS)', async () => {
    h = await start({ getProviderSchema: async () => schemaResponse }, { tls: false });
    expect(h.handshake.certificate).toBeUndefined();
    expect((await call<{ provider: unknown }>(h.clients.provider, 'GetProviderSchema', {})).provider).toBeTruthy();
  });
});

describe("go-plugin's services", () => {
  it('answers Shutdown, then asks to exit', async () => {
    h = await start({});
    expect(await call(h.clients.controller, 'Shutdown', {})).toEqual({});
    expect(h.shutdowns).toBe(1);
  });

  it('reports SERVING for "plugin" and the whole server, NOT_FOUND for others', async () => {
    h = await start({});
    expect(await call(h.clients.health, 'Check', { service: 'plugin' })).toEqual({ status: 'SERVING' });
    expect(await call(h.clients.health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    await expect(call(h.clients.health, 'Check', { service: 'other' })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it('keeps StreamStdio open and silent until the server closes', async () => {
    h = await start({});
    const stream = (h.clients.stdio as unknown as { StreamStdio(req: unknown, md: Metadata): ClientReadableStream<unknown> }).StreamStdio({}, new Metadata());
    const events: string[] = [];
    stream.on('data', () => events.push('data'));
    const ended = new Promise<void>((resolve) => {
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
      stream.on('status', () => events.push('status'));
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(events).toEqual([]);
    h.server.close();
    await ended;
    expect(events).not.toContain('data');
  });

  it('accepts GRPCBroker.StartStream and ignores what comes on it', async () => {
    h = await start({});
    const stream = (
      h.clients.broker as unknown as { StartStream(md: Metadata): { write(m: unknown): void; end(): void; on(e: string, f: (...a: unknown[]) => void): void } }
    ).StartStream(new Metadata());
    const done = new Promise<unknown>((resolve) => {
      stream.on('status', (s) => resolve((s as { code: number }).code));
      stream.on('error', (e) => resolve((e as ServiceError).code));
      stream.on('data', () => undefined);
    });
    stream.write({ service_id: 1, network: 'unix', address: '/nowhere' });
    stream.end();
    expect(await done).toBe(status.OK);
  });
});

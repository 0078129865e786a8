/**
 * The gRPC server against the protocol itself (grpc/grpc, doc/PROTOCOL-HTTP2.md), over a raw node:http2
 * client on a real unix socket: what a client that breaks the rules gets, byte for byte, where
 * grpc-server.test.ts drives the server through a well-behaved grpc-js client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientHttp2Session, type IncomingHttpHeaders, connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderServer } from '../protocol/types';
import { serviceDefinition } from './descriptor';
import { frame } from './grpc-frames';
import { type GrpcServer, startGrpcServer } from './grpc-server';
import { listenUnix } from './listener';
import { createLogger } from './logger';

let dir: string;
let server: GrpcServer;
let session: ClientHttp2Session;
let calls = 0;

const provider: Partial<ProviderServer> = {
  async validateProviderConfig() {
    calls++;
    return { diagnostics: [] };
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kp-grpc-wire-'));
  const listener = await listenUnix({ dir });
  const log = createLogger({ threshold: 5, module: 'sdk.proto', write: () => undefined });
  server = startGrpcServer({ listener, getServer: async () => provider as ProviderServer, log, providerLog: log, onShutdown: () => undefined });
  session = connect('http://localhost', { createConnection: () => netConnect(listener.address) });
});

afterAll(async () => {
  session.close();
  await new Promise<void>((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Exchange {
  headers: IncomingHttpHeaders;
  body: Buffer;
  trailers: IncomingHttpHeaders;
}

/** One stream: the given body chunks sent, then the request half-closed unless `keepOpen`. */
function exchange(path: string, chunks: Buffer[], headers: Record<string, string> = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let responseHeaders: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const body: Buffer[] = [];
    stream.on('response', (h) => {
      responseHeaders = h;
    });
    stream.on('trailers', (t) => {
      trailers = t;
    });
    stream.on('data', (c: Buffer) => body.push(c));
    stream.on('end', () => resolve({ headers: responseHeaders, body: Buffer.concat(body), trailers }));
    stream.on('error', reject);
    for (const c of chunks) stream.write(c);
    stream.end();
  });
}

const VALIDATE = '/tfplugin6.Provider/ValidateProviderConfig';
const validateRequest = () => serviceDefinition('tfplugin6.Provider').ValidateProviderConfig!.requestSerialize({ config: { msgpack: Buffer.from([0x80]) } });

/** The status of a call: from the trailers, or from the headers of a Trailers-Only reply. */
const statusOf = (e: Exchange) => ({
  status: e.trailers['grpc-status'] ?? e.headers['grpc-status'],
  message: e.trailers['grpc-message'] ?? e.headers['grpc-message'],
});

test('a unary call: headers, one length-prefixed message, then grpc-status 0 in trailers', async () => {
  const before = calls;
  const e = await exchange(VALIDATE, [frame(validateRequest())]);
  expect(e.headers[':status']).toBe(200);
  expect(e.headers['content-type']).toBe('application/grpc');
  expect(e.headers['grpc-status']).toBeUndefined();
  expect(e.trailers['grpc-status']).toBe('0');
  expect(e.body[0]).toBe(0);
  expect(e.body.readUInt32BE(1)).toBe(e.body.length - 5);
  expect(serviceDefinition('tfplugin6.Provider').ValidateProviderConfig!.responseDeserialize(e.body.subarray(5))).toMatchObject({ diagnostics: [] });
  expect(calls).toBe(before + 1);
});

test('a request cut into one-byte data frames is reassembled', async () => {
  const bytes = frame(validateRequest());
  const e = await exchange(
    VALIDATE,
    [...bytes].map((b) => Buffer.from([b])),
  );
  expect(statusOf(e).status).toBe('0');
});

test('another content type gets HTTP 415, not a call', async () => {
  const before = calls;
  const e = await exchange(VALIDATE, [frame(validateRequest())], { 'content-type': 'application/json' });
  expect(e.headers[':status']).toBe(415);
  expect(calls).toBe(before);
});

test('an unknown method: UNIMPLEMENTED as a Trailers-Only reply naming it', async () => {
  const e = await exchange('/tfplugin6.Provider/NoSuchMethod', [frame(Buffer.alloc(0))]);
  expect(e.headers[':status']).toBe(200);
  expect(e.headers['grpc-status']).toBe('12');
  expect(e.headers['grpc-message']).toBe('unknown method /tfplugin6.Provider/NoSuchMethod');
  expect(e.body.length).toBe(0);
});

test('a unary call with two messages, none, or half of one fails as INTERNAL and the method never runs', async () => {
  const before = calls;
  const two = await exchange(VALIDATE, [frame(validateRequest()), frame(validateRequest())]);
  expect(statusOf(two)).toEqual({ status: '13', message: expect.stringMatching(/exactly one request message, and received 2/) });
  const none = await exchange(VALIDATE, []);
  expect(statusOf(none)).toEqual({ status: '13', message: expect.stringMatching(/received 0/) });
  const half = await exchange(VALIDATE, [frame(validateRequest()).subarray(0, 7)]);
  expect(statusOf(half)).toEqual({ status: '13', message: expect.stringMatching(/received a partial one/) });
  expect(calls).toBe(before);
});

test('a compressed message is UNIMPLEMENTED; an oversized one is RESOURCE_EXHAUSTED from its prefix alone', async () => {
  const compressed = frame(validateRequest());
  compressed[0] = 1;
  expect(statusOf(await exchange(VALIDATE, [compressed])).status).toBe('12');
  const huge = await exchange(VALIDATE, [Buffer.from([0, 0xff, 0xff, 0xff, 0xff])]);
  expect(statusOf(huge)).toEqual({ status: '8', message: expect.stringMatching(/4294967295 bytes, more than the 268435456/) });
});

test('a request the wire definitions cannot decode is INTERNAL, with the reason', async () => {
  const e = await exchange(VALIDATE, [frame(Buffer.from([0x0a, 0xff]))]);
  expect(statusOf(e)).toEqual({ status: '13', message: expect.stringMatching(/^could not decode the \/tfplugin6\.Provider\/ValidateProviderConfig request/) });
});

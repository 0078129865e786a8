/**
 * Malformed requests (nesting deeper than the API allows, a URL that does not decode, an over-long URL or
 * parameter, a broken HTTP request) are answered 4xx in the error shape of docs/api/errors.md, and the answer
 * never repeats the URL, which may hold a key. The URL cases go over real HTTP as well: a Node HTTP server
 * refuses some requests before Fastify sees them, and inject() takes a path Node would not.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { LIMITS } from '../../contract/limits';
import { startHttpService, type HttpService } from '../../test/helpers/service';

let svc: HttpService;
beforeAll(async () => {
  svc = await startHttpService();
});
afterAll(() => svc.close());

/** A string shaped like a Keyplane key, placed in URLs to check that no answer repeats it. */
const KEY_LIKE = 'kp_0123456789abcdefghijABCDEFGHIJ0123456789';

const json = { 'content-type': 'application/json' };

/** A request with a path sent byte for byte as given (node:http does not re-encode it). */
function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(svc.endpoint);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { authorization: `Bearer ${svc.adminKey}`, ...(body === undefined ? {} : json), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, text, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written straight to the socket, for requests node:http refuses to send; returns the status line and body. */
function socketRequest(bytes: string): Promise<{ status: number; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(svc.endpoint);
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: body ? JSON.parse(body) : undefined, text });
    });
  });
}

const errorShape = (field?: string) => ({
  error: { code: 'invalid_argument', message: expect.any(String), ...(field === undefined ? {} : { field }) },
});

describe('nesting', () => {
  const max = LIMITS.jsonDepth.max;
  const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const objects = (n: number) => `${'{"a":'.repeat(n - 1)}{}${'}'.repeat(n - 1)}`;

  test.each([
    ['8,000 nested arrays', arrays(8000), '[0]'.repeat(max)],
    ['8,000 nested objects', objects(8000), Array(max).fill('a').join('.')],
    ['nested arrays under a field', `{"name":"n","labels":{"team":${arrays(8000)}}}`, `labels.team${'[0]'.repeat(max - 2)}`],
  ])('%s: a 400 naming the first value past the depth limit', async (_name, body, field) => {
    const res = await svc.request({ method: 'POST', url: '/v1/api-keys', body, headers: json });
    expect(res.body).toEqual(errorShape(field));
    expect(res.body.error.message).toContain(`deeper than ${max} levels`);
  });

  test('nesting at the limit is parsed, and validation names the field', async () => {
    const res = await svc.request({ method: 'POST', url: '/v1/api-keys', body: `{"name":"n","labels":{"team":${arrays(max - 2)}}}`, headers: json });
    expect(res.body).toEqual({ error: { code: 'invalid_argument', message: 'labels.team must be of type string', field: 'labels.team' } });
  });

  test('docs/api/errors.md states the limit LIMITS defines', () => {
    expect(readFileSync(join(__dirname, '../../docs/api/errors.md'), 'utf8')).toContain(`nest deeper than ${max} levels`);
  });

  test('over real HTTP, on verify too', async () => {
    const res = await raw('POST', '/v1/keys/verify', `{"key":${arrays(8000)}}`);
    expect([res.status, res.body]).toEqual([400, errorShape(`key${'[0]'.repeat(max - 1)}`)]);
  });
});

describe("Fastify's own refusals, in the error shape, without the URL", () => {
  test.each([
    ['a path parameter that is not percent-encoded UTF-8', 'id', `/v1/api-keys/${KEY_LIKE}%ff`],
    ['a path parameter with a broken escape', 'id', `/v1/api-keys/${KEY_LIKE}%zz`],
    ['a lone surrogate, percent-encoded, in a path parameter', 'id', `/v1/secrets/${KEY_LIKE}%ED%A0%80/versions`],
    ['the second path parameter', 'version', `/v1/secrets/sec_1/versions/${KEY_LIKE}%C0`],
    ['a path parameter over the router limit', 'id', `/v1/api-keys/${KEY_LIKE}${'a'.repeat(200)}`],
    ['a static segment that does not decode', 'path', `/v1/api-keys%ff/${KEY_LIKE}`],
  ])('%s: 400 naming %s', async (_name, field, path) => {
    const overHttp = await raw('GET', path);
    expect([overHttp.status, overHttp.body]).toEqual([400, errorShape(field)]);
    expect(overHttp.text).not.toContain(KEY_LIKE);
    const injected = await svc.request({ method: 'GET', url: path });
    expect([injected.status, injected.body]).toEqual([400, errorShape(field)]);
  });

  test('a URL longer than the HTTP server reads: 400 in the error shape, not an empty 431', async () => {
    const res = await raw('GET', `/v1/api-keys?name_prefix=${KEY_LIKE}${'a'.repeat(20_000)}`);
    expect([res.status, res.body]).toEqual([400, errorShape()]);
    expect(res.text).not.toContain(KEY_LIKE);
  });

  test.each([
    ['a Content-Length that is not a number', `POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ten\r\n\r\n{}`],
    ['a request line that is not HTTP', `GET /v1/${KEY_LIKE} HTTP/9\r\nHost: x\r\n\r\n`],
  ])('%s: 400 in the error shape', async (_name, bytes) => {
    const res = await socketRequest(bytes);
    expect([res.status, res.body]).toEqual([400, errorShape()]);
    expect(res.text).not.toContain(KEY_LIKE);
  });

  test('an unknown route: 404 in the error shape, without the path', async () => {
    const res = await raw('GET', `/v1/nothing/${KEY_LIKE}`);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(res.text).not.toContain(KEY_LIKE);
  });

  test.each([
    ['an empty JSON body', 400, 'invalid_argument', '', json],
    ['a body that is not JSON', 400, 'invalid_argument', `{"key":"${KEY_LIKE}"`, json],
    ['a body that is not JSON, sent as text/plain', 415, 'unsupported_media_type', `key=${KEY_LIKE}`, { 'content-type': 'text/plain' }],
    ['a malformed content type', 415, 'unsupported_media_type', `{"key":"${KEY_LIKE}"}`, { 'content-type': '/;;' }],
  ])('%s: %i %s', async (_name, status, code, body, headers) => {
    const res = await raw('POST', '/v1/keys/verify', body, headers);
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(res.text).not.toContain(KEY_LIKE);
  });
});

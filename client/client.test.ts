/**
 * The client against tiny local node:http(s) servers that answer exactly what each case needs: retries,
 * errors, what goes on the wire, paging, TLS with a private CA.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { KeyplaneApiError, KeyplaneClient, KeyplaneConnectionError } from '.';
import { selfSignedCertificate } from '../test/helpers/self-signed';

// Shaped like a key (kp_ + 39 characters) so a leak would be easy to spot; never valid anywhere.
const API_KEY = 'kp_TESTKEYDONOTLEAK0123456789abcdefghijkl';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse, n: number) => void;

interface Local {
  endpoint: string;
  seen: Seen[];
  close(): Promise<void>;
}

const servers: Local[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function serve(handler: Handler, options: { port?: number; tls?: { cert: Buffer; key: Buffer } } = {}): Promise<Local> {
  const seen: Seen[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      handler(s, res, seen.length);
    });
  };
  const server = options.tls ? https.createServer(options.tls, onRequest) : http.createServer(onRequest);
  return new Promise((resolve) => {
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const local: Local = {
        endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      };
      servers.push(local);
      resolve(local);
    });
  });
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const unavailable = { error: { code: 'unavailable', message: 'the service is not available; retry later' } };
const client = (endpoint: string, extra: Partial<ConstructorParameters<typeof KeyplaneClient>[0]> = {}) =>
  new KeyplaneClient({ endpoint, apiKey: API_KEY, retryBaseDelayMs: 10, ...extra });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

function expectNoKey(...things: unknown[]): void {
  for (const thing of things) {
    const text = typeof thing === 'string' ? thing : `${inspect(thing, { depth: 10, showHidden: true })} ${JSON.stringify(thing)}`;
    expect(text).not.toContain(API_KEY);
  }
}

describe('retries', () => {
  test('a GET answered 503 twice and then 200 is retried and returns the 200 body', async () => {
    const s = await serve((_req, res, n) => (n <= 2 ? json(res, 503, unavailable) : json(res, 200, { status: 'ok' })));
    expect(await client(s.endpoint).health()).toEqual({ status: 'ok' });
    expect(s.seen.map((r) => r.url)).toEqual(['/healthz', '/healthz', '/healthz']);
  });

  test('a 400 is not retried and surfaces status, code, message, field and request id', async () => {
    const s = await serve((_req, res) =>
      json(
        res,
        400,
        { error: { code: 'invalid_argument', message: 'expires_at 2001-01-01T00:00:00Z is in the past', field: 'expires_at' } },
        { 'x-request-id': 'req_1' },
      ),
    );
    const err = await failure(client(s.endpoint).getApiKey('key_1'));
    expect(err).toBeInstanceOf(KeyplaneApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_argument',
      field: 'expires_at',
      requestId: 'req_1',
      message: 'expires_at 2001-01-01T00:00:00Z is in the past',
    });
    expect(s.seen).toHaveLength(1);
  });

  test('other 4xx answers (401, 404, 409) are final too', async () => {
    for (const [status, code] of [
      [401, 'unauthenticated'],
      [404, 'not_found'],
      [409, 'conflict'],
    ] as const) {
      const s = await serve((_req, res) => json(res, status, { error: { code, message: code } }));
      expect(await failure(client(s.endpoint).whoami())).toMatchObject({ status, code });
      expect(s.seen).toHaveLength(1);
    }
  });

  test('gives up after `retries` more attempts and reports the last answer', async () => {
    const s = await serve((_req, res) => json(res, 503, unavailable));
    const err = await failure(client(s.endpoint, { retries: 2 }).listScopes());
    expect(err).toMatchObject({ status: 503, code: 'unavailable' });
    expect(s.seen).toHaveLength(3);
  });

  test('429 is retried, honouring Retry-After', async () => {
    const s = await serve((_req, res, n) =>
      n === 1 ? json(res, 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '0' }) : json(res, 200, { scopes: [] }),
    );
    expect(await client(s.endpoint).listScopes()).toEqual([]);
    expect(s.seen).toHaveLength(2);
  });

  test('a create (POST) answered 503 is not sent again: the service may already have made the key', async () => {
    const s = await serve((_req, res) => json(res, 503, unavailable));
    expect(await failure(client(s.endpoint).createApiKey({ name: 'ci' }))).toMatchObject({ status: 503 });
    expect(s.seen).toHaveLength(1);
  });

  test('a create whose connection was reset after sending is not sent again; a GET is', async () => {
    const s = await serve((_req, res) => res.socket!.destroy());
    const err = await failure(client(s.endpoint).createApiKey({ name: 'ci' }));
    expect(err).toBeInstanceOf(KeyplaneConnectionError);
    expect(err).toMatchObject({ code: 'ECONNRESET', attempts: 1 });
    expect(s.seen).toHaveLength(1);
    const get = await failure(client(s.endpoint, { retries: 2 }).getApiKey('key_1'));
    expect(get).toMatchObject({ code: 'ECONNRESET', attempts: 3 });
    expect(s.seen).toHaveLength(4);
  });

  test('a create is retried when the connection was refused, since nothing was sent', async () => {
    const probe = await serve(() => undefined);
    const port = Number(new URL(probe.endpoint).port);
    await probe.close();
    servers.splice(servers.indexOf(probe), 1);
    const created = client(`http://127.0.0.1:${port}`, { retryBaseDelayMs: 300 }).createApiKey({ name: 'ci' });
    // The first attempt is refused at once; the service comes up during the backoff.
    await new Promise((r) => setTimeout(r, 30));
    const s = await serve((_req, res) => json(res, 201, { api_key: { id: 'key_1' }, secret: 'kp_x' }), { port });
    expect(await created).toMatchObject({ api_key: { id: 'key_1' } });
    expect(s.seen).toHaveLength(1);
  });

  test('a refused connection that never heals ends in KeyplaneConnectionError after every attempt', async () => {
    const probe = await serve(() => undefined);
    const endpoint = probe.endpoint;
    await probe.close();
    servers.splice(servers.indexOf(probe), 1);
    const err = await failure(client(endpoint, { retries: 2 }).whoami());
    expect(err).toBeInstanceOf(KeyplaneConnectionError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', attempts: 3 });
    expect(err.message).toMatch(/cannot reach the Keyplane service at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\(gave up after 3 attempts\)/);
  });

  test('a DELETE whose answer was lost counts as done when the retry finds the resource gone', async () => {
    const s = await serve((_req, res, n) =>
      n === 1 ? res.socket!.destroy() : json(res, 404, { error: { code: 'not_found', message: 'API key key_1 does not exist' } }),
    );
    await expect(client(s.endpoint).deleteApiKey('key_1')).resolves.toBeUndefined();
    expect(s.seen.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    // Without an earlier attempt that may have acted, 404 stays an error.
    const fresh = await serve((_req, res) => json(res, 404, { error: { code: 'not_found', message: 'API key key_2 does not exist' } }));
    expect(await failure(client(fresh.endpoint).deleteApiKey('key_2'))).toMatchObject({ status: 404 });
  });

  test('timeoutMs bounds an attempt', async () => {
    const s = await serve(() => undefined); // never answers
    const started = Date.now();
    const err = await failure(client(s.endpoint, { timeoutMs: 150, retries: 0 }).whoami());
    expect(err).toBeInstanceOf(KeyplaneConnectionError);
    expect(err).toMatchObject({ code: 'timeout' });
    expect(err.message).toMatch(/no complete answer within 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('what goes on the wire', () => {
  test('the bearer key, JSON bodies and repeated label filters', async () => {
    const s = await serve((_req, res) => json(res, 200, { api_keys: [], next_page_token: null }));
    await client(s.endpoint).listApiKeys({ status: 'active', label: ['team=a', 'env=prod'], page_size: 5 });
    const req = s.seen[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const url = new URL(req.url, 'http://x');
    expect(url.pathname).toBe('/v1/api-keys');
    expect(url.searchParams.getAll('label')).toEqual(['team=a', 'env=prod']);
    expect(url.searchParams.get('status')).toBe('active');
    expect(url.searchParams.get('page_size')).toBe('5');
  });

  test('an update sends only the fields given; null clears', async () => {
    const s = await serve((req, res) => json(res, 200, { id: 'key_1', ...JSON.parse(req.body) }));
    await client(s.endpoint).updateApiKey('key_1', { description: 'rotated', name: undefined, expires_at: null });
    expect(s.seen[0]).toMatchObject({ method: 'PATCH', url: '/v1/api-keys/key_1' });
    expect(JSON.parse(s.seen[0]!.body)).toEqual({ description: 'rotated', expires_at: null });
    expect(s.seen[0]!.headers['content-type']).toBe('application/json');
  });

  test('each route has its method and path; ids are escaped', async () => {
    const s = await serve((_req, res) => json(res, 200, { versions: [], scopes: [] }));
    const c = client(s.endpoint);
    await c.revokeApiKey('key/1', { reason: 'leaked' });
    await c.readSecretVersion('sec_1');
    await c.readSecretVersion('sec_1', 3);
    await c.destroySecretVersion('sec_1', 2);
    await c.writeSecretVersion('sec_1', { entries: { a: 'b' }, expected_version: 1 });
    await c.deleteScope('billing.read');
    await c.verify({ key: 'kp_x' });
    expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/api-keys/key%2F1/revoke',
      'GET /v1/secrets/sec_1/versions/latest',
      'GET /v1/secrets/sec_1/versions/3',
      'POST /v1/secrets/sec_1/versions/2/destroy',
      'POST /v1/secrets/sec_1/versions',
      'DELETE /v1/scopes/billing.read',
      'POST /v1/keys/verify',
    ]);
    expect(JSON.parse(s.seen[0]!.body)).toEqual({ reason: 'leaked' });
    expect(JSON.parse(s.seen[4]!.body)).toEqual({ entries: { a: 'b' }, expected_version: 1 });
  });

  test('an endpoint with a path prefix keeps it', async () => {
    const s = await serve((_req, res) => json(res, 200, { status: 'ok' }));
    await client(`${s.endpoint}/keyplane`).health();
    expect(s.seen[0]!.url).toBe('/keyplane/healthz');
  });

  test('listAll follows next_page_token to the last page', async () => {
    const pages: Record<string, { ids: string[]; next: string | null }> = {
      '': { ids: ['a', 'b'], next: 't1' },
      t1: { ids: ['c', 'd'], next: 't2' },
      t2: { ids: ['e'], next: null },
    };
    const s = await serve((req, res) => {
      const token = new URL(req.url, 'http://x').searchParams.get('page_token') ?? '';
      const p = pages[token]!;
      json(res, 200, { service_accounts: p.ids.map((id) => ({ id })), next_page_token: p.next });
    });
    const c = client(s.endpoint);
    const ids: string[] = [];
    for await (const sa of c.listAll(c.listServiceAccounts, { name_prefix: 'ci-', page_size: 2 })) ids.push(sa.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s.seen.map((r) => new URL(r.url, 'http://x').searchParams.get('page_token'))).toEqual([null, 't1', 't2']);
    expect(s.seen.every((r) => new URL(r.url, 'http://x').searchParams.get('name_prefix') === 'ci-')).toBe(true);
  });

  test("an answer that is not the API's JSON is still a clear error", async () => {
    const s = await serve((_req, res, n) => {
      res.writeHead(n === 1 ? 200 : 418, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const c = client(s.endpoint);
    expect(await failure(c.whoami())).toMatchObject({ name: 'KeyplaneConnectionError', code: 'bad_response' });
    expect(await failure(c.whoami())).toMatchObject({ name: 'KeyplaneApiError', status: 418, code: 'http_error' });
  });
});

describe('errors say what happened, and whether the request may have acted', () => {
  const refusedEndpoint = async () => {
    const probe = await serve(() => undefined);
    await probe.close();
    servers.splice(servers.indexOf(probe), 1);
    return probe.endpoint;
  };
  const words = (err: Error) => (err as KeyplaneConnectionError | KeyplaneApiError).toDiagnostic('creating API key "ci"');

  test('refused: cannot reach the service, is it running; nothing was sent', async () => {
    const endpoint = await refusedEndpoint();
    const err = await failure(client(endpoint, { retries: 1 }).createApiKey({ name: 'ci' }));
    expect(err).toMatchObject({ failure: 'refused', mayHaveActed: false, attempts: 2 });
    expect(words(err)).toEqual({
      summary: 'Cannot Reach The Keyplane Service',
      detail: `Cannot reach the Keyplane service at ${endpoint} (connection refused) while creating API key "ci": is it running? (2 attempts) POST /v1/api-keys was not sent, so nothing changed.`,
    });
  });

  test('dropped after sending: the answer was lost; a create may have acted, a read did not, an idempotent create is safe to repeat', async () => {
    const s = await serve((_req, res) => res.socket!.destroy());
    const create = await failure(client(s.endpoint).createApiKey({ name: 'ci' }));
    expect(create).toMatchObject({ failure: 'lost', mayHaveActed: true });
    expect(words(create).summary).toBe('No Answer From The Keyplane Service');
    expect(words(create).detail).toBe(
      `No usable answer from the Keyplane service at ${s.endpoint} while creating API key "ci": the connection was dropped (ECONNRESET) after POST /v1/api-keys was sent, so the answer was lost. The service may have carried out POST /v1/api-keys before the answer was lost: check whether it took effect before repeating it.`,
    );
    const read = await failure(client(s.endpoint, { retries: 0 }).getApiKey('key_1'));
    expect(read).toMatchObject({ mayHaveActed: false });
    expect((read as KeyplaneConnectionError).toDiagnostic().detail).toMatch(/GET \/v1\/api-keys\/key_1 only reads, so nothing changed\.$/);
    const keyed = await failure(client(s.endpoint, { retries: 0 }).createApiKey({ name: 'ci' }, { idempotencyKey: 'k-1' }));
    expect(words(keyed).detail).toMatch(/may have carried out POST \/v1\/api-keys before the answer was lost; repeating it is safe \(it cannot act twice\)\.$/);
  });

  test('timed out: the answer was lost, with the deadline', async () => {
    const s = await serve(() => undefined);
    const err = await failure(client(s.endpoint, { timeoutMs: 100, retries: 0 }).createApiKey({ name: 'ci' }));
    expect(err).toMatchObject({ failure: 'timeout', mayHaveActed: true });
    expect(words(err).detail).toMatch(
      /POST \/v1\/api-keys timed out \(no complete answer within 100 ms\), so the answer was lost\. The service may have carried out/,
    );
  });

  test('5xx: the service failed, with its request id; a create may have acted before failing', async () => {
    const s = await serve((_req, res) => json(res, 503, unavailable, { 'x-request-id': 'req-42' }));
    const err = await failure(client(s.endpoint).createApiKey({ name: 'ci' }));
    expect(words(err)).toEqual({
      summary: 'Keyplane Service Failed',
      detail: `The Keyplane service at ${s.endpoint} failed while creating API key "ci": request id req-42 (503 unavailable: the service is not available; retry later). The service may have carried out POST /v1/api-keys before failing: check whether it took effect before repeating it. Its log holds the cause under the request id; this is likely temporary, so run again when the service is healthy.`,
    });
    const read = await failure(client(s.endpoint, { retries: 0 }).whoami());
    expect((read as KeyplaneApiError).toDiagnostic().detail).toMatch(/request id req-42 .*GET \/v1\/whoami only reads, so nothing changed\./);
    // A proxy's 502 page: no API body, no request id, and the words do not point at a log that has none.
    const proxy = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    const gateway = (await failure(client(proxy.endpoint, { retries: 0 }).whoami())) as KeyplaneApiError;
    expect(gateway.toDiagnostic().detail).toMatch(
      /failed: no request id \(the answer may come from a proxy in front of it\) \(502 http_error: HTTP 502 Bad Gateway from .*\)\. GET \/v1\/whoami only reads, so nothing changed\. This is likely temporary/,
    );
  });

  test("4xx: the service's refusal, its field and request id; nothing acted", async () => {
    const s = await serve((_req, res) =>
      json(res, 400, { error: { code: 'invalid_argument', message: 'name must not be empty', field: 'name' } }, { 'x-request-id': 'req-7' }),
    );
    const err = await failure(client(s.endpoint).createApiKey({ name: '' }));
    expect(err).toMatchObject({ mayHaveActed: false, field: 'name' });
    expect(words(err)).toEqual({
      summary: 'Invalid Request To The Keyplane Service',
      detail: 'The Keyplane service refused creating API key "ci": name must not be empty (400 invalid_argument, field name, request req-7).',
    });
  });
});

describe('the API key stays secret', () => {
  test('no error, stack or inspection of the client shows it', async () => {
    const s = await serve((_req, res) => json(res, 401, { error: { code: 'unauthenticated', message: 'the API key has been revoked' } }));
    const c = client(s.endpoint);
    const apiError = await failure(c.whoami());
    const timeout = await failure(client((await serve(() => undefined)).endpoint, { timeoutMs: 50, retries: 0 }).whoami());
    expect(apiError).toBeInstanceOf(KeyplaneApiError);
    expect(timeout).toBeInstanceOf(KeyplaneConnectionError);
    expectNoKey(apiError, apiError.stack, timeout, timeout.stack, c, inspect(c, { showHidden: true, depth: 10 }));
    expectNoKey(JSON.stringify((apiError as KeyplaneApiError).toDiagnostic()), JSON.stringify((timeout as KeyplaneConnectionError).toDiagnostic()));
  });
});

describe('TLS with a private CA', () => {
  let dir: string;
  let tls: { cert: Buffer; key: Buffer };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyplane-client-tls-'));
    const made = selfSignedCertificate(dir);
    tls = { cert: readFileSync(made.cert), key: readFileSync(made.key) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('caCert makes a self-signed service trusted; without it the failure is immediate, not retried', async () => {
    const s = await serve((_req, res) => json(res, 200, { status: 'ok' }), { tls });
    expect(await client(s.endpoint, { caCert: tls.cert.toString('utf8') }).health()).toEqual({ status: 'ok' });
    const untrusted = await failure(client(s.endpoint).health());
    expect(untrusted).toBeInstanceOf(KeyplaneConnectionError);
    expect(untrusted).toMatchObject({ attempts: 1 });
    expect(untrusted.message).toMatch(/self[- ]signed/i);
  });
});

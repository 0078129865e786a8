/**
 * The verify fast path (service/http/verify-fast-path.ts) against the route it stands in front of. Each
 * request is sent twice: over real HTTP, where the fast path sees it, and through `inject()`, which goes
 * straight into Fastify's route. Status, body and headers must be the same, and each case says which way the
 * HTTP request went (answered by the fast path, handed over after verifying the caller, or never taken), so a fast
 * path that stopped taking requests fails here. Then what handing over must not do twice (count a key's use,
 * a failed authentication), trusted proxies, TLS and debug logging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { generateKey } from '../../contract/key-format';
import { LOG_SAFETY } from './log-safety';
import { selfSignedCertificate } from '../../test/helpers/self-signed';
import { startHttpService, startTestService, type HttpService, type Person } from '../../test/helpers/service';

const PATH = '/v1/keys/verify';
const VERIFY_SCOPE = 'keyplane.keys.verify';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(url: string, headers: Record<string, string>, body: string | Buffer, options: { path?: string; chunked?: boolean; ca?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const target = new URL(options.path ?? PATH, url);
    const make = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make(
      target,
      {
        method: 'POST',
        headers: options.chunked ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (options.chunked) {
      const bytes = Buffer.from(body);
      req.write(bytes.subarray(0, 3));
      req.end(bytes.subarray(3));
    } else req.end(body);
  });
}

/** The answer with what differs by request (its id, the date, the connection) put aside. */
function comparable(answer: Answer) {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, 'transfer-encoding': _te, 'x-request-id': id, ...headers } = answer.headers;
  expect(id).toMatch(/^req_[\w-]+$/);
  return { status: answer.status, headers, body: answer.body.replace(/req_[\w-]+/g, 'req_ID') };
}

describe('the fast path answers every request as the route does', () => {
  let svc: HttpService;
  let caller: Person;
  let noScope: Person;
  let revokedCaller: Person;
  let target: Person;
  let revokedTarget: Person;

  beforeAll(async () => {
    svc = await startHttpService();
    caller = await svc.person('viewer', { scopes: [VERIFY_SCOPE] });
    noScope = await svc.person('developer');
    revokedCaller = await svc.person('viewer', { scopes: [VERIFY_SCOPE] });
    target = await svc.person('developer', { scopes: [VERIFY_SCOPE] });
    revokedTarget = await svc.person('viewer');
    for (const p of [revokedCaller, revokedTarget]) expect((await svc.call('POST', `/v1/api-keys/${p.keyId}/revoke`)).status).toBe(200);
  });
  afterAll(() => svc?.close());

  const json = { 'content-type': 'application/json' };
  const as = (p: Person | string) => ({ authorization: `Bearer ${typeof p === 'string' ? p : p.key}` });
  const body = (value: unknown) => JSON.stringify(value);

  type Way = 'answered' | 'handed over' | 'not taken';
  const cases: [string, Way, () => { headers: Record<string, string>; body: string | Buffer; chunked?: boolean; path?: string }][] = [
    ['a valid key', 'answered', () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key }) })],
    [
      'as the admin, with a client address and a scope it holds',
      'answered',
      () => ({ headers: { ...as(svc.adminKey), ...json }, body: body({ key: target.key, client_ip: '198.51.100.4', required_scopes: [VERIFY_SCOPE] }) }),
    ],
    ['with a charset', 'answered', () => ({ headers: { ...as(caller), 'content-type': 'application/json; charset=utf-8' }, body: body({ key: target.key }) })],
    [
      'a scope the key lacks',
      'answered',
      () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key, required_scopes: ['keyplane.secrets.read'] }) }),
    ],
    ['a revoked key', 'answered', () => ({ headers: { ...as(caller), ...json }, body: body({ key: revokedTarget.key }) })],
    ['a well-formed key nobody has', 'answered', () => ({ headers: { ...as(caller), ...json }, body: body({ key: generateKey() }) })],
    ['a mistyped key (400 naming key)', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: body({ key: `${target.key.slice(0, -1)}!` }) })],
    ['a client_ip that is no address', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key, client_ip: '300.1.1.1' }) })],
    ['a caller without the verify scope (403)', 'handed over', () => ({ headers: { ...as(noScope), ...json }, body: body({ key: target.key }) })],
    ['a caller key nobody has (401)', 'handed over', () => ({ headers: { ...as(generateKey()), ...json }, body: body({ key: target.key }) })],
    ['a revoked caller (401)', 'handed over', () => ({ headers: { ...as(revokedCaller), ...json }, body: body({ key: target.key }) })],
    [
      'a header that is not Bearer (401)',
      'handed over',
      () => ({ headers: { authorization: 'Basic dXNlcjpwYXNz', ...json }, body: body({ key: target.key }) }),
    ],
    ['a body that is not JSON', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: '{"key": ' })],
    ['an empty body', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: '' })],
    ['a __proto__ key', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: `{"key":"${target.key}","__proto__":{"x":1}}` })],
    ['a lone surrogate', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: `{"key":"${target.key}","client_ip":"\\ud800"}` })],
    [
      'bytes that are not UTF-8',
      'handed over',
      () => ({ headers: { ...as(caller), ...json }, body: Buffer.concat([Buffer.from('{"key":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]) }),
    ],
    ['a byte-order mark first', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: `\ufeff${body({ key: target.key })}` })],
    [
      'a \\u escape in a good key',
      'handed over',
      () => ({ headers: { ...as(caller), ...json }, body: `{"key":"\\u${target.key.charCodeAt(0).toString(16).padStart(4, '0')}${target.key.slice(1)}"}` }),
    ],
    [
      '"constructor" inside a string',
      'handed over',
      () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key, required_scopes: ['constructor'] }) }),
    ],
    ['a NUL character', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: body({ key: `${target.key}\u0000` }) })],
    ['an unknown field', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key, extra: 1 }) })],
    ['a wrong type', 'handed over', () => ({ headers: { ...as(caller), ...json }, body: body({ key: 42 }) })],
    [
      'nesting past the limit',
      'handed over',
      () => ({ headers: { ...as(caller), ...json }, body: `{"key":"k","required_scopes":${'['.repeat(200)}${']'.repeat(200)}}` }),
    ],
    ['a bad body from a bad caller (the caller is refused first)', 'handed over', () => ({ headers: { ...as(generateKey()), ...json }, body: '{"key": ' })],
    ['no key at all (401)', 'not taken', () => ({ headers: { ...json }, body: body({ key: target.key }) })],
    ['text/plain (415)', 'not taken', () => ({ headers: { ...as(caller), 'content-type': 'text/plain' }, body: body({ key: target.key }) })],
    [
      'another charset',
      'not taken',
      () => ({ headers: { ...as(caller), 'content-type': 'application/json; charset=latin1' }, body: body({ key: target.key }) }),
    ],
    ['a chunked body', 'not taken', () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key }), chunked: true })],
    ['a query string', 'not taken', () => ({ headers: { ...as(caller), ...json }, body: body({ key: target.key }), path: `${PATH}?x=1` })],
  ];

  test.each(cases)('%s: %s', async (_name, way, make) => {
    const req = make();
    const before = { ...svc.app.verifyFastPath! };
    const overHttp = await send(svc.endpoint, req.headers, req.body, { chunked: req.chunked, path: req.path });
    const counts = svc.app.verifyFastPath!;
    const went: Way = counts.answered > before.answered ? 'answered' : counts.handedOver > before.handedOver ? 'handed over' : 'not taken';
    expect(went).toBe(way);
    const viaRoute = await svc.app.inject({
      method: 'POST',
      url: req.path ?? PATH,
      headers: { ...req.headers, ...(req.chunked ? {} : { 'content-length': String(Buffer.byteLength(req.body)) }) },
      payload: req.body,
    });
    const route = { status: viaRoute.statusCode, headers: viaRoute.headers as IncomingHttpHeaders, body: viaRoute.body };
    expect(comparable(overHttp)).toEqual(comparable(route));
    if (way === 'answered') expect(overHttp.status).toBe(200);
  });

  test('a verification by the fast path records the last use of both keys', async () => {
    const fresh = await svc.person('developer');
    const verifier = await svc.person('viewer', { scopes: [VERIFY_SCOPE] });
    const before = svc.app.verifyFastPath!.answered;
    const r = await send(svc.endpoint, { ...as(verifier), ...json }, body({ key: fresh.key, client_ip: '192.0.2.9' }));
    expect(JSON.parse(r.body)).toMatchObject({ valid: true, key_id: fresh.keyId });
    expect(svc.app.verifyFastPath!.answered).toBe(before + 1);
    await new Promise((done) => setTimeout(done, 200)); // last uses are written in batches (lastUsedFlushMs: 50)
    const used = (await svc.call('GET', `/v1/api-keys/${fresh.keyId}`)).body;
    expect(used.last_used_at).not.toBeNull();
    expect((await svc.call('GET', `/v1/api-keys/${verifier.keyId}`)).body.last_used_at).not.toBeNull();
  });
});

describe('handing over never does the same work twice', () => {
  let svc: HttpService;
  beforeAll(async () => {
    svc = await startHttpService({ abuseLimits: { failedAuth: { max: 3 } } });
  });
  afterAll(() => svc?.close());

  /** A key of `role` with `scopes` and a rate limit of 3 uses a minute. */
  async function limitedKey(scopes: string[]): Promise<string> {
    const r = await svc.call('POST', '/v1/api-keys', {
      name: `limited ${scopes.join(',') || 'none'}`,
      role: 'viewer',
      scopes,
      rate_limit: { limit: 3, window_seconds: 3600 },
    });
    expect(r.status).toBe(201);
    return r.body.secret;
  }

  test('a caller refused after its key verified spends one use per request, not two', async () => {
    // Verified by the fast path, then refused (no verify scope, or a mistyped key): the route reuses the outcome.
    for (const [scopes, key, refused] of [
      [[], generateKey(), 403],
      [['keyplane.keys.verify'], 'kp_mistyped', 400],
    ] as const) {
      const caller = await limitedKey([...scopes]);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await send(svc.endpoint, { authorization: `Bearer ${caller}`, 'content-type': 'application/json' }, JSON.stringify({ key }))).status);
      }
      expect(statuses).toEqual([refused, refused, refused, 429]);
    }
  });

  test('failed authentications are counted once each, and the limit answers 429 through the fast path', async () => {
    const unknown = generateKey();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await send(svc.endpoint, { authorization: `Bearer ${unknown}`, 'content-type': 'application/json' }, JSON.stringify({ key: unknown }))).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(svc.app.verifyFastPath!.answered).toBe(0);
  });
});

test('behind a trusted proxy, the address is the forwarded one, as Fastify gives it', async () => {
  const svc = await startHttpService({ app: { trustedProxies: ['127.0.0.1'] } });
  try {
    const list = await svc.call('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24'] });
    const made = await svc.call('POST', '/v1/api-keys', { name: 'office verifier', role: 'viewer', scopes: [VERIFY_SCOPE], allow_list_ids: [list.body.id] });
    const headers = { authorization: `Bearer ${made.body.secret}`, 'content-type': 'application/json' };
    const payload = JSON.stringify({ key: svc.adminKey });
    const forwarded = await send(svc.endpoint, { ...headers, 'x-forwarded-for': '203.0.113.7' }, payload);
    expect([forwarded.status, JSON.parse(forwarded.body).valid]).toEqual([200, true]);
    expect(svc.app.verifyFastPath!.answered).toBe(1);
    const direct = await send(svc.endpoint, headers, payload);
    expect(direct.status).toBe(403); // 127.0.0.1 is not on the list
    expect(svc.app.verifyFastPath!.handedOver).toBe(1);
  } finally {
    await svc.close();
  }
});

test('over TLS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-fast-tls-'));
  const { cert, key } = selfSignedCertificate(dir);
  const svc = await startTestService({ app: { https: { cert: readFileSync(cert), key: readFileSync(key) } } });
  try {
    await svc.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `https://127.0.0.1:${(svc.app.server.address() as AddressInfo).port}`;
    const r = await send(url, { authorization: `Bearer ${svc.adminKey}`, 'content-type': 'application/json' }, JSON.stringify({ key: svc.adminKey }), {
      ca: readFileSync(cert, 'utf8'),
    });
    expect([r.status, JSON.parse(r.body).valid, svc.app.verifyFastPath!.answered]).toEqual([200, true, 1]);
  } finally {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('at debug level every verification goes through the route, which logs it', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const svc = await startTestService({ app: { logger: pino({ level: 'debug', ...LOG_SAFETY }, stream) } });
  try {
    await svc.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(svc.app.server.address() as AddressInfo).port}`;
    const r = await send(url, { authorization: `Bearer ${svc.adminKey}`, 'content-type': 'application/json' }, JSON.stringify({ key: svc.adminKey }));
    expect(r.status).toBe(200);
    expect([svc.app.verifyFastPath!.answered, svc.app.verifyFastPath!.handedOver]).toEqual([0, 0]);
    expect(lines.some((l) => l.includes('"url":"/v1/keys/verify"'))).toBe(true);
  } finally {
    await svc.close();
  }
});

test('switched off, nothing is taken', async () => {
  const svc = await startHttpService({ app: { verifyFastPath: false } });
  try {
    const r = await send(svc.endpoint, { authorization: `Bearer ${svc.adminKey}`, 'content-type': 'application/json' }, JSON.stringify({ key: svc.adminKey }));
    expect([r.status, svc.app.verifyFastPath]).toEqual([200, undefined]);
  } finally {
    await svc.close();
  }
});

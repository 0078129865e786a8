/**
 * Text the service cannot store as sent is refused with a 400 naming the field, never silently altered: a lone
 * surrogate (a JSON escape such as \ud800, which no UTF-8 can hold), bytes that are not UTF-8 in a body, and
 * percent-escapes in a query string that do not decode to UTF-8. Well-formed text outside the BMP is kept exactly.
 * Path parameters with such escapes are covered in malformed-input.400.test.ts.
 */
import { request as httpRequest } from 'node:http';
import { startHttpService, type HttpService } from '../../test/helpers/service';

let svc: HttpService;
let secret: string;
beforeAll(async () => {
  svc = await startHttpService();
  secret = (await svc.call('POST', '/v1/secrets', { name: 'unicode-target' })).body.id;
});
afterAll(() => svc.close());

const json = { 'content-type': 'application/json' };

function post(path: string, body: Buffer): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(svc.endpoint);
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path, headers: { authorization: `Bearer ${svc.adminKey}`, ...json } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const refused = (field: string, message: RegExp) => ({ error: { code: 'invalid_argument', message: expect.stringMatching(message), field } });

describe('lone surrogates in a JSON body', () => {
  test.each([
    ['/v1/api-keys', String.raw`{"name":"a\ud800"}`, 'name'],
    ['/v1/api-keys', String.raw`{"name":"a","labels":{"team":"\udc00x"}}`, 'labels.team'],
    ['/v1/api-keys', String.raw`{"name":"a","scopes":["keyplane.keys.verify","\ud83d"]}`, 'scopes[1]'],
    ['/v1/api-keys', String.raw`{"name":"a","labels":{"t\ud800":"x"}}`, 'labels'],
    ['/v1/api-keys', String.raw`{"n\ud800":"a"}`, 'body'],
    ['/v1/keys/verify', String.raw`{"key":"kp_\ude00"}`, 'key'],
    ['/v1/users', String.raw`{"email":"a@example.com","name":"\ud800\ud800","role":"viewer"}`, 'name'],
    ['/v1/secrets/{secret}/versions', String.raw`{"entries":{"password":"p\udfff"}}`, 'entries.password'],
  ])('POST %s %s names %s', async (url, body, field) => {
    const res = await svc.request({ method: 'POST', url: url.replace('{secret}', secret), body, headers: json });
    expect(res.body).toEqual(refused(field, /lone surrogate/));
  });

  test('an escaped surrogate pair is a character, kept exactly', async () => {
    const res = await svc.request({ method: 'POST', url: '/v1/api-keys', body: String.raw`{"name":"smile \ud83d\ude00"}`, headers: json });
    expect([res.status, res.body.api_key?.name]).toEqual([201, 'smile \u{1F600}']);
  });
});

describe('bytes that are not UTF-8 in a body, over HTTP', () => {
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

  test.each([
    ['a byte that never starts a character', 'name', bytes('{"name":"a', [0xff], '"}')],
    ['a character cut short before the closing quote', 'labels.team', bytes('{"name":"a","labels":{"team":"x', [0xe0, 0xa4], '"}}')],
    ['an over-long encoding of "/"', 'description', bytes('{"name":"a","description":"', [0xc0, 0xaf], '"}')],
    ['a surrogate encoded as UTF-8 (CESU-8)', 'name', bytes('{"name":"', [0xed, 0xa0, 0x80], '"}')],
    ['a bad byte in an object key', 'labels', bytes('{"name":"a","labels":{"t', [0x80], '":"x"}}')],
    ['a bad byte after valid multi-byte text in a secret entry', 'entries.k', bytes('{"entries":{"k":"é😀', [0xf8], '"}}')],
    ['a bad byte outside any string', 'body', bytes('{"name":"a"', [0xff], '}')],
    ['a body cut inside a character', 'body', bytes('{"name":"a"}', [0xf0, 0x9f])],
  ])('%s names %s', async (_name, field, body) => {
    const url = field.startsWith('entries') ? `/v1/secrets/${secret}/versions` : '/v1/api-keys';
    expect((await post(url, body)).body).toEqual(refused(field, /not valid UTF-8/));
  });

  test('valid UTF-8 of every length is kept exactly', async () => {
    const name = 'a é ह 😀';
    const res = await post('/v1/api-keys', Buffer.from(JSON.stringify({ name })));
    expect([res.status, res.body.api_key?.name]).toEqual([201, name]);
  });
});

describe('query parameters that do not decode to UTF-8', () => {
  test.each([
    ['/v1/api-keys?name_prefix=%ff', 'name_prefix'],
    ['/v1/api-keys?name_prefix=%ED%A0%80', 'name_prefix'],
    ['/v1/api-keys?status=active&name_prefix=a%zz', 'name_prefix'],
    ['/v1/api-keys?label=team%3D%C0', 'label'],
    ['/v1/audit-events?action=%E2%82', 'action'],
    ['/v1/users?page_size=10&email=%F0%9F%98', 'email'],
  ])('GET %s names %s', async (url, field) => {
    const injected = await svc.request({ method: 'GET', url });
    expect(injected.body).toEqual(refused(field, /percent-encoded UTF-8/));
    const overHttp = await new Promise<any>((resolve, reject) => {
      const u = new URL(svc.endpoint);
      httpRequest({ host: u.hostname, port: u.port, path: url, headers: { authorization: `Bearer ${svc.adminKey}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      })
        .on('error', reject)
        .end();
    });
    expect(overHttp).toEqual({ status: 400, body: refused(field, /percent-encoded UTF-8/) });
  });

  test('well-formed escapes, "+" and a literal "%25" still decode', async () => {
    await svc.call('POST', '/v1/api-keys', { name: 'q 😀%zz' });
    const res = await svc.request({ method: 'GET', url: '/v1/api-keys?name_prefix=q+%F0%9F%98%80%25zz' });
    expect([res.status, res.body.api_keys.map((k: { name: string }) => k.name)]).toEqual([200, ['q 😀%zz']]);
  });
});

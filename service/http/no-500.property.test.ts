/**
 * Whatever JSON a caller sends to any route, the answer is a success or a 4xx in the error shape, never a
 * 500: validation, not the database or a handler's assumptions, is what refuses a bad request.
 */
import fc from 'fast-check';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let ids: Record<string, string>;
beforeAll(async () => {
  svc = await startTestService();
  await svc.call('POST', '/v1/scopes', { name: 'fuzz.read', description: 'x' });
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'fuzz' })).body.api_key.id;
  const secret = (await svc.call('POST', '/v1/secrets', { name: 'fuzz' })).body.id;
  await svc.call('POST', `/v1/secrets/${secret}/versions`, { entries: { a: '1' } });
  const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'fuzz' })).body.id;
  const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'fuzz', cidrs: ['10.0.0.0/8'] })).body.id;
  const user = (await svc.call('POST', '/v1/users', { email: 'fuzz@example.com', name: 'f', role: 'viewer' })).body.id;
  ids = { key, secret, sa, list, user };
});
afterAll(() => svc.close());

/** Field names the routes know, mixed with others, so generated objects often reach past the first check. */
const fieldName = fc.constantFrom(
  'name',
  'description',
  'role',
  'scopes',
  'labels',
  'expires_at',
  'allow_list_ids',
  'user_id',
  'service_account_id',
  'entries',
  'remove_entries',
  'expected_version',
  'replace',
  'reason',
  'key',
  'required_scopes',
  'client_ip',
  'cidrs',
  'email',
  'disabled',
  'x',
);
const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('admin', 'viewer', 'fuzz.read', 'keyplane.keys.verify', '10.0.0.0/8', '::1', '2099-01-01T00:00:00Z', '2001-01-01T00:00:00Z', '', 'kp_'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fieldName, fc.string({ maxLength: 8 })), tie('any'), { maxKeys: 4 }),
  ),
})).any;
const body = fc.oneof(fc.dictionary(fieldName, value, { maxKeys: 5 }), value);

const routes: [string, string][] = [
  ['POST', '/v1/api-keys'],
  ['PATCH', '/v1/api-keys/{key}'],
  ['POST', '/v1/api-keys/{key}/revoke'],
  ['POST', '/v1/keys/verify'],
  ['POST', '/v1/service-accounts'],
  ['PATCH', '/v1/service-accounts/{sa}'],
  ['POST', '/v1/users'],
  ['PATCH', '/v1/users/{user}'],
  ['POST', '/v1/ip-allow-lists'],
  ['PATCH', '/v1/ip-allow-lists/{list}'],
  ['POST', '/v1/scopes'],
  ['POST', '/v1/secrets'],
  ['PATCH', '/v1/secrets/{secret}'],
  ['POST', '/v1/secrets/{secret}/versions'],
];

test.each(routes)('%s %s: any JSON body gets a non-5xx answer', async (method, url) => {
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const res = await svc.call(
        method,
        url.replace(/\{(\w+)\}/g, (_m, k: string) => ids[k]!),
        b,
      );
      expect([JSON.stringify(b), res.status < 500]).toEqual([JSON.stringify(b), true]);
      if (res.status >= 400) expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
  );
});

test('any query string on the list routes gets a non-5xx answer', async () => {
  const param = fc.constantFrom(
    'page_size',
    'page_token',
    'status',
    'label',
    'id',
    'name_prefix',
    'sort',
    'owner_id',
    'owner_type',
    'since',
    'until',
    'action',
    'role',
    'email',
    'name',
    'x',
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/v1/api-keys', '/v1/audit-events', '/v1/users', '/v1/service-accounts', '/v1/secrets', '/v1/ip-allow-lists'),
      fc.array(fc.tuple(param, fc.string({ maxLength: 30 })), { maxLength: 4 }),
      async (path, pairs) => {
        const qs = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const res = await svc.call('GET', `${path}?${qs}`);
        expect([qs, res.status < 500]).toEqual([qs, true]);
      },
    ),
    { numRuns: 150 },
  );
});

/** A body nested `depth` levels deep, built inside the property so a failure prints the depth, not the body. */
const nested = ({ depth, objects }: { depth: number; objects: boolean }) =>
  objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;

test.each(routes)(
  '%s %s: nesting past the limit and lone surrogates get a 400, bytes that are not UTF-8 a non-5xx, in the error shape',
  async (method, url) => {
    const path = url.replace(/\{(\w+)\}/g, (_m, k: string) => ids[k]!);
    // JSON text with a lone surrogate written as an escape.
    const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => `\\u${unit.toString(16)}`);
    const withSurrogate = fc.tuple(fc.dictionary(fieldName, value, { maxKeys: 3 }), fieldName, loneSurrogate).map(([b, k, s]) => {
      // Without k in the rest: a later duplicate key would replace the surrogate.
      const text = JSON.stringify({ ...b, [k]: undefined });
      return text === '{}' ? `{"${k}":"${s}"}` : `{"${k}":"x${s}",${text.slice(1)}`;
    });
    const payload = fc.oneof(
      fc.record({ depth: fc.integer({ min: 33, max: 20_000 }), objects: fc.boolean() }),
      withSurrogate,
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc.tuple(body, fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([b, bytes]) => {
        const text = Buffer.from(JSON.stringify(b) ?? 'null');
        const at = Math.floor(text.length / 2);
        return Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at)]);
      }),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const sent = Buffer.isBuffer(p) || typeof p === 'string' ? p : nested(p);
        const res = await svc.app.inject({
          method: method as never,
          url: path,
          payload: sent,
          headers: { authorization: `Bearer ${svc.adminKey}`, 'content-type': 'application/json' },
        });
        // Text payloads (deep nesting, a lone surrogate) are always refused; random bytes may happen to be JSON.
        expect(typeof sent === 'string' ? res.statusCode === 400 : res.statusCode < 500).toBe(true);
        if (res.statusCode >= 400) expect(res.json()).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  },
);

test('any bytes, percent-encoded, in a path parameter or a query string: a non-5xx answer, in the error shape when refused', async () => {
  // Any byte, percent-encoded, so malformed UTF-8 and lone surrogates (as %ED%A0%80) appear.
  const escaped = fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/v1/api-keys/', '/v1/secrets/', '/v1/users/', '/v1/api-keys?name_prefix=', '/v1/audit-events?action='),
      escaped,
      async (prefix, tail) => {
        const res = await svc.call('GET', `${prefix}${tail}`);
        expect([tail, res.status < 500]).toEqual([tail, true]);
        expect(res.body).toEqual(
          res.status < 400 ? expect.anything() : { error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) },
        );
      },
    ),
    { numRuns: 150 },
  );
});

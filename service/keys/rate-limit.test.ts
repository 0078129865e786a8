/**
 * A key's own rate limit (service/keys/rate-limit.ts): every authenticated use and every verification of the
 * key count; past the limit the API answers 429 rate_limited with Retry-After, verify answers
 * `rate_limited` with retry_after_seconds, and the next window allows it again. Other keys are not touched,
 * a change of the limit applies at once, and bad limits are 400s naming the field.
 */
import { KeyRateLimiter } from './rate-limit';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let verifier: string;
beforeAll(async () => {
  svc = await startTestService();
  verifier = (await svc.call('POST', '/v1/api-keys', { name: 'verifier', role: 'viewer', scopes: ['keyplane.keys.verify'] })).body.secret;
});
afterAll(() => svc.close());

const create = async (body: Record<string, unknown>) => {
  const res = await svc.call('POST', '/v1/api-keys', { role: 'viewer', ...body });
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { api_key: { id: string; rate_limit: unknown }; secret: string };
};
const whoami = (key: string) => svc.request({ method: 'GET', url: '/v1/whoami', key });
const verify = (key: string) => svc.call('POST', '/v1/keys/verify', { key }, verifier);

test('uses over the limit are refused until the window ends; the API and verify share the count', async () => {
  const k = await create({ name: 'limited', rate_limit: { limit: 3, window_seconds: 3600 } });
  expect(k.api_key.rate_limit).toEqual({ limit: 3, window_seconds: 3600 });
  expect((await whoami(k.secret)).status).toBe(200);
  expect((await verify(k.secret)).body.valid).toBe(true);
  expect((await whoami(k.secret)).status).toBe(200);
  const refused = await whoami(k.secret);
  expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
  expect(refused.body.error.message).toMatch(/over its rate limit of 3 uses per 3600 s/);
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
  const verified = (await verify(k.secret)).body;
  expect(verified).toMatchObject({ valid: false, reason: 'rate_limited', key_id: k.api_key.id });
  expect(verified.retry_after_seconds).toBeGreaterThan(0);
  // Not a failed authentication: no auth.failed event for it.
  const failed = (await svc.call('GET', `/v1/audit-events?action=auth.failed`)).body.audit_events;
  expect(failed.filter((e: { details: { key_id?: string } }) => e.details.key_id === k.api_key.id)).toEqual([]);
  // Another key is not touched.
  const free = await create({ name: 'unlimited' });
  for (let i = 0; i < 5; i++) expect((await whoami(free.secret)).status).toBe(200);
  // Raising or removing the limit applies at once.
  expect((await svc.call('PATCH', `/v1/api-keys/${k.api_key.id}`, { rate_limit: null })).body.rate_limit).toBeNull();
  expect((await whoami(k.secret)).status).toBe(200);
});

test('a new window allows the key again', async () => {
  const k = await create({ name: 'per-second', rate_limit: { limit: 2, window_seconds: 1 } });
  // Start at the beginning of a window, so both uses land in it.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  expect((await whoami(k.secret)).status).toBe(200);
  expect((await whoami(k.secret)).status).toBe(200);
  expect((await whoami(k.secret)).status).toBe(429);
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  expect((await whoami(k.secret)).status).toBe(200);
});

test.each([
  [{ limit: 0, window_seconds: 60 }, 'rate_limit.limit'],
  [{ limit: 1_000_001, window_seconds: 60 }, 'rate_limit.limit'],
  [{ limit: 10, window_seconds: 0 }, 'rate_limit.window_seconds'],
  [{ limit: 10, window_seconds: 86_401 }, 'rate_limit.window_seconds'],
  [{ limit: 1.5, window_seconds: 60 }, 'rate_limit.limit'],
  [{ limit: 10 }, 'rate_limit.window_seconds'],
  [{ limit: 10, window_seconds: 60, burst: 5 }, 'rate_limit.burst'],
])('a bad limit %j is a 400 naming %s, and nothing is written', async (rate_limit, field) => {
  const before = (await svc.call('GET', '/v1/api-keys?name_prefix=bad-limit')).body.api_keys.length;
  const res = await svc.call('POST', '/v1/api-keys', { name: 'bad-limit', rate_limit });
  expect([res.status, res.body.error.code, res.body.error.field]).toEqual([400, 'invalid_argument', field]);
  expect((await svc.call('GET', '/v1/api-keys?name_prefix=bad-limit')).body.api_keys.length).toBe(before);
});

test('the limiter: fixed windows on whole multiples, the retry time to the window end, a bounded memory', () => {
  const limiter = new KeyRateLimiter();
  const limit = { max: 2, windowMs: 10_000 };
  expect(limiter.take('k', limit, 20_000)).toBeUndefined();
  expect(limiter.take('k', limit, 25_000)).toBeUndefined();
  expect(limiter.take('k', limit, 27_500)).toBe(3);
  expect(limiter.take('k', limit, 29_999)).toBe(1);
  expect(limiter.take('k', limit, 30_000)).toBeUndefined();
  for (let i = 0; i < 100_001; i++) limiter.take(`other-${i}`, limit, 30_000);
  // 'k' was the least recently counted and is forgotten: forgetting only ever allows more.
  expect(limiter.take('k', limit, 30_001)).toBeUndefined();
  expect(limiter.take('k', limit, 30_002)).toBeUndefined();
  expect(limiter.take('k', limit, 30_003)).toBe(10);
});

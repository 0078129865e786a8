/**
 * Failed authentications are limited per client address: past the limit, that address's failures answer 429
 * `rate_limited` with Retry-After, while valid keys, from that address or any other, keep working.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { generateKey } from '../../contract/key-format';
import { startTestService, type TestService } from '../../test/helpers/service';
import { installErrorHandler } from './error-handler';

const MAX = 5;
const expectLimited = (res: { status: number; body: any; headers: Record<string, unknown> }) => {
  expect(res.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/too many failed authentications/) } });
  expect(res.status).toBe(429);
  const after = Number(res.headers['retry-after']);
  expect(Number.isInteger(after) && after >= 1 && after <= 60).toBe(true);
};

describe('per client address', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ abuseLimits: { failedAuth: { max: MAX, windowMs: 60_000 } }, app: { trustedProxies: ['10.0.0.1'] } });
  });
  afterAll(() => svc.close());
  const whoami = (remoteAddress: string, key: string | null, headers: Record<string, string> = {}) =>
    svc.request({ method: 'GET', url: '/v1/whoami', key, remoteAddress, headers });

  test('the failures past the limit answer 429 with Retry-After; valid keys are not slowed', async () => {
    const attacker = '198.51.100.9';
    for (let i = 0; i < MAX; i++) expect((await whoami(attacker, generateKey())).status).toBe(401);
    expectLimited(await whoami(attacker, generateKey()));
    expectLimited(await whoami(attacker, null));
    expectLimited(await whoami(attacker, 'kp_malformed'));
    // A valid key is never refused for others' failures: not from another address, nor from the same one
    // (a NAT, a proxy not declared trusted).
    expect((await whoami('192.0.2.1', svc.adminKey)).status).toBe(200);
    expect((await whoami(attacker, svc.adminKey)).status).toBe(200);
    // Another address has its own count.
    expect((await whoami('192.0.2.1', generateKey())).status).toBe(401);
  });

  test('behind a trusted proxy each forwarded client is counted apart', async () => {
    const via = (client: string) => whoami('10.0.0.1', generateKey(), { 'x-forwarded-for': client });
    for (let i = 0; i < MAX; i++) expect((await via('203.0.113.1')).status).toBe(401);
    expectLimited(await via('203.0.113.1'));
    expect((await via('203.0.113.2')).status).toBe(401);
  });

  test('an IPv6 client is counted per /64, so rotating through its own prefix does not help', async () => {
    for (let i = 0; i < MAX; i++) expect((await whoami(`2001:db8:1:2::${i + 1}`, generateKey())).status).toBe(401);
    expectLimited(await whoami('2001:db8:1:2:ffff::9', generateKey()));
    expect((await whoami('2001:db8:1:3::1', generateKey())).status).toBe(401);
  });
});

test("@fastify/rate-limit's own 429 is answered in the error shape, with its Retry-After", async () => {
  const app = Fastify();
  installErrorHandler(app);
  await app.register(rateLimit, { max: 1, timeWindow: 60_000 });
  app.get('/limited', async () => ({ ok: true }));
  await app.ready();
  expect((await app.inject({ url: '/limited' })).statusCode).toBe(200);
  const res = await app.inject({ url: '/limited' });
  expect([res.statusCode, res.json()]).toEqual([429, { error: { code: 'rate_limited', message: 'too many requests; retry later' } }]);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  await app.close();
});

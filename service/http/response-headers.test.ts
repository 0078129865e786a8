/**
 * Headers every answer carries, whatever stage answered it: the request id (which the client reports with an
 * error, and the log records the detail under) on every answer, and `Cache-Control: no-store` on every
 * answer of a /v1 route, refusals by authentication, the body parser, validation and the failed-auth limit included.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ abuseLimits: { failedAuth: { max: 2 } } });
});
afterAll(() => svc.close());

test('every answer has a request id of its own; every /v1 answer may not be cached', async () => {
  const json = { 'content-type': 'application/json' };
  const answers = [
    ['ok', await svc.request({ method: 'GET', url: '/v1/whoami' })],
    ['public', await svc.request({ method: 'GET', url: '/healthz', key: null })],
    ['no route', await svc.request({ method: 'GET', url: '/v1/nowhere' })],
    ['not JSON', await svc.request({ method: 'POST', url: '/v1/keys/verify', body: '{"key":', headers: json })],
    ['not JSON at all', await svc.request({ method: 'POST', url: '/v1/keys/verify', body: 'key=1', headers: { 'content-type': 'text/plain' } })],
    ['invalid', await svc.request({ method: 'POST', url: '/v1/keys/verify', body: { key: 'kp_x' } })],
    ['no key', await svc.request({ method: 'GET', url: '/v1/whoami', key: null, remoteAddress: '192.0.2.7' })],
    ['unknown key', await svc.request({ method: 'GET', url: '/v1/whoami', key: 'kp_nothing', remoteAddress: '192.0.2.7' })],
    ['over the limit', await svc.request({ method: 'GET', url: '/v1/whoami', key: null, remoteAddress: '192.0.2.7' })],
  ] as const;
  expect(answers.map(([what, res]) => [what, res.status])).toEqual([
    ['ok', 200],
    ['public', 200],
    ['no route', 404],
    ['not JSON', 400],
    ['not JSON at all', 415],
    ['invalid', 400],
    ['no key', 401],
    ['unknown key', 401],
    ['over the limit', 429],
  ]);
  const ids = answers.map(([, res]) => res.headers['x-request-id']);
  for (const id of ids) expect(id).toMatch(/^req_[A-Za-z0-9_-]+$/);
  expect(new Set(ids).size).toBe(ids.length);
  for (const [what, res] of answers) {
    if (what === 'public') expect(res.headers['cache-control']).toBeUndefined();
    // A path no route takes is answered by the root's not-found handler, outside /v1's hooks.
    else if (what !== 'no route') expect([what, res.headers['cache-control']]).toEqual([what, 'no-store']);
  }
});

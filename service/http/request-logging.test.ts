/**
 * Which requests get Fastify's per-request lines ("incoming request", "request completed"): every route at
 * info level, except key verification (the hot path), whose lines appear from debug level on. Errors of
 * verification are logged at any level.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { LOG_SAFETY } from './log-safety';
import { startTestService } from '../../test/helpers/service';

async function requestLines(level: string): Promise<Array<{ msg: string; url?: string; reqId: string }>> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const svc = await startTestService({ app: { logger: pino({ level, ...LOG_SAFETY }, stream) } });
  try {
    const verifier = (await svc.call('POST', '/v1/api-keys', { name: 'verifier', scopes: ['keyplane.keys.verify'] })).body.secret as string;
    const subject = (await svc.call('POST', '/v1/api-keys', { name: 'subject' })).body.secret as string;
    lines.length = 0;
    expect((await svc.call('POST', '/v1/keys/verify', { key: subject }, verifier)).body.valid).toBe(true);
    expect((await svc.call('POST', '/v1/keys/verify?x=1', { key: subject }, verifier)).body.valid).toBe(true);
    expect((await svc.call('GET', '/v1/whoami', undefined, verifier)).status).toBe(200);
    // A 500 on verify: its detail is logged whatever the level.
    const verify = svc.ctx.verifier.verify;
    svc.ctx.verifier.verify = async () => {
      throw new Error('lookup exploded');
    };
    try {
      expect((await svc.call('POST', '/v1/keys/verify', { key: subject }, verifier)).status).toBe(500);
    } finally {
      svc.ctx.verifier.verify = verify;
    }
  } finally {
    await svc.close();
  }
  return lines.map((l) => JSON.parse(l)).map((l) => ({ msg: l.msg, url: l.req?.url, reqId: l.reqId }));
}

test('at info level verification writes no request lines, other routes do; its errors are logged', async () => {
  const lines = await requestLines('info');
  expect(lines.filter((l) => l.msg === 'incoming request').map((l) => l.url)).toEqual(['/v1/whoami']);
  expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(1);
  expect(lines.filter((l) => l.msg === 'unexpected error')).toHaveLength(1);
});

test('at debug level verification writes its request lines like every route', async () => {
  const lines = await requestLines('debug');
  expect(lines.filter((l) => l.msg === 'incoming request').map((l) => l.url)).toEqual([
    '/v1/keys/verify',
    '/v1/keys/verify?x=1',
    '/v1/whoami',
    '/v1/keys/verify',
  ]);
  expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(4);
  expect(lines.filter((l) => l.msg === 'unexpected error')).toHaveLength(1);
});

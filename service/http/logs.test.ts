/**
 * No key and no secret value reaches the log, at trace level, on success or failure paths, whether the app
 * is given a pino logger (as the server does) or pino options.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { LOG_SAFETY } from './log-safety';
import { startTestService, type TestService } from '../../test/helpers/service';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

/** Every 10-character window of each secret: a partial leak shows up as well as a whole one. */
function expectAbsent(log: string, secrets: string[]) {
  for (const s of secrets) {
    expect(log.includes(s)).toBe(false);
    for (let i = 0; i + 10 <= s.length; i += 5) expect([s.slice(i, i + 10), log.includes(s.slice(i, i + 10))]).toEqual([s.slice(i, i + 10), false]);
  }
}

/** Creates a key, uses it, verifies it, writes and reads a secret, and fails in every way that carries a key. */
async function fullFlow(svc: TestService): Promise<string[]> {
  const created = (await svc.call('POST', '/v1/api-keys', { name: 'logged', scopes: ['keyplane.keys.verify'] })).body.secret as string;
  const otherKey = (await svc.call('POST', '/v1/api-keys', { name: 'other' })).body;
  const other = otherKey.secret as string;
  await svc.call('GET', '/v1/whoami', undefined, created);
  await svc.call('POST', '/v1/keys/verify', { key: other, client_ip: '192.0.2.1' }, created);
  await svc.call('POST', '/v1/keys/verify', { key: `${other.slice(0, -1)}!` }, created); // 400 on the key
  await svc.request({ method: 'POST', url: '/v1/keys/verify', body: `{"key":"${other}",`, key: created, headers: { 'content-type': 'application/json' } }); // invalid JSON
  await svc.request({ method: 'POST', url: '/v1/keys/verify', body: `key=${other}`, key: created, headers: { 'content-type': 'text/plain' } }); // 415
  await svc.call('GET', '/v1/whoami', undefined, `${created.slice(0, -1)}x`); // 401
  await svc.request({ method: 'GET', url: `/v1/api-keys?name_prefix=${other}` }); // a key pasted into a URL
  const secretId = (await svc.call('POST', '/v1/secrets', { name: 'logged-secret' })).body.id as string;
  const value = 'entry-value-5d1e2b7a9c44f0';
  await svc.call('POST', `/v1/secrets/${secretId}/versions`, { entries: { password: value } });
  await svc.call('POST', `/v1/secrets/${secretId}/versions`, { entries: { password: value, 'bad key': value } }); // 400
  await svc.call('GET', `/v1/secrets/${secretId}/versions/latest`);
  // A 500: an entry value that no longer opens under its own secret, name and version.
  await svc.call('POST', `/v1/secrets/${secretId}/versions`, { entries: { password: `${value}-2` } });
  const v1 = await svc.ctx.store.db
    .selectFrom('secret_entries')
    .select('value_sealed')
    .where('secret_id', '=', secretId)
    .where('set_in_version', '=', 1)
    .executeTakeFirstOrThrow();
  await svc.ctx.store.db
    .updateTable('secret_entries')
    .set({ value_sealed: v1.value_sealed })
    .where('secret_id', '=', secretId)
    .where('set_in_version', '=', 2)
    .execute();
  expect((await svc.call('GET', `/v1/secrets/${secretId}/versions/2`)).status).toBe(500);
  // A rotation with an overlap (both secrets used), then one without (the replaced secret refused).
  const rotated = (await svc.call('POST', `/v1/api-keys/${otherKey.api_key.id}/rotate`, { overlap_seconds: 60 })).body.secret as string;
  await svc.call('GET', '/v1/whoami', undefined, other);
  await svc.call('GET', '/v1/whoami', undefined, rotated);
  const last = (await svc.call('POST', `/v1/api-keys/${otherKey.api_key.id}/rotate`, {})).body.secret as string;
  expect((await svc.call('GET', '/v1/whoami', undefined, rotated)).status).toBe(401);
  await svc.call('POST', '/v1/keys/verify', { key: last }, created);
  return [created, other, svc.adminKey, value, rotated, last];
}

test('a pino logger passed as `logger` at trace level sees the flow but no key or secret', async () => {
  const out = sink();
  const logger = pino({ level: 'trace', ...LOG_SAFETY }, out.stream);
  const svc = await startTestService({ app: { logger } });
  try {
    const secrets = await fullFlow(svc);
    const log = out.text();
    expect(log).toContain('incoming request'); // the scan sees the log
    expect(log).toContain('unexpected error'); // and the 500's detail
    expectAbsent(log, secrets);
  } finally {
    await svc.close();
  }
});

test('pino options get LOG_SAFETY, even with a serializer that prints headers and bodies', async () => {
  const out = sink();
  const svc = await startTestService({
    app: {
      logger: {
        level: 'trace',
        stream: out.stream,
        serializers: {
          req: (req: { method: string; url: string; headers: unknown; body?: unknown }) => ({
            method: req.method,
            url: req.url,
            headers: req.headers,
            body: req.body,
          }),
        },
      },
    },
  });
  try {
    const secrets = await fullFlow(svc);
    const log = out.text();
    expect(log).toContain('[redacted]'); // the authorization header was there to redact
    expect(log).toContain('"url":"/v1/whoami"');
    expectAbsent(log, secrets);
  } finally {
    await svc.close();
  }
});

test('a key placed in a URL, in its path or its query, is not logged at info level, whole or in part', async () => {
  const out = sink();
  const logger = pino({ level: 'info', ...LOG_SAFETY }, out.stream);
  const svc = await startTestService({ app: { logger } });
  try {
    const key = (await svc.call('POST', '/v1/api-keys', { name: 'in-a-url' })).body.secret as string;
    await svc.request({ method: 'GET', url: `/v1/api-keys?name_prefix=${key}` });
    await svc.request({ method: 'GET', url: `/v1/api-keys/${key}` });
    await svc.request({ method: 'GET', url: `/v1/whoami?api_key=${key}`, key: null });
    await svc.request({ method: 'GET', url: `/v1/nowhere/${key.slice(0, -2)}` }); // truncated, on a 404 route
    const log = out.text();
    expect(log).toContain('"url":"/v1/api-keys?name_prefix='); // the requests were logged
    expectAbsent(log, [key]);
  } finally {
    await svc.close();
  }
});

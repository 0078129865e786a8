import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { LOG_SAFETY } from './log-safety';
import { ERROR_CODES } from '../errors';
import { startTestService, type TestService } from '../../test/helpers/service';

describe('OpenAPI document', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc.close());

  test('is served without auth and lists every route', async () => {
    const res = await svc.call('GET', '/v1/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    const routes = Object.entries(res.body.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.sort()).toEqual(
      [
        'GET /v1/api-keys',
        'POST /v1/api-keys',
        'GET /v1/api-keys/{id}',
        'PATCH /v1/api-keys/{id}',
        'DELETE /v1/api-keys/{id}',
        'POST /v1/api-keys/{id}/revoke',
        'POST /v1/api-keys/{id}/rotate',
        'POST /v1/keys/verify',
        'GET /v1/whoami',
        'GET /v1/service-accounts',
        'POST /v1/service-accounts',
        'GET /v1/service-accounts/{id}',
        'PATCH /v1/service-accounts/{id}',
        'DELETE /v1/service-accounts/{id}',
        'GET /v1/users',
        'POST /v1/users',
        'GET /v1/users/{id}',
        'PATCH /v1/users/{id}',
        'DELETE /v1/users/{id}',
        'GET /v1/ip-allow-lists',
        'POST /v1/ip-allow-lists',
        'GET /v1/ip-allow-lists/{id}',
        'PATCH /v1/ip-allow-lists/{id}',
        'DELETE /v1/ip-allow-lists/{id}',
        'GET /v1/scopes',
        'POST /v1/scopes',
        'DELETE /v1/scopes/{name}',
        'GET /v1/secrets',
        'POST /v1/secrets',
        'GET /v1/secrets/{id}',
        'PATCH /v1/secrets/{id}',
        'DELETE /v1/secrets/{id}',
        'GET /v1/secrets/{id}/versions',
        'POST /v1/secrets/{id}/versions',
        'GET /v1/secrets/{id}/versions/latest',
        'GET /v1/secrets/{id}/versions/{version}',
        'POST /v1/secrets/{id}/versions/{version}/destroy',
        'GET /v1/audit-events',
        'POST /v1/console/sessions',
        'GET /v1/console/session',
        'DELETE /v1/console/session',
        'POST /v1/console/sign-in-links',
      ].sort(),
    );
  });

  test('pins the fields marked as secrets (x-keyplane-secret)', async () => {
    const doc = (await svc.call('GET', '/v1/openapi.json', undefined, null)).body;
    const marked: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      if ((node as Record<string, unknown>)['x-keyplane-secret'] === true) marked.push(path);
      for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    };
    walk(doc.paths, '');
    const summary = [
      ...new Set(
        marked.map((p) =>
          p
            .replace(/^\/\//, '/')
            .replace(/\/content\/application~1json|\/content\/application\/json/, '')
            .replace(/\/(requestBody|responses\/\d+)\/schema/, ' $1 ')
            .replace(/\/properties\//g, '.')
            .replace(/\/(additionalProperties|anyOf\/\d+)/g, ''),
        ),
      ),
    ].sort();
    expect(summary).toEqual(
      [
        '/v1/api-keys/post responses/201 .secret',
        '/v1/api-keys/{id}/rotate/post responses/200 .secret',
        '/v1/keys/verify/post requestBody .key',
        '/v1/console/sessions/post requestBody .api_key',
        '/v1/console/sessions/post requestBody .sign_in_token',
        '/v1/secrets/{id}/versions/post requestBody .entries',
        '/v1/secrets/{id}/versions/latest/get responses/200 .entries',
        '/v1/secrets/{id}/versions/{version}/get responses/200 .entries',
      ].sort(),
    );
  });
});

test('every error code is documented in docs/api/errors.md with its status', () => {
  const doc = readFileSync(join(__dirname, '../../docs/api/errors.md'), 'utf8');
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    const section = doc.split(`\n## ${code}\n`)[1];
    expect([code, section !== undefined]).toEqual([code, true]);
    expect(section!.trimStart().startsWith(`HTTP ${status}.`)).toBe(true);
  }
});

test('no key or secret value reaches the log at trace level', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'trace', ...LOG_SAFETY }, sink);
  const svc = await startTestService({ app: { loggerInstance: logger } });
  try {
    const created = (await svc.call('POST', '/v1/api-keys', { name: 'logged', scopes: ['keyplane.keys.verify'] })).body.secret as string;
    await svc.call('GET', '/v1/whoami', undefined, created);
    await svc.call('POST', '/v1/keys/verify', { key: created }, created);
    await svc.call('POST', `/v1/api-keys/nope/revoke`, {}, created);
    const secret = (await svc.call('POST', '/v1/secrets', { name: 's' })).body.id;
    const value = 'entry-value-5d1e2b7a9c';
    await svc.call('POST', `/v1/secrets/${secret}/versions`, { entries: { v: value } });
    await svc.call('GET', `/v1/secrets/${secret}/versions/latest`);
    await svc.call('GET', '/v1/whoami', undefined, `${created.slice(0, -1)}x`);
    const log = lines.join('');
    expect(log).toContain('incoming request'); // the scan sees the log
    for (const s of [created, svc.adminKey, value]) {
      expect(log).not.toContain(s);
      for (let i = 0; i + 12 <= s.length; i += 6) expect(log).not.toContain(s.slice(i, i + 12));
    }
  } finally {
    await svc.close();
  }
});

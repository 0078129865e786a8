/**
 * The OpenAPI document as a contract: every request body refuses unknown fields, every operation declares its
 * success and error responses, no schema mentions a hash, the secret fields are marked at the exact places
 * pinned here, and docs/api/README.md lists exactly the routes the document has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let doc: any;
beforeAll(async () => {
  svc = await startTestService();
  doc = (await svc.call('GET', '/v1/openapi.json', undefined, null)).body;
});
afterAll(() => svc.close());

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
  );

test('is served without a key, as JSON, with the same content every time', async () => {
  const res = await svc.request({ method: 'GET', url: '/v1/openapi.json', key: null });
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(res.body).toEqual(doc);
  expect(doc.info.title).toBe('Keyplane API');
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
});

test('every request body refuses unknown fields; records (labels, entries) say which keys they take', () => {
  const open: string[] = [];
  const walk = (node: any, at: string) => {
    if (!node || typeof node !== 'object') return;
    // OpenAPI 3.0 has no patternProperties, so @fastify/swagger writes a record as a map of values
    // (additionalProperties: schema); the key pattern, enforced by the validator, must be in its description.
    const isRecord = typeof node.additionalProperties === 'object' && /keys are/.test(String(node.description));
    if (node.type === 'object' && node.additionalProperties !== false && !isRecord) open.push(at);
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
  };
  for (const { route, op } of operations()) if (op.requestBody) walk(op.requestBody.content['application/json'].schema, route);
  expect(open).toEqual([]);
});

test('every operation has a summary, a tag, a success response with a schema, and the error responses', () => {
  for (const { route, op } of operations()) {
    expect([route, typeof op.summary, op.tags?.length]).toEqual([route, 'string', 1]);
    const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
    expect([route, success.length]).toEqual([route, 1]);
    if (success[0] !== '204') expect([route, op.responses[success[0]!].content?.['application/json']?.schema?.type]).toEqual([route, 'object']);
    for (const status of ['400', '401', '403', '404']) expect([route, status, !!op.responses[status]]).toEqual([route, status, true]);
  }
});

test('authenticated answers, errors included, may not be cached; the document may', async () => {
  const created = await svc.request({ method: 'POST', url: '/v1/api-keys', body: { name: 'cache' } });
  expect(created.headers['cache-control']).toBe('no-store');
  expect((await svc.request({ method: 'GET', url: '/v1/whoami', key: null })).headers['cache-control']).toBe('no-store');
  expect((await svc.request({ method: 'GET', url: '/v1/openapi.json', key: null })).headers['cache-control']).toBeUndefined();
});

test('only the revoke and rotate bodies are optional', () => {
  const optional = operations()
    .filter(({ op }) => op.requestBody && op.requestBody.required !== true)
    .map(({ route }) => route);
  expect(optional.sort()).toEqual(['POST /v1/api-keys/{id}/revoke', 'POST /v1/api-keys/{id}/rotate']);
  expect(JSON.stringify(doc)).not.toContain('x-keyplane-optional-body');
});

test('no schema has a field about hashes', () => {
  expect(JSON.stringify(doc)).not.toMatch(/hash/i);
});

test('the secret marker sits on exactly these schema locations', () => {
  const marked: string[] = [];
  const walk = (node: any, at: string) => {
    if (!node || typeof node !== 'object') return;
    if (node['x-keyplane-secret'] === true) marked.push(at);
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
  };
  walk(doc, '#');
  expect(marked.sort()).toEqual(
    [
      '#/paths/~1v1~1api-keys/post/responses/201/content/application~1json/schema/properties/secret',
      '#/paths/~1v1~1api-keys~1{id}~1rotate/post/responses/200/content/application~1json/schema/properties/secret',
      '#/paths/~1v1~1keys~1verify/post/requestBody/content/application~1json/schema/properties/key',
      '#/paths/~1v1~1console~1sessions/post/requestBody/content/application~1json/schema/properties/api_key',
      '#/paths/~1v1~1console~1sessions/post/requestBody/content/application~1json/schema/properties/sign_in_token',
      '#/paths/~1v1~1secrets~1{id}~1versions/post/requestBody/content/application~1json/schema/properties/entries/additionalProperties',
      '#/paths/~1v1~1secrets~1{id}~1versions~1latest/get/responses/200/content/application~1json/schema/properties/entries/additionalProperties',
      '#/paths/~1v1~1secrets~1{id}~1versions~1{version}/get/responses/200/content/application~1json/schema/properties/entries/additionalProperties',
    ]
      .map((p) => p.replace(/~1/g, '/'))
      .sort(),
  );
});

test('docs/api/README.md lists exactly the routes of the document', () => {
  const readme = readFileSync(join(__dirname, '../../docs/api/README.md'), 'utf8');
  const documented = new Set<string>();
  for (const m of readme.matchAll(/`((?:GET|POST|PATCH|PUT|DELETE)(?:\/(?:GET|POST|PATCH|PUT|DELETE))*) (\/v1\/[^`\s]*)`/g)) {
    for (const method of m[1]!.split('/')) documented.add(`${method} ${m[2]}`);
  }
  documented.delete('GET /v1/openapi.json');
  expect([...documented].sort()).toEqual(
    operations()
      .map((o) => o.route)
      .sort(),
  );
});

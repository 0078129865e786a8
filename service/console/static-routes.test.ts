/** The console's files as the service answers them: content types, the security headers, revalidation, and nothing else served. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let unbuilt: TestService;
const assets = mkdtempSync(join(tmpdir(), 'keyplane-console-assets-'));
beforeAll(async () => {
  writeFileSync(join(assets, 'index.html'), '<!doctype html><title>Keyplane console</title>');
  writeFileSync(join(assets, 'console.js'), 'void 0;');
  writeFileSync(join(assets, 'console.css'), 'body{}');
  writeFileSync(join(assets, 'console.js.map'), '{}');
  mkdirSync(join(assets, 'sub'));
  svc = await startTestService({ app: { consoleAssetsDir: assets } });
  unbuilt = await startTestService({ app: { consoleAssetsDir: join(assets, 'nowhere') } });
});
afterAll(async () => {
  await svc.close();
  await unbuilt.close();
  rmSync(assets, { recursive: true, force: true });
});

const get = (s: TestService, url: string, headers: Record<string, string> = {}) => s.app.inject({ method: 'GET', url, headers });

test.each([
  ['/', 'text/html; charset=utf-8', '<!doctype html>'],
  ['/console/console.js', 'text/javascript; charset=utf-8', 'void 0;'],
  ['/console/console.css', 'text/css; charset=utf-8', 'body{}'],
])('%s is served as %s with a strict CSP and no framing', async (url, type, body) => {
  const res = await get(svc, url);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(type);
  expect(res.body.startsWith(body)).toBe(true);
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-cache');
  const again = await get(svc, url, { 'if-none-match': String(res.headers.etag) });
  expect(again.statusCode).toBe(304);
});

test.each(['/console/console.js.map', '/console/index.html', '/console/sub', '/console/..%2f..%2fpackage.json', '/console/%2e%2e/package.json'])(
  '%s is not served',
  async (url) => {
    const res = await get(svc, url);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('"name"');
  },
);

test('a service built without the console says so at /', async () => {
  const res = await get(unbuilt, '/');
  expect(res.statusCode).toBe(404);
  expect(res.body).toMatch(/web console was not built/);
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
});

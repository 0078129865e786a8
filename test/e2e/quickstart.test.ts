/**
 * scripts/quickstart.sh, the README's main job: it must issue, verify, revoke and reject a key, say so on
 * stdout, stop its service, run again, and move off port 7420 when it is taken. quickstart-clean.sh must stop
 * a leftover service and remove the data dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { CLI, freePort, keyplane, ROOT } from '../helpers/cli';

const DATA = join(ROOT, '.keyplane/quickstart');
const run = (script: string) => spawnSync('bash', [join('scripts', script)], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, KEYPLANE_ENDPOINT: 'http://127.0.0.1:9', KEYPLANE_API_KEY: 'kp_not_a_key' } });

/** Index of the first match of `pattern` in `text` at or after `from`, or -1. */
function indexAfter(text: string, pattern: RegExp, from: number): number {
  const m = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  m.lastIndex = from;
  const found = m.exec(text);
  return found ? found.index : -1;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });

function expectTheStory(out: string): void {
  // In order: the key verifies as valid, is revoked, verifies as revoked, and the API answers 401.
  const valid = indexAfter(out, /^valid\s+true$/m, 0);
  const revokedStatus = indexAfter(out, /^status\s+revoked$/m, valid);
  const invalid = indexAfter(out, /^valid\s+false$/m, revokedStatus);
  const reason = indexAfter(out, /^reason\s+revoked$/m, invalid);
  const refused = indexAfter(out, /^error: the API key has been revoked \[401 unauthenticated\]$/m, reason);
  expect([valid, revokedStatus, invalid, reason, refused].every((i) => i >= 0)).toBe(true);
  expect(out).toMatch(/^==> Summary$/m);
  expect(out).toMatch(/^ {2}API key +key_\w+: verified valid, revoked, then verified as revoked and refused with 401$/m);
}

test('the quickstart tells the whole story, stops its service, and runs again on another port when 7420 is taken', async () => {
  const first = run('quickstart.sh');
  expect({ status: first.status, stderr: first.stderr.slice(-3000) }).toEqual({ status: 0, stderr: expect.any(String) });
  expectTheStory(first.stdout);
  const port = Number(/service in the background on http:\/\/127\.0\.0\.1:(\d+)/.exec(first.stdout)?.[1]);
  expect(port).toBeGreaterThan(0);
  expect(existsSync(join(DATA, 'server.pid'))).toBe(false);
  expect(await listening(port)).toBe(false);
  expect(statSync(join(DATA, 'ci.key')).mode & 0o777).toBe(0o600);
  expect(statSync(join(DATA, 'admin.key')).mode & 0o777).toBe(0o600);
  // The key's secret went only to its file.
  expect(first.stdout + first.stderr).not.toContain(readFileSync(join(DATA, 'ci.key'), 'utf8').trim());

  // Again, with 7420 occupied (when nothing else already holds it).
  let blocker: Server | undefined;
  if (!(await listening(7420))) {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(7420, '127.0.0.1', resolve));
  }
  try {
    const second = run('quickstart.sh');
    expect({ status: second.status, stderr: second.stderr.slice(-3000) }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(second.stdout).toMatch(/^port 7420 is taken; using \d+$/m);
    expectTheStory(second.stdout);
  } finally {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  }
}, 90_000);

test('quickstart-clean stops a leftover service by its pid file and removes the data dir', async () => {
  const clean = run('quickstart-clean.sh');
  expect(clean.status).toBe(0);
  mkdirSync(DATA, { recursive: true });
  expect(keyplane(['server', 'init', '--data', DATA, '--key-file', join(DATA, 'admin.key')]).status).toBe(0);
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', '.keyplane/quickstart', '--listen', `127.0.0.1:${port}`, '--log-level', 'silent'], { cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  writeFileSync(join(DATA, 'server.pid'), `${child.pid}\n`);
  for (let i = 0; !(await listening(port)); i++) {
    if (i > 150) throw new Error('the leftover service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const c = spawn('bash', ['scripts/quickstart-clean.sh'], { cwd: ROOT });
    let stdout = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.on('close', (status) => resolve({ status, stdout }));
  });
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(new RegExp(`^stopping the quickstart service \\(pid ${child.pid}\\)$`, 'm'));
  expect(await exited).toBe(0);
  expect(existsSync(DATA)).toBe(false);
}, 60_000);

/**
 * Output to a reader that went away: `keyplane … | head -1` ends quietly with exit 0, for every kind of
 * command, as git and gh do (cli/output.ts), except when what is lost cannot be asked for again (a new key's
 * secret): then it fails, naming the key. The built CLI writes into a real pipe that is closed early.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, type CliService, keyplane, startCliService } from '../helpers/cli';

let svc: CliService;
beforeAll(async () => {
  svc = await startCliService();
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

/** Runs `keyplane ARGS` with its stdout a pipe whose reading end this process closes at once. */
function withStdoutClosed(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...svc.env } });
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

test.each([
  [['audit', 'list', '--all']],
  [['api-key', 'list']],
  [['api-key', 'list', '-o', 'wide']],
  [['api-key', 'list', '-o', 'json']],
  [['scopes', 'list', '-o', 'yaml']],
  [['whoami']],
  [['--help']],
])('keyplane %j into a closed pipe exits 0 and prints nothing on stderr', async (args) => {
  expect(await withStdoutClosed(args)).toEqual({ status: 0, signal: null, stderr: '' });
});

test('keyplane audit list --all | head -1: the first line, then a quiet exit 0', async () => {
  // Enough events that the table is far larger than a pipe's buffer, so most of it is written after head exits.
  for (let i = 0; i < 40; i++)
    await Promise.all(
      Array.from({ length: 15 }, async (_, j) => {
        const res = await fetch(`${svc.endpoint}/v1/scopes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${svc.adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `pipe.s${i}x${j}`, description: 'a scope that fills the audit log' }),
        });
        expect(res.status).toBe(201);
      }),
    );
  expect(keyplane(['audit', 'list', '--all', '-o', 'json'], svc.env).stdout.length).toBeGreaterThan(200_000);
  const res = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} audit list --all | head -1; echo "status \${PIPESTATUS[0]}" >&2`], {
    encoding: 'utf8',
    env: { ...process.env, ...svc.env },
    timeout: 30_000,
  });
  expect(res.stdout).toMatch(/^TIME\s+ACTION\s+OUTCOME/);
  expect(res.stdout.split('\n')).toHaveLength(2);
  expect(res.stderr).toBe('status 0\n');
});

describe('a new secret that cannot reach the reader is a failure, not a quiet exit', () => {
  test.each([[[]], [['-o', 'json']], [['-o', 'yaml']]])('api-key create %j into a closed pipe exits 1 naming the key and the way back', async (format) => {
    const name = `pipe-lost-${format.join('') || 'table'}`;
    const res = await withStdoutClosed(['api-key', 'create', '--name', name, ...format]);
    expect(res.status).toBe(1);
    const listed = JSON.parse(keyplane(['api-key', 'list', '-o', 'json'], svc.env).stdout) as { id: string; name: string }[];
    const made = listed.find((k) => k.name === name);
    expect(made).toBeDefined();
    expect(res.stderr).toContain(`key ${made!.id} was created, and its secret was not delivered; rotate it (keyplane api-key rotate ${made!.id}) or delete it`);
    expect(res.stderr).not.toMatch(/EPIPE|at \S+ \(/);
  });

  test('api-key rotate into a closed pipe exits 1 too', async () => {
    const made = JSON.parse(keyplane(['api-key', 'create', '--name', 'pipe-rotate', '-o', 'json'], svc.env).stdout) as { api_key: { id: string } };
    const res = await withStdoutClosed(['api-key', 'rotate', made.api_key.id]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`key ${made.api_key.id} was rotated, and its secret was not delivered`);
  });

  test('with --secret-file the secret is safe in the file, so a closed pipe still ends quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-pipe-'));
    try {
      const file = join(dir, 'secret');
      expect(await withStdoutClosed(['api-key', 'create', '--name', 'pipe-file', '--secret-file', file, '-o', 'json'])).toMatchObject({ status: 0 });
      expect(readFileSync(file, 'utf8').trim()).toMatch(/^\S{20,}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

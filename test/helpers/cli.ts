/**
 * Runs the built `keyplane` CLI (dist/cli/main.js, made by `npm run build`, which `npm test` runs first) and
 * starts a real service with it in a temp dir.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function keyplane(args: string[], env: Record<string, string | undefined> = {}): CliResult {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, KEYPLANE_ENDPOINT: undefined, KEYPLANE_API_KEY: undefined, ...env } as NodeJS.ProcessEnv });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CliService {
  dir: string;
  endpoint: string;
  adminKey: string;
  env: Record<string, string>;
  process: ChildProcess;
  log(): string;
  stop(): Promise<number | null>;
}

/** `keyplane server init` then `keyplane server start` in the background, ready when /healthz answers. */
export async function startCliService(extraStartArgs: string[] = []): Promise<CliService> {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-cli-'));
  const init = keyplane(['server', 'init', '--data', dir, '--key-file', join(dir, 'admin.key')]);
  if (init.status !== 0) throw new Error(`server init failed: ${init.stderr}`);
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', dir, '--listen', `127.0.0.1:${port}`, ...extraStartArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/healthz`)).ok) break;
    } catch {
      if (i > 100) throw new Error(`server did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const adminKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
  return {
    dir,
    endpoint,
    adminKey,
    env: { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: adminKey },
    process: child,
    log: () => log,
    async stop() {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

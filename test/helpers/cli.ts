/**
 * Runs the built `keyplane` CLI (dist/cli/main.js, made by `npm run build`, which `npm test` runs first) and
 * starts a real service with it in a temp dir: `keyplane server init`, then `keyplane server start` on a free
 * port, ready once /healthz answers.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { built } from './build';
import { ROOT } from './root';
import { selfSignedCertificate } from './self-signed';

export { ROOT };
export const CLI = join(ROOT, 'dist/cli/main.js');

/** The built CLI, checked for: only the e2e project runs it, and only as built from the current sources. */
function builtCli(): void {
  built('dist/cli/main.js');
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `keyplane ARGS` to completion. The caller's KEYPLANE_* variables are removed first, so only `env`
 * decides what the CLI sees; `input` is its stdin.
 */
export function keyplane(args: string[], env: Record<string, string | undefined> = {}, options: { input?: string; cwd?: string } = {}): CliResult {
  builtCli();
  const res = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    input: options.input,
    cwd: options.cwd,
    timeout: 30_000,
    env: { ...process.env, KEYPLANE_ENDPOINT: undefined, KEYPLANE_API_KEY: undefined, ...env } as NodeJS.ProcessEnv,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Like `keyplane`, without blocking this process: needed when the service the CLI talks to runs inside the
 * test process itself (spawnSync would freeze it).
 */
export function keyplaneAsync(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { input?: string; nodeArgs?: string[] } = {},
): Promise<CliResult> {
  builtCli();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, KEYPLANE_ENDPOINT: undefined, KEYPLANE_API_KEY: undefined, ...env } as NodeJS.ProcessEnv,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** GET /healthz over HTTPS trusting `ca` (fetch cannot be given a CA). */
function healthyOverTls(endpoint: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) =>
    https
      .get(`${endpoint}/healthz`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false)),
  );
}

export interface CliService {
  dir: string;
  endpoint: string;
  adminKey: string;
  /** KEYPLANE_ENDPOINT and KEYPLANE_API_KEY for the bootstrap admin. */
  env: Record<string, string>;
  process: ChildProcess;
  log(): string;
  /** Sends `signal` (SIGTERM by default), waits for the exit, removes the temp dir; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `keyplane server init` then `keyplane server start` in the background, ready when /healthz answers. With
 * `tls`, it serves HTTPS with a self-signed certificate for localhost (test/helpers/self-signed.ts), and
 * `endpoint` is https://localhost:PORT.
 */
export async function startCliService(extraStartArgs: string[] = [], options: { tls?: boolean } = {}): Promise<CliService> {
  builtCli();
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-cli-'));
  const tls = options.tls ? selfSignedCertificate(dir) : undefined;
  if (tls) extraStartArgs = [...extraStartArgs, '--tls-cert', tls.cert, '--tls-key', tls.key];
  const init = keyplane(['server', 'init', '--data', dir, '--key-file', join(dir, 'admin.key')]);
  if (init.status !== 0) throw new Error(`server init failed: ${init.stderr}`);
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', dir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...extraStartArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  const ca = tls ? readFileSync(tls.cert) : undefined;
  for (let i = 0; ; i++) {
    try {
      if (ca ? await healthyOverTls(endpoint, ca) : (await fetch(`${endpoint}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 150) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const adminKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
  return {
    dir,
    endpoint,
    adminKey,
    env: { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: adminKey },
    process: child,
    log: () => log,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** A well-formed key with one character changed: its checksum no longer matches. */
export function mistype(key: string): string {
  const i = 10;
  return key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
}

/** The value of `field` in the CLI's table output of one object (`field  value` lines). */
export function tableField(stdout: string, field: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m && m[1] === field) return m[2];
  }
  return undefined;
}

/**
 * A throwaway Keyplane service for the screenshots, started with the built CLI exactly as a user starts one
 * (`keyplane server init`, then `keyplane server start` on a port the service picks), in a temporary data dir
 * removed at the end.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScreenshotService {
  endpoint: string;
  adminKey: string;
  stop(): Promise<void>;
}

export async function startService(cli: string, admin: { email: string; name: string }): Promise<ScreenshotService> {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-screenshots-'));
  const keyFile = join(dir, 'admin.key');
  const init = spawnSync(
    process.execPath,
    [cli, 'server', 'init', '--data', dir, '--key-file', keyFile, '--admin-email', admin.email, '--admin-name', admin.name],
    {
      encoding: 'utf8',
    },
  );
  if (init.status !== 0) throw new Error(`keyplane server init failed: ${init.stderr}`);
  const child = spawn(process.execPath, [cli, 'server', 'start', '--data', dir, '--listen', '127.0.0.1:0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The service names its address on stderr once it listens: "keyplane service listening on http://…".
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`keyplane server start exited (${code}): ${err}`)));
  });
  return {
    endpoint,
    adminKey: readFileSync(keyFile, 'utf8').trim(),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

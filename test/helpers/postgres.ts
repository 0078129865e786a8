/**
 * A real PostgreSQL server per test file, in a temp dir, on a free loopback port. initdb refuses to run as
 * root, so when the tests run as root the server runs as the `postgres` (or `nobody`) user.
 * Missing server binaries fail the run in CI (CI=true) and skip loudly elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

function findBinDir(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return join(execFileSync('readlink', ['-f', onPath], { encoding: 'utf8' }).trim(), '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
}

export const POSTGRES_BIN = findBinDir();

/** `describe` when PostgreSQL can run here; otherwise a loud skip, or a failure in CI. */
export function describePostgres(name: string, fn: () => void): void {
  if (POSTGRES_BIN) return describe(name, fn);
  if (process.env.CI) {
    describe(name, () => {
      test('PostgreSQL server binaries are installed', () => {
        throw new Error('PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found; CI must run the PostgreSQL tests. Install the Debian package postgresql.');
      });
    });
    return;
  }
  console.warn(`\n!!! PostgreSQL server binaries not found: SKIPPING "${name}". Install the postgresql package to run them. !!!\n`);
  describe.skip(name, fn);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function runAs(): { user?: string; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  for (const user of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    if (id.status === 0) {
      const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
      return { user, uid: Number(id.stdout.trim()), gid };
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export async function startPostgres(): Promise<PostgresServer> {
  if (!POSTGRES_BIN) throw new Error('PostgreSQL server binaries not found');
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-pg-'));
  const data = join(dir, 'data');
  const as = runAs();
  if (as.uid !== undefined) {
    chownSync(dir, as.uid, as.gid!);
    chmodSync(dir, 0o700);
  }
  const run = (bin: string, args: string[]) => {
    const cmd = join(POSTGRES_BIN!, bin);
    const res = as.user ? spawnSync('runuser', ['-u', as.user, '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${res.stderr || res.stdout}`);
    return res.stdout;
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'keyplane', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'keyplane', 'keyplane']);
  return {
    url: `postgres://keyplane@127.0.0.1:${port}/keyplane`,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

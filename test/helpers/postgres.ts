/**
 * A real PostgreSQL server per test file, in a temp dir, on a free loopback port, with trust auth and one
 * database. initdb refuses to run as root, so when the tests run as root the server runs as the `postgres`
 * (or else `nobody`) user through `runuser`, in a temp dir chowned to that user.
 *
 * Missing server binaries fail the run in CI (CI set) and skip loudly elsewhere: use `describePostgres` in
 * place of `describe`, and `describeSqlite` for the SQLite half of a file that tests both stores (the halves
 * run in different Jest projects: jest.config.js, which finds the PostgreSQL files by the name
 * `describePostgres(`). The binaries are looked for on PATH, then in /usr/lib/postgresql/<newest>/bin;
 * KEYPLANE_TEST_POSTGRES_BIN overrides (`none`: act as if missing).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { Client } from 'pg';
import { testProject } from './project';

export interface PostgresServer {
  /** postgres://keyplane@127.0.0.1:PORT/keyplane */
  url: string;
  port: number;
  /** The temp dir: data directory, server log and unix socket. */
  dir: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** Restarts it on the same port and data, as an operator's restart does (a fast shutdown cuts every connection). */
  restart(): void;
}

const BINARIES = ['initdb', 'pg_ctl', 'postgres'];

function hasServerBinaries(dir: string): boolean {
  return BINARIES.every((b) => existsSync(join(dir, b)));
}

function findBinDir(): string | undefined {
  // KEYPLANE_TEST_POSTGRES_BIN names the bin dir; set to `none` it simulates a machine without PostgreSQL.
  const forced = process.env.KEYPLANE_TEST_POSTGRES_BIN;
  if (forced !== undefined) return forced !== 'none' && hasServerBinaries(forced) ? forced : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const initdb = join(dir, 'initdb');
    if (!existsSync(initdb)) continue;
    // /usr/local/bin/initdb is often a symlink into the versioned bin dir that holds the rest.
    for (const candidate of [dirname(realpathSync(initdb)), dir]) if (hasServerBinaries(candidate)) return candidate;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find(hasServerBinaries);
}

/** The directory holding initdb, pg_ctl and postgres, or undefined when PostgreSQL is not installed. */
export const POSTGRES_BIN = findBinDir();

export const MISSING_MESSAGE = 'PostgreSQL server binaries not found: SKIPPING PostgreSQL tests';

/**
 * `describe` when PostgreSQL can run here. Without it: in CI (CI set) this throws, so the test file fails;
 * elsewhere it prints a loud warning and skips.
 */
export function describePostgres(name: string, fn: () => void): void {
  // The postgres project runs these (jest.config.js); the unit project runs only the file's SQLite half.
  if (testProject() === 'unit') return;
  if (POSTGRES_BIN) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    throw new Error(
      `PostgreSQL server binaries (${BINARIES.join(', ')}) were not found on PATH or in /usr/lib/postgresql/*/bin; CI must run the PostgreSQL tests ("${name}"). Install the postgresql server package.`,
    );
  }
  console.warn(`\n!!!!!!!!\n!!! ${MISSING_MESSAGE} ("${name}"). Install the postgresql server package to run them.\n!!!!!!!!\n`);
  describe.skip(name, fn);
}

/**
 * `describe` for the SQLite half of a file that also calls describePostgres: the unit project runs it, the
 * postgres project (which runs the PostgreSQL half) leaves it out, so no test runs twice.
 */
export function describeSqlite(name: string, fn: () => void): void {
  if (testProject() === 'postgres') return;
  describe(name, fn);
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

interface RunAs {
  user?: string;
  uid?: number;
  gid?: number;
}

function runAs(): RunAs {
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

/** Servers this process started and has not stopped: stopped at exit, so an aborted run leaves none behind. */
const running = new Set<() => void>();
let exitHookInstalled = false;

export async function startPostgres(): Promise<PostgresServer> {
  if (!POSTGRES_BIN) {
    throw new Error(process.env.CI ? 'PostgreSQL server binaries not found; CI must run the PostgreSQL tests' : MISSING_MESSAGE);
  }
  const bin = POSTGRES_BIN;
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-pg-'));
  const data = join(dir, 'data');
  const as = runAs();
  if (as.uid !== undefined) {
    chownSync(dir, as.uid, as.gid!);
    chmodSync(dir, 0o700);
  }
  const run = (name: string, args: string[], check = true) => {
    const cmd = join(bin, name);
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    const res = as.user
      ? spawnSync('runuser', ['-u', as.user, '--', cmd, ...args], { encoding: 'utf8', env, cwd: dir })
      : spawnSync(cmd, args, { encoding: 'utf8', env, cwd: dir });
    if (check && res.status !== 0) throw new Error(`${name} ${args.join(' ')} failed (${res.status}): ${res.stderr || res.stdout}`);
    return res;
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'keyplane', '--no-sync', '-E', 'UTF8', '--locale=C']);
    let port = 0;
    // The free port may be taken by another test file's server before ours binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const opts = `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
      const started = run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], false);
      if (started.status === 0) break;
      if (attempt >= 3) throw new Error(`pg_ctl start failed: ${started.stderr || started.stdout}`);
    }
    const stopNow = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], false);
    running.add(stopNow);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const stop of running) stop();
      });
    }
    // With the driver rather than createdb, which not every installation puts beside initdb.
    const client = new Client({ host: '127.0.0.1', port, user: 'keyplane', database: 'postgres' });
    await client.connect();
    try {
      await client.query('CREATE DATABASE keyplane');
    } finally {
      await client.end();
    }
    return {
      url: `postgres://keyplane@127.0.0.1:${port}/keyplane`,
      port,
      dir,
      restart() {
        run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-m', 'fast', '-w', '-t', '60', 'restart']);
      },
      async stop() {
        running.delete(stopNow);
        try {
          run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'], false);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

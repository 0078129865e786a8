/**
 * The data-dir lock across real processes (each a bundle of this module, as the CLI runs it) and within one:
 * one holder at a time, the holder's pid in the refusal, nothing left to block the next start after a
 * SIGKILL, and exactly one winner among processes started at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { DataDirInUseError, LOCK_FILE, lockDataDir, PID_FILE } from './data-dir-lock';

let work: string;
let holderScript: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyplane-lock-'));
  const entry = join(work, 'holder.ts');
  // Locks the dir in argv[2], says `locked` or `refused <pid>` on one line, and holds what it got until killed.
  writeFileSync(
    entry,
    `import { DataDirInUseError, lockDataDir } from ${JSON.stringify(join(__dirname, 'data-dir-lock'))};
lockDataDir(process.argv[2]!).then(
  () => process.stdout.write('locked\\n'),
  (err) => process.stdout.write(err instanceof DataDirInUseError ? \`refused \${err.pid}\\n\` : \`failed \${err.message}\\n\`),
);
setInterval(() => undefined, 60_000);
`,
  );
  holderScript = join(work, 'holder.js');
  buildSync({ entryPoints: [entry], outfile: holderScript, bundle: true, platform: 'node', target: 'node20', external: ['better-sqlite3'], logLevel: 'error' });
});

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function newDir(): string {
  return mkdtempSync(join(work, 'data-'));
}

/** Starts a holder process on `dir`; resolves with it and its one line of outcome. */
function holder(dir: string): Promise<{ child: ChildProcess; outcome: string }> {
  const child = spawn(process.execPath, [holderScript, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_PATH: join(__dirname, '../../node_modules') },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, outcome: out.trim() });
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before it said anything`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

test('a dir held by another process is refused, naming its pid, until that process is SIGKILLed', async () => {
  const dir = newDir();
  const first = await holder(dir);
  expect(first.outcome).toBe('locked');
  expect(readFileSync(join(dir, PID_FILE), 'utf8')).toBe(`${first.child.pid}\n`);

  const refusal = await lockDataDir(dir).catch((err) => err);
  expect(refusal).toBeInstanceOf(DataDirInUseError);
  expect(refusal.pid).toBe(first.child.pid);
  expect(refusal.message).toBe(
    `the data dir ${dir} is in use by keyplane process ${first.child.pid}: a SQLite data dir serves one process at a time (several nodes share a PostgreSQL --database-url instead)`,
  );
  expect((await holder(dir)).outcome).toBe(`refused ${first.child.pid}`);

  // Killed without a chance to clean up: its pid file stays, naming a dead process, and blocks nothing.
  first.child.kill('SIGKILL');
  await exited(first.child);
  expect(readFileSync(join(dir, PID_FILE), 'utf8')).toBe(`${first.child.pid}\n`);
  const next = await holder(dir);
  expect(next.outcome).toBe('locked');
  expect(readFileSync(join(dir, PID_FILE), 'utf8')).toBe(`${next.child.pid}\n`);
  await expect(lockDataDir(dir)).rejects.toMatchObject({ pid: next.child.pid });
});

test('of processes started at the same moment exactly one wins, and every other names it', async () => {
  const dir = newDir();
  const all = await Promise.all(Array.from({ length: 4 }, () => holder(dir)));
  const winners = all.filter((h) => h.outcome === 'locked');
  expect(winners).toHaveLength(1);
  for (const h of all) if (h !== winners[0]) expect(h.outcome).toBe(`refused ${winners[0]!.child.pid}`);
});

test('within one process the dir is taken once; release gives it back and removes the pid file only', async () => {
  const dir = newDir();
  const lock = await lockDataDir(dir);
  expect(readFileSync(join(dir, PID_FILE), 'utf8')).toBe(`${process.pid}\n`);
  expect(statSync(join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
  await expect(lockDataDir(dir)).rejects.toMatchObject({ pid: process.pid });

  lock.release();
  lock.release(); // idempotent
  expect(existsSync(join(dir, PID_FILE))).toBe(false);
  // The lock file stays (removing it could split the lock between two files); no journal is left beside it.
  expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  expect(existsSync(join(dir, `${LOCK_FILE}-journal`))).toBe(false);
  const again = await lockDataDir(dir);
  expect((await holder(dir)).outcome).toBe(`refused ${process.pid}`);
  again.release();
  expect((await holder(dir)).outcome).toBe('locked');
});

test('a pid file naming a live process decides nothing: only a held lock refuses', async () => {
  const dir = newDir();
  // Say a reused pid: the parent of this test process is alive and is no keyplane.
  writeFileSync(join(dir, PID_FILE), `${process.ppid}\n`);
  const lock = await lockDataDir(dir);
  expect(readFileSync(join(dir, PID_FILE), 'utf8')).toBe(`${process.pid}\n`);
  lock.release();
});

test('a holder whose pid cannot be read is still refused, saying so', async () => {
  const dir = newDir();
  const lock = await lockDataDir(dir);
  try {
    rmSync(join(dir, PID_FILE));
    const refusal = await lockDataDir(dir).catch((err) => err);
    expect(refusal).toBeInstanceOf(DataDirInUseError);
    expect(refusal.pid).toBeUndefined();
    expect(refusal.message).toMatch(/^the data dir .* is in use by another keyplane process \(its pid was not recorded\): /);
  } finally {
    lock.release();
  }
});

test('a dir that does not exist is an error naming it, not a refusal', async () => {
  const dir = join(work, 'missing');
  const err = await lockDataDir(dir).catch((e) => e);
  expect(err).not.toBeInstanceOf(DataDirInUseError);
  expect(err.message).toMatch(`cannot lock the data dir ${dir} (keyplane.lock): `);
});

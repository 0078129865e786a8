/**
 * One process per SQLite data dir. Each process keeps its own cache of verified keys and hears only its own
 * writes, so a second process on the same dir would go on accepting keys the first one revoked.
 *
 * The lock is SQLite's own: an open write transaction (`BEGIN IMMEDIATE`) on the empty database
 * `DATA/keyplane.lock`. SQLite holds it with an fcntl lock, which the kernel drops when the process ends in
 * any way, SIGKILL included, so a dead holder never blocks the next start and a reused pid cannot fake one.
 * Within one process SQLite tracks its own connections to the file, so a second lock there is refused too.
 * The holder writes its pid to `DATA/keyplane.pid`, only for the message the refused process prints.
 * @module
 */
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export const LOCK_FILE = 'keyplane.lock';
export const PID_FILE = 'keyplane.pid';

/** How long a refused process waits for a holder that has just taken the lock to write its pid. */
const PID_WAIT_MS = 1_000;

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    /** The holder's pid, when it could be read. */
    readonly pid: number | undefined,
  ) {
    const holder = pid === undefined ? 'another keyplane process (its pid was not recorded)' : `keyplane process ${pid}`;
    super(
      `the data dir ${dir} is in use by ${holder}: a SQLite data dir serves one process at a time (several nodes share a PostgreSQL --database-url instead)`,
    );
  }
}

export interface DataDirLock {
  readonly dir: string;
  /** Gives the dir up; idempotent. Exiting the process gives it up as well. */
  release(): void;
}

/** Takes the dir for this process, or throws DataDirInUseError naming the holder. The dir must exist. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const lockPath = join(dir, LOCK_FILE);
  const pidPath = join(dir, PID_FILE);
  let db: SqliteDatabase.Database | undefined;
  try {
    db = new SqliteDatabase(lockPath, { timeout: 0 });
    // No journal file beside the lock: it holds no data, and a killed holder leaves nothing behind.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    db?.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dir, await holderPid(pidPath));
    throw new Error(`cannot lock the data dir ${dir} (${LOCK_FILE}): ${(err as Error).message}`);
  }
  chmodSync(lockPath, 0o600);
  // Renamed into place, so a refused process never reads half a pid.
  const tmp = `${pidPath}.${process.pid}`;
  writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  renameSync(tmp, pidPath);
  let held = true;
  return {
    dir,
    release() {
      if (!held) return;
      held = false;
      // The pid file goes while the lock is still held, so it never removes the next holder's. The lock file
      // stays: deleting it could let one process lock the old file while another locks a new one.
      rmSync(pidPath, { force: true });
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/**
 * The pid in the pid file, once it names a live process. A holder that just won writes it right after, and
 * until then the file may be missing or name a holder that was killed; past PID_WAIT_MS the pid is unknown.
 */
async function holderPid(pidPath: string): Promise<number | undefined> {
  for (const deadline = Date.now() + PID_WAIT_MS; ; ) {
    const pid = readPid(pidPath);
    if (pid !== undefined && alive(pid)) return pid;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readPid(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^[1-9][0-9]*$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

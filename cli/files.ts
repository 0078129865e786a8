/**
 * Files that receive a secret shown once (`api-key create --secret-file`, `server init --key-file`).
 *
 * The file is reserved before the secret exists: a temporary file of mode 0600 is created next to the target,
 * so a wrong path or a read-only directory fails before a key is minted, not after (when the secret would be
 * lost with no way to see it again). Once the secret exists it is written to the temporary file, synced and
 * renamed over the target. The rename is atomic, and the result has mode 0600 even when the target existed
 * with a wider mode, which opening the target itself with `mode: 0o600` would not give.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors';

export class SecretFile {
  private constructor(
    readonly path: string,
    private readonly tempPath: string,
    private fd: number | undefined,
  ) {}

  /** Reserves `path` for a secret; `option` names the flag in a usage error. */
  static reserve(path: string, option: string): SecretFile {
    let existing;
    try {
      existing = statSync(path);
    } catch {
      existing = undefined;
    }
    if (existing && !existing.isFile()) throw new UsageError(`${option} ${path} exists and is not a regular file`);
    const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let fd: number;
    try {
      fd = openSync(tempPath, 'wx', 0o600);
      fchmodSync(fd, 0o600); // the umask can only narrow the mode, but say exactly what we mean
    } catch (err) {
      throw new UsageError(`${option} ${path} cannot be written: ${(err as Error).message}`);
    }
    return new SecretFile(path, tempPath, fd);
  }

  /** Writes the secret (and a newline) and moves the file into place. */
  commit(secret: string): void {
    if (this.fd === undefined) throw new Error('secret file already committed or discarded');
    const fd = this.fd;
    this.fd = undefined;
    try {
      try {
        writeSync(fd, `${secret}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(this.tempPath, this.path);
    } catch (err) {
      try {
        unlinkSync(this.tempPath);
      } catch {
        // nothing to remove
      }
      throw err;
    }
  }

  /** Removes the reservation when no secret came. */
  discard(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }
}

/** Runs `create` with `path` reserved (when given): the secret lands in the file or the reservation is removed. */
export async function withSecretFile<T>(path: string | undefined, option: string, create: () => Promise<T>, secretOf: (result: T) => string): Promise<T> {
  const file = path === undefined ? undefined : SecretFile.reserve(path, option);
  let result: T;
  try {
    result = await create();
  } catch (err) {
    file?.discard();
    throw err;
  }
  if (file) {
    try {
      file.commit(secretOf(result));
    } catch (err) {
      // Very unlikely after the reservation worked, but then the secret is gone with the process: say so.
      throw new Error(`the secret was created but could not be written to ${path}: ${(err as Error).message}; revoke it and try again`);
    }
  }
  return result;
}

/**
 * The master key: 32 random bytes, base64 in a file of mode 0600. It encrypts secret-store entries and keys
 * the API-key hash, so every node of one deployment must share it.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export const MASTER_KEY_FILE = 'master.key';

export function createMasterKeyFile(path: string): Buffer {
  const key = randomBytes(32);
  // 'wx' refuses to overwrite: losing the old master key would make every stored secret unreadable.
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export function readMasterKeyFile(path: string): Buffer {
  if (!existsSync(path)) {
    throw new Error(`master key file ${path} does not exist: this store is not initialised (run \`keyplane server init\`), or pass --master-key-file`);
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`master key file ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`master key file ${path} does not hold a 32-byte base64 key`);
  return key;
}

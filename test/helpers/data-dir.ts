/**
 * An initialised SQLite data dir, as `keyplane server init` leaves one (master key file and store), for tests
 * that start the real server on it (service/server.ts `startServer`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialise } from '../../service/bootstrap';
import { createContext } from '../../service/context';
import { createMasterKeyFile } from '../../service/crypto/master-key';

/** A new temp dir with prefix `prefix`, initialised; the caller removes it. */
export async function initialisedDataDir(prefix: string): Promise<{ dir: string; admin: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const masterKey = createMasterKeyFile(join(dir, 'master.key'));
  const ctx = await createContext({ sqlitePath: join(dir, 'keyplane.db'), masterKey });
  const { secret } = await initialise(ctx, { email: 'admin@example.com', name: 'Admin' });
  await ctx.close();
  return { dir, admin: secret };
}

/**
 * Everything a request handler needs, built once per process: the store, the hasher and sealed box keyed by
 * the master key, the verifier with its cache, the last-used and failed-authentication recorders and the change
 * feed.
 * @module
 */
import { FailedAuthRecorder } from './audit/failed-auth';
import { KeyHasher } from './auth/key-hash';
import { ChangeFeed, type ChangeFeedOptions } from './changes';
import { SealedBox } from './crypto/sealed-box';
import { type Store, type StoreOptions, openStore } from './db/connect';
import { type AbuseLimitsOptions, abuseLimits } from './http/abuse-limits';
import { LastUsedRecorder } from './keys/last-used';
import { Verifier } from './keys/verifier';
import { seedBuiltinScopes } from './scopes/builtin';
import { convertSecretSnapshots } from './secrets/convert';

export interface ServiceContext {
  store: Store;
  hasher: KeyHasher;
  box: SealedBox;
  changes: ChangeFeed;
  lastUsed: LastUsedRecorder;
  failedAuth: FailedAuthRecorder;
  verifier: Verifier;
  close(): Promise<void>;
}

export interface ContextOptions extends StoreOptions {
  masterKey: Buffer;
  lastUsedFlushMs?: number;
  /** The lease and heartbeat of the change feed (service/changes.ts has the defaults); the same on every node. */
  changeFeed?: ChangeFeedOptions;
  /** Only `failedAuthAudit` is read here; the app takes the rest (service/app.ts). */
  abuseLimits?: AbuseLimitsOptions;
  onBackgroundError?: (err: unknown) => void;
}

export async function createContext(options: ContextOptions): Promise<ServiceContext> {
  const store = await openStore(options);
  try {
    await seedBuiltinScopes(store.db);
    const box = new SealedBox(options.masterKey);
    const hasher = new KeyHasher(options.masterKey);
    // After the migrations: secret-store snapshots from before entries need the master key to convert.
    await convertSecretSnapshots({ store, box, hasher });
    const changes = new ChangeFeed(store, options.changeFeed);
    await changes.start();
    const lastUsed = new LastUsedRecorder(store.db, options.lastUsedFlushMs, options.onBackgroundError);
    lastUsed.start();
    const failedAuth = new FailedAuthRecorder(store.db, abuseLimits(options.abuseLimits).failedAuthAudit, options.onBackgroundError);
    failedAuth.start();
    const verifier = new Verifier(store.db, hasher, changes, lastUsed);
    return {
      store,
      hasher,
      box,
      changes,
      lastUsed,
      failedAuth,
      verifier,
      async close() {
        // Order matters: pending last-used and failed-auth writes need the database, the listener must stop
        // before it closes.
        await lastUsed.stop();
        await failedAuth.stop();
        await changes.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

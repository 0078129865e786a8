/**
 * Runs the service: takes a SQLite data dir for this process alone (service/db/data-dir-lock.ts), opens the
 * store, refuses one that was never initialised, and listens. `close()` (which the CLI calls on SIGTERM or
 * SIGINT) stops accepting connections, lets in-flight requests finish (up to `drainTimeoutMs`), flushes
 * pending last-used writes and failed-authentication counts, closes the database and gives the data dir up, in that order, so nothing
 * acknowledged is lost.
 * @module
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp } from './app';
import type { ChangeFeedOptions } from './changes';
import { LOG_SAFETY } from './http/log-safety';
import { isInitialised } from './bootstrap';
import { type ServiceContext, createContext } from './context';
import { MASTER_KEY_FILE, readMasterKeyFile } from './crypto/master-key';
import { isPostgresUrl } from './db/connect';
import type { AbuseLimitsOptions } from './http/abuse-limits';
import { type DataDirLock, lockDataDir } from './db/data-dir-lock';
import { loadProviderReleases } from './registry/releases';

export interface ServerOptions {
  dataDir?: string;
  databaseUrl?: string;
  masterKeyFile?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  trustedProxies?: string[];
  logLevel?: string;
  version?: string;
  lastUsedFlushMs?: number;
  /** The change feed's lease and heartbeat (service/changes.ts has the defaults); the same on every node. */
  changeFeed?: ChangeFeedOptions;
  /** Failed-authentication limits and audit windows (service/http/abuse-limits.ts has the defaults). */
  abuseLimits?: AbuseLimitsOptions;
  /** How long `close()` waits for in-flight requests before it cuts their connections; 30 s by default. */
  drainTimeoutMs?: number;
  /** A directory of provider releases to serve as a Terraform provider registry, and the keys that signed them. */
  providerReleases?: { dir: string; signingKeyFiles: string[] };
  /** Answer POST /v1/keys/verify beside Fastify (service/http/verify-fast-path.ts); on unless false, which benchmarks use. */
  verifyFastPath?: boolean;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export function storePaths(options: { dataDir?: string; databaseUrl?: string; masterKeyFile?: string }) {
  if (!options.dataDir && !(isPostgresUrl(options.databaseUrl) && options.masterKeyFile)) {
    throw new Error('give --data DIR (or, with a postgres:// --database-url, --master-key-file FILE)');
  }
  return {
    masterKeyFile: options.masterKeyFile ?? join(options.dataDir!, MASTER_KEY_FILE),
    sqlitePath: options.dataDir ? join(options.dataDir, 'keyplane.db') : undefined,
  };
}

/**
 * Takes the data dir for this process when the store is SQLite in it, else (PostgreSQL, shared by several
 * nodes by design) does nothing. Every process that opens a SQLite data dir takes it, before opening it.
 */
export async function lockSqliteDataDir(options: { dataDir?: string; databaseUrl?: string }): Promise<DataDirLock | undefined> {
  if (!options.dataDir || isPostgresUrl(options.databaseUrl)) return undefined;
  return lockDataDir(options.dataDir);
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[3]) > 65535 || (m[1] !== undefined && isIP(m[1]) !== 6)) {
    throw new Error(`--listen ${listen} is not HOST:PORT (e.g. 127.0.0.1:7420 or [::1]:7420)`);
  }
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

/** proxy-addr's names for ranges, which Fastify's trustProxy accepts beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Each trusted proxy is an address, a CIDR (address/prefix) or one of loopback, linklocal, uniquelocal. */
export function checkTrustedProxies(proxies: string[]): void {
  for (const p of proxies) {
    if (PROXY_RANGE_NAMES.has(p)) continue;
    const [address, prefix, ...rest] = p.split('/');
    const family = isIP(address ?? '');
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (!family || rest.length > 0 || !prefixOk) {
      throw new Error(`--trusted-proxy ${p} is not an IP address, a CIDR (e.g. 10.0.0.0/8) or one of loopback, linklocal, uniquelocal`);
    }
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { host, port } = parseListen(options.listen);
  const paths = storePaths(options);
  checkTrustedProxies(options.trustedProxies ?? []);
  const logger = pino({ level: options.logLevel ?? 'info', ...LOG_SAFETY });
  const https = options.tlsCert || options.tlsKey ? loadTls(options.tlsCert, options.tlsKey) : undefined;
  // Checked before the store is opened: a bad release directory stops the start, naming the file.
  const providerReleases = options.providerReleases
    ? await loadProviderReleases(options.providerReleases.dir, options.providerReleases.signingKeyFiles)
    : undefined;
  const masterKey = readMasterKeyFile(paths.masterKeyFile);
  const lock = await lockSqliteDataDir(options);
  let ctx: ServiceContext | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    ctx = await createContext({
      databaseUrl: options.databaseUrl,
      sqlitePath: paths.sqlitePath,
      masterKey,
      lastUsedFlushMs: options.lastUsedFlushMs,
      changeFeed: options.changeFeed,
      abuseLimits: options.abuseLimits,
      onBackgroundError: (err) => logger.error({ err }, 'background write failed'),
    });
    if (!(await isInitialised(ctx))) throw new Error('this store is not initialised: run `keyplane server init` first');
    app = await buildApp(ctx, {
      loggerInstance: logger,
      trustedProxies: options.trustedProxies,
      https,
      version: options.version,
      abuseLimits: options.abuseLimits,
      providerReleases,
      verifyFastPath: options.verifyFastPath,
    });
    await app.listen({ host, port });
  } catch (err) {
    // A port in use or a bad certificate must not leave the database open, nor the dir taken, behind an
    // in-process caller.
    await app?.close();
    await ctx?.close();
    lock?.release();
    throw err;
  }
  const started = { ctx, app }; // both set here, as the closure below sees them
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  logger.info({ url, database: ctx.store.dialect }, 'keyplane service listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Waits for in-flight requests; a client that never finishes its request is cut off after the drain.
        const cut = setTimeout(() => started.app.server.closeAllConnections(), options.drainTimeoutMs ?? 30_000);
        cut.unref();
        // Verifications the fast path took are finished first: handed to Fastify once it is closing, they would get its 503.
        await started.app.verifyFastPath?.drain();
        await started.app.close().finally(() => clearTimeout(cut));
        await started.ctx.close(); // flushes last-used and failed-auth counts, stops the listener, closes the store
        lock?.release(); // only once the store is closed: the next process may open it now
        logger.info('keyplane service stopped');
        logger.flush?.();
      })();
      return closing;
    },
  };
}

function loadTls(cert?: string, key?: string): { cert: Buffer; key: Buffer } {
  if (!cert || !key) throw new Error('TLS needs both --tls-cert and --tls-key');
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

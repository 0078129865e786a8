/**
 * `keyplane server init|start`: set up a store and run the key service in this process. The service modules
 * (Fastify, the database drivers) are imported inside these actions only, so the API commands never load
 * them and start fast.
 * @module
 */
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { action, EXIT_FAILURE, EXIT_OK, UsageError } from '../errors';
import { SecretFile } from '../files';
import { collect, integer } from '../options';
import { note, printLine } from '../output';
import { packageVersion } from '../version';
import { LIMITS } from '../../contract/limits';
import { DEFAULT_ABUSE_LIMITS } from '../../service/http/abuse-limits';

interface StoreFlags {
  data?: string;
  databaseUrl?: string;
  masterKeyFile?: string;
}

interface InitFlags extends StoreFlags {
  adminEmail: string;
  adminName: string;
  keyFile?: string;
}

interface RecoverFlags extends StoreFlags {
  email?: string;
  keyFile?: string;
}

interface StartFlags extends StoreFlags {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  trustedProxy?: string[];
  logLevel: string;
  failedAuthLimit?: number;
  failedAuthWindow?: number;
  providerReleases?: string;
  providerSigningKey?: string[];
}

/** Where the store is, for messages: the data dir, or the database URL without its credentials. */
function storeName(o: StoreFlags): string {
  if (o.databaseUrl) return o.databaseUrl.replace(/\/\/[^@/]*@/, '//…@');
  return o.data ?? 'the store';
}

/** The store's paths from the flags; a bad combination is a usage error. */
function checkedStorePaths(storePaths: typeof import('../../service/server').storePaths, o: StoreFlags) {
  try {
    return storePaths({ dataDir: o.data, databaseUrl: o.databaseUrl, masterKeyFile: o.masterKeyFile });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function checkEmail(flag: string, email: string): void {
  if (!new RegExp(LIMITS.email.pattern).test(email)) throw new UsageError(`${flag} ${email} is not an email address`);
}

/** An admin key made from the store: into --key-file (mode 0600), or printed this once. */
function deliverAdminKey(keyFile: SecretFile | undefined, secret: string): void {
  if (keyFile) {
    keyFile.commit(secret);
    printLine(`admin API key written to ${keyFile.path} (mode 0600)`);
  } else {
    note('warning: the admin API key is shown only this once and cannot be retrieved again; store it now (or use --key-file).');
    printLine(secret);
  }
}

function storeOptions(command: Command, masterKeyHelp: string): Command {
  return command
    .option('--data <dir>', 'data directory: the SQLite database and the master key')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL instead of SQLite (several nodes can share it)')
    .option('--master-key-file <file>', masterKeyHelp);
}

async function init(o: InitFlags): Promise<void> {
  const { lockSqliteDataDir, storePaths } = await import('../../service/server');
  const paths = checkedStorePaths(storePaths, o);
  // The API's rule for an email (contract/limits.ts); initialise() itself does not check it.
  checkEmail('--admin-email', o.adminEmail);
  if (o.data) mkdirSync(o.data, { recursive: true, mode: 0o700 });
  // A dir a running service uses is left alone, its master key included.
  const lock = await lockSqliteDataDir({ dataDir: o.data, databaseUrl: o.databaseUrl });
  try {
    await initLocked(o, paths);
  } finally {
    lock?.release();
  }
}

async function initLocked(o: InitFlags, paths: { masterKeyFile: string; sqlitePath?: string }): Promise<void> {
  const { createMasterKeyFile, readMasterKeyFile } = await import('../../service/crypto/master-key');
  const { createContext } = await import('../../service/context');
  const { initialise, AlreadyInitialisedError } = await import('../../service/bootstrap');
  // Reserved before the key exists: a bad --key-file must fail now, not after the one admin key was minted.
  const keyFile = o.keyFile === undefined ? undefined : SecretFile.reserve(o.keyFile, '--key-file');

  let createdMasterKey = false;
  let result: { userId: string; keyId: string; secret: string };
  try {
    let masterKey: Buffer;
    if (existsSync(paths.masterKeyFile)) {
      masterKey = readMasterKeyFile(paths.masterKeyFile);
    } else {
      masterKey = createMasterKeyFile(paths.masterKeyFile);
      createdMasterKey = true;
    }
    const ctx = await createContext({ databaseUrl: o.databaseUrl, sqlitePath: paths.sqlitePath, masterKey });
    try {
      result = await initialise(ctx, { email: o.adminEmail, name: o.adminName });
    } finally {
      await ctx.close();
    }
  } catch (err) {
    keyFile?.discard();
    // A master key made by this run has hashed and sealed nothing yet. Leaving it next to a store that
    // was initialised with another one would make `server start` reject every key, so it goes.
    if (createdMasterKey) unlinkSync(paths.masterKeyFile);
    if (err instanceof AlreadyInitialisedError) {
      const lost = createdMasterKey ? ` Note: its master key file ${paths.masterKeyFile} is missing; restore it before starting the service.` : '';
      throw new Error(
        `${storeName(o)} is already initialised; its admin key was shown when it was, and a second one is never made. To start afresh, use a new --data directory.${lost}`,
      );
    }
    throw err;
  }

  note(
    `Initialised ${storeName(o)}: admin ${o.adminEmail} (${result.userId}) with API key ${result.keyId}.${createdMasterKey ? ` Master key: ${paths.masterKeyFile} (mode 0600; back it up, every node needs it).` : ''}`,
  );
  deliverAdminKey(keyFile, result.secret);
}

/**
 * A new admin key from the store itself, for when no working admin key is left. It needs the data dir (or
 * database) and the master key, which is the proof of who may do it; on SQLite it runs only while no server
 * holds the dir. Running nodes on PostgreSQL hear of the new key like any other change.
 */
async function recoverAdminCommand(o: RecoverFlags): Promise<void> {
  const { lockSqliteDataDir, storePaths } = await import('../../service/server');
  const paths = checkedStorePaths(storePaths, o);
  if (o.email !== undefined) checkEmail('--email', o.email);
  if (!existsSync(paths.masterKeyFile)) throw new UsageError(`the master key ${paths.masterKeyFile} is missing: recovery needs it (--master-key-file)`);
  const keyFile = o.keyFile === undefined ? undefined : SecretFile.reserve(o.keyFile, '--key-file');
  const lock = await lockSqliteDataDir({ dataDir: o.data, databaseUrl: o.databaseUrl });
  let result: Awaited<ReturnType<typeof import('../../service/bootstrap').recoverAdmin>>;
  try {
    const { readMasterKeyFile } = await import('../../service/crypto/master-key');
    const { createContext } = await import('../../service/context');
    const { recoverAdmin, RecoveryError } = await import('../../service/bootstrap');
    const ctx = await createContext({ databaseUrl: o.databaseUrl, sqlitePath: paths.sqlitePath, masterKey: readMasterKeyFile(paths.masterKeyFile) });
    try {
      result = await recoverAdmin(ctx, { email: o.email });
    } catch (err) {
      if (err instanceof RecoveryError) throw new Error(`${storeName(o)}: ${err.message}`);
      throw err;
    } finally {
      await ctx.close();
    }
  } catch (err) {
    keyFile?.discard();
    throw err;
  } finally {
    lock?.release();
  }
  note(
    `Recovered ${storeName(o)}: admin ${result.email} (${result.userId})${result.promoted ? ', made an enabled admin,' : ''} has a new API key ${result.keyId}; the audit log records it (server.recover_admin).`,
  );
  deliverAdminKey(keyFile, result.secret);
}

async function start(o: StartFlags): Promise<void> {
  const { parseListen, startServer, storePaths } = await import('../../service/server');
  try {
    parseListen(o.listen);
    storePaths({ dataDir: o.data, databaseUrl: o.databaseUrl, masterKeyFile: o.masterKeyFile });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if ((o.providerReleases === undefined) !== (o.providerSigningKey === undefined))
    throw new UsageError('--provider-releases and --provider-signing-key go together: Terraform verifies each release against the key the registry names');

  // Signals are handled from the start: the first one stops the server gracefully (at once if it is up,
  // right after start-up otherwise); a second one, say while a drain or a database connection hangs, means
  // "now" and exits without finishing.
  let received: NodeJS.Signals | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        note(`${signal} again: exiting without finishing the shutdown`);
        process.exit(EXIT_FAILURE);
      }
      received = signal;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const server = await startServer({
    dataDir: o.data,
    databaseUrl: o.databaseUrl,
    masterKeyFile: o.masterKeyFile,
    listen: o.listen,
    tlsCert: o.tlsCert,
    tlsKey: o.tlsKey,
    trustedProxies: o.trustedProxy,
    logLevel: o.logLevel,
    abuseLimits: {
      failedAuth: {
        ...(o.failedAuthLimit !== undefined ? { max: o.failedAuthLimit } : {}),
        ...(o.failedAuthWindow !== undefined ? { windowMs: o.failedAuthWindow * 1000 } : {}),
      },
    },
    version: packageVersion(),
    ...(o.providerReleases ? { providerReleases: { dir: o.providerReleases, signingKeyFiles: o.providerSigningKey ?? [] } } : {}),
  });
  note(`keyplane service listening on ${server.url} (SIGTERM or Ctrl-C stops it)`);
  if (o.providerReleases) {
    note(
      `serving the provider releases in ${o.providerReleases} as a Terraform registry: source = "${new URL(server.url).host}/keyplane/keyplane"${server.url.startsWith('https:') ? '' : ' (Terraform needs HTTPS for a registry: add --tls-cert and --tls-key)'}`,
    );
  }

  const signal = await stopped;
  note(`${signal}: finishing in-flight requests, then stopping`);
  await server.close();
  // Everything is flushed and closed; exit even if a library left a handle open.
  process.exit(EXIT_OK);
}

export function register(program: Command): void {
  const group = program.command('server').description('Set up and run the Keyplane key service');

  storeOptions(
    group.command('init').description('Create the store, its master key, the first admin and its API key (shown once)'),
    'master key file (default DATA/master.key; created with mode 0600 when missing)',
  )
    .option('--admin-email <email>', 'email of the first admin', 'admin@localhost')
    .option('--admin-name <name>', 'name of the first admin', 'Administrator')
    .option('--key-file <file>', 'write the admin API key to this file (mode 0600) instead of printing it')
    .action(action(init));

  storeOptions(
    group.command('recover-admin').description('Issue a new admin API key from the store itself, when no working admin key is left (needs the master key)'),
    'master key file (default DATA/master.key)',
  )
    .option('--email <email>', 'the user to issue it for, made an enabled admin if needed (default: the longest-standing enabled admin)')
    .option('--key-file <file>', 'write the admin API key to this file (mode 0600) instead of printing it')
    .action(action(recoverAdminCommand));

  storeOptions(group.command('start').description('Serve the API until SIGTERM or Ctrl-C'), 'master key file (default DATA/master.key)')
    .option('--listen <host:port>', 'address to listen on, e.g. 127.0.0.1:7420 or [::1]:7420', '127.0.0.1:7420')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate chain (PEM)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--trusted-proxy <cidr>', 'believe X-Forwarded-For from peers in this CIDR (repeatable)', collect)
    .option('--provider-releases <dir>', 'also serve the provider releases in DIR (npm run release writes them) as a Terraform provider registry')
    .option('--provider-signing-key <file>', 'the ASCII-armored OpenPGP public key that signed those releases (repeatable)', collect)
    .option(
      '--failed-auth-limit <n>',
      `failed authentications one client address may make per window before it is answered 429 (default ${DEFAULT_ABUSE_LIMITS.failedAuth.max})`,
      integer(1),
    )
    .option(
      '--failed-auth-window <seconds>',
      `the window of --failed-auth-limit (default ${DEFAULT_ABUSE_LIMITS.failedAuth.windowMs / 1000})`,
      integer(1, 86_400),
    )
    .addOption(
      new Option('--log-level <level>', 'log level (logs are JSON lines on stdout)')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(action(start));
}

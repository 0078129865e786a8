/**
 * `keyplane server init|start`. The service modules are loaded inside the actions, so API commands never pay
 * for Fastify or the database drivers.
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { action, collect } from '../context';

const pkgVersion = (): string => (require('../../../package.json') as { version: string }).version;

export function register(program: Command): void {
  const group = program.command('server').description('Run the Keyplane key service');

  group
    .command('init')
    .description('Create the store, the master key, the first admin and its API key (shown once)')
    .option('--data <dir>', 'data directory (SQLite file and master key)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL instead of SQLite')
    .option('--master-key-file <file>', 'master key file (default DATA/master.key; created when missing)')
    .option('--admin-email <email>', 'email of the first admin', 'admin@localhost')
    .option('--admin-name <name>', 'name of the first admin', 'Administrator')
    .option('--key-file <file>', 'write the admin key to this file (mode 0600) instead of stdout')
    .action(
      action(async (o) => {
        const { storePaths } = await import('../../service/server');
        const { createMasterKeyFile, readMasterKeyFile } = await import('../../service/crypto/master-key');
        const { createContext } = await import('../../service/context');
        const { initialise, AlreadyInitialisedError } = await import('../../service/bootstrap');
        const paths = storePaths({ dataDir: o.data, databaseUrl: o.databaseUrl, masterKeyFile: o.masterKeyFile });
        if (o.data) mkdirSync(o.data, { recursive: true, mode: 0o700 });
        const masterKey = existsSync(paths.masterKeyFile) ? readMasterKeyFile(paths.masterKeyFile) : createMasterKeyFile(paths.masterKeyFile);
        const ctx = await createContext({ databaseUrl: o.databaseUrl, sqlitePath: paths.sqlitePath, masterKey });
        try {
          const result = await initialise(ctx, { email: o.adminEmail, name: o.adminName });
          if (o.keyFile) {
            writeFileSync(o.keyFile, `${result.secret}\n`, { mode: 0o600, flag: 'wx' });
            process.stderr.write(`Initialised. Admin ${o.adminEmail} (${result.userId}); admin API key ${result.keyId} written to ${o.keyFile}.\n`);
          } else {
            process.stderr.write(`Initialised. Admin ${o.adminEmail} (${result.userId}). The admin API key follows; it will not be shown again:\n`);
            process.stdout.write(`${result.secret}\n`);
          }
        } catch (err) {
          if (err instanceof AlreadyInitialisedError) throw new Error(`${err.message} (data: ${o.data ?? o.databaseUrl?.replace(/\/\/[^@]*@/, '//…@')})`);
          throw err;
        } finally {
          await ctx.close();
        }
      }),
    );

  group
    .command('start')
    .description('Serve the API until SIGTERM or Ctrl-C')
    .option('--data <dir>', 'data directory (SQLite file and master key)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL instead of SQLite')
    .option('--master-key-file <file>', 'master key file (default DATA/master.key)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:7420')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key for --tls-cert (PEM)')
    .option('--trusted-proxy <cidr>', 'believe X-Forwarded-For from these peers (repeatable)', collect)
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info')
    .action(
      action(async (o) => {
        const { startServer } = await import('../../service/server');
        const server = await startServer({
          dataDir: o.data,
          databaseUrl: o.databaseUrl,
          masterKeyFile: o.masterKeyFile,
          listen: o.listen,
          tlsCert: o.tlsCert,
          tlsKey: o.tlsKey,
          trustedProxies: o.trustedProxy,
          logLevel: o.logLevel,
          version: pkgVersion(),
        });
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.removeListener('SIGTERM', stop);
            process.removeListener('SIGINT', stop);
            resolve();
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
        await server.close();
      }),
    );
}

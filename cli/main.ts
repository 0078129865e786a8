#!/usr/bin/env node
/**
 * The `keyplane` command. Exit codes: 0 ok, 1 the API refused or could not be reached, 2 usage (commander's
 * parse errors included). Results go to stdout, everything else to stderr.
 *
 * Start-up cost matters for a CLI run in loops: only commander, the client and the command modules load here;
 * the service (Fastify, SQLite, PostgreSQL) loads inside `server` actions, YAML and tables when printed.
 * @module
 */
import { Command, CommanderError, Option } from 'commander';
import { register as allowList } from './commands/allow-list';
import { register as apiKey } from './commands/api-key';
import { register as audit } from './commands/audit';
import { register as consoleLink } from './commands/console';
import { register as identity } from './commands/identity';
import { register as pgp } from './commands/pgp';
import { register as provider } from './commands/provider';
import { register as scopes } from './commands/scopes';
import { register as secret } from './commands/secret';
import { register as server } from './commands/server';
import { register as serviceAccount } from './commands/service-account';
import { register as user } from './commands/user';
import { EXIT_OK, EXIT_USAGE } from './errors';
import { endQuietlyWhenStdoutCloses, OUTPUT_CHOICES } from './output';
import { packageVersion } from './version';

export function buildProgram(): Command {
  const program = new Command('keyplane')
    .description('Issue, verify and revoke Keyplane API keys; manage service accounts, allow lists and secrets; run the key service.')
    .version(packageVersion(), '-V, --version')
    .option('--endpoint <url>', 'service URL (default: $KEYPLANE_ENDPOINT)')
    .option('--api-key <key>', 'API key to call with (default: $KEYPLANE_API_KEY, which keeps it out of ps and history)')
    .option('--ca-cert <file>', 'PEM CA certificate to trust for an https endpoint')
    .addOption(new Option('-o, --output <format>', "output format; wide: a list's table with every column in full").choices(OUTPUT_CHOICES).default('table'))
    .addHelpText(
      'after',
      `
Environment:
  KEYPLANE_ENDPOINT, KEYPLANE_API_KEY   used when --endpoint / --api-key are not given

Output:
  Lists fit the terminal (100 columns when stdout is not one, or $COLUMNS): dates are relative
  ("3d ago", "in 2h"), users and service accounts by name, long texts end in "…" (descriptions first,
  names last). -o wide shows every column in full; -o json and -o yaml print the API's objects.
  When the reader of stdout goes away (| head -1) the command ends quietly, exit 0.

Exit codes:
  0 ok, 1 the API refused the request or could not be reached, 2 usage error
  (keyplane verify adds 3 to 6 for a key that does not pass: see keyplane verify --help)

Example:
  keyplane server init --data ./data --key-file ./admin.key
  keyplane server start --data ./data &
  export KEYPLANE_ENDPOINT=http://127.0.0.1:7420 KEYPLANE_API_KEY="$(cat ./admin.key)"
  keyplane api-key create --name ci --secret-file ./ci.key`,
    );
  // Set before the groups are added, so every subcommand inherits them: commander throws instead of
  // exiting, and main() turns its errors into exit code 2.
  program.exitOverride().showHelpAfterError('(add --help for usage)');
  for (const register of [apiKey, scopes, serviceAccount, allowList, secret, user, audit, identity, consoleLink, pgp, server, provider]) register(program);
  return program;
}

/** Runs the command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenStdoutCloses();
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // --help and --version end with code 0; every other commander error is a usage error.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw err;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

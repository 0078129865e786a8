#!/usr/bin/env node
/**
 * The `keyplane` command. Exit codes: 0 ok, 1 API or connection error, 2 usage.
 * @module
 */
import { Command, CommanderError, Option } from 'commander';
import { register as apiKey } from './commands/api-key';
import { register as allowList } from './commands/allow-list';
import { register as audit } from './commands/audit';
import { register as identity } from './commands/identity';
import { register as scopes } from './commands/scopes';
import { register as secret } from './commands/secret';
import { register as server } from './commands/server';
import { register as serviceAccount } from './commands/service-account';
import { register as user } from './commands/user';

export function buildProgram(): Command {
  const program = new Command('keyplane')
    .description('Manage Keyplane API keys, service accounts, allow lists and secrets; run the key service')
    .version((require('../../package.json') as { version: string }).version)
    .option('--endpoint <url>', 'service URL (default $KEYPLANE_ENDPOINT)')
    .option('--api-key <key>', 'API key (default $KEYPLANE_API_KEY)')
    .option('--ca-cert <file>', 'CA certificate (PEM) for an HTTPS endpoint')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .showHelpAfterError()
    .exitOverride();
  for (const register of [apiKey, serviceAccount, allowList, scopes, secret, user, audit, identity, server]) register(program);
  // Every subcommand exits 2 on usage errors, like the root.
  const walk = (c: Command) => c.commands.forEach((s) => walk(s.exitOverride().showHelpAfterError()));
  walk(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; every other parse failure is a usage error.
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    throw err;
  }
}

void main();

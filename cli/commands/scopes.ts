/**
 * `keyplane scopes list|create|delete`: the scope catalogue. Built-in `keyplane.*` scopes are fixed; admins
 * register scopes for the services that verify keys. The listing is also `keyplane api-key list-scopes`
 * (cli/commands/api-key.ts), where someone choosing a key's --scope looks for it.
 * @module
 */
import type { Command } from 'commander';
import { clientFor, globals } from '../context';
import { action } from '../errors';
import { printDeleted, printObject, printTable } from '../output';
import { SCOPE_VIEW } from './scopes-table';

/** `scopes list` and `api-key list-scopes`: every scope in the catalogue. */
export function addListScopes(group: Command, name: string, description: string): Command {
  return group
    .command(name)
    .description(description)
    .action(
      action(async (_o: object, cmd: Command) => {
        const { output, wide } = globals(cmd);
        printTable(output, wide, await clientFor(cmd).listScopes(), SCOPE_VIEW, 'no scopes');
      }),
    );
}

export function register(program: Command): void {
  const group = program.command('scopes').description('The scope catalogue');

  addListScopes(group, 'list', 'List every scope (also: keyplane api-key list-scopes)');

  group
    .command('create')
    .description('Register a custom scope (admin)')
    .requiredOption('--name <name>', 'e.g. billing.read (lower case, dot-separated)')
    .requiredOption('--description <text>', 'what holding it allows')
    .action(
      action(async (o: { name: string; description: string }, cmd: Command) =>
        printObject(globals(cmd).output, await clientFor(cmd).createScope({ name: o.name, description: o.description })),
      ),
    );

  group
    .command('delete <name>')
    .description('Delete a custom scope that no key holds (admin)')
    .action(
      action(async (name: string, _o: object, cmd: Command) => {
        await clientFor(cmd).deleteScope(name);
        printDeleted(globals(cmd).output, name);
      }),
    );
}

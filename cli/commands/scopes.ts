/** `keyplane scopes list|create|delete`. @module */
import type { Command } from 'commander';
import { action, clientFor, globals } from '../context';
import { print } from '../output';

export function register(program: Command): void {
  const group = program.command('scopes').description('The scope catalogue');
  group.command('list').action(action(async (_o, cmd: Command) => print(globals(cmd).output, await clientFor(cmd).listScopes(), ['name', 'builtin', 'description'])));
  group
    .command('create')
    .description('Register a custom scope (admin)')
    .requiredOption('--name <name>')
    .requiredOption('--description <text>')
    .action(action(async (o, cmd: Command) => print(globals(cmd).output, await clientFor(cmd).createScope({ name: o.name, description: o.description }))));
  group.command('delete <name>').action(
    action(async (name: string, _o, cmd: Command) => {
      await clientFor(cmd).deleteScope(name);
      process.stderr.write(`deleted ${name}\n`);
    }),
  );
}

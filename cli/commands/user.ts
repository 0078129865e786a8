/** `keyplane user …` (admins). @module */
import type { Command } from 'commander';
import { action, clientFor, globals, parseBool, UsageError } from '../context';
import { print } from '../output';

export function register(program: Command): void {
  const group = program.command('user').description('Manage users (admin)');
  const out = (cmd: Command, v: unknown) => print(globals(cmd).output, v);
  group
    .command('create')
    .requiredOption('--email <email>')
    .requiredOption('--name <name>')
    .requiredOption('--role <role>', 'admin, developer or viewer')
    .action(action(async (o, cmd: Command) => out(cmd, await clientFor(cmd).createUser({ email: o.email, name: o.name, role: o.role }))));
  group.command('list').action(action(async (_o, cmd: Command) => print(globals(cmd).output, (await clientFor(cmd).listUsers()).items, ['id', 'email', 'name', 'role', 'disabled'])));
  group.command('get <id>').action(action(async (id: string, _o, cmd: Command) => out(cmd, await clientFor(cmd).getUser(id))));
  group
    .command('update <id>')
    .option('--email <email>')
    .option('--name <name>')
    .option('--role <role>')
    .option('--disabled <bool>', 'true or false')
    .action(
      action(async (id: string, o, cmd: Command) => {
        const body = { email: o.email, name: o.name, role: o.role, disabled: o.disabled === undefined ? undefined : parseBool(o.disabled, '--disabled') };
        if (Object.values(body).every((v) => v === undefined)) throw new UsageError('nothing to change: give at least one option');
        out(cmd, await clientFor(cmd).updateUser(id, body));
      }),
    );
  group.command('delete <id>').description('Delete the user and revoke every key they created').action(
    action(async (id: string, _o, cmd: Command) => {
      await clientFor(cmd).deleteUser(id);
      process.stderr.write(`deleted ${id}\n`);
    }),
  );
}

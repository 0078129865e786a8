/** `keyplane service-account …`. @module */
import type { Command } from 'commander';
import { action, clientFor, globals, parseBool, UsageError } from '../context';
import { print } from '../output';

export function register(program: Command): void {
  const group = program.command('service-account').description('Manage service accounts');
  const out = (cmd: Command, v: unknown) => print(globals(cmd).output, v);
  group
    .command('create')
    .requiredOption('--name <name>')
    .option('--description <text>')
    .option('--role <role>', 'admin, developer or viewer (default viewer)')
    .action(action(async (o, cmd: Command) => out(cmd, await clientFor(cmd).createServiceAccount({ name: o.name, description: o.description, role: o.role }))));
  group
    .command('list')
    .option('--name-prefix <prefix>')
    .action(action(async (o, cmd: Command) => print(globals(cmd).output, (await clientFor(cmd).listServiceAccounts({ name_prefix: o.namePrefix })).items, ['id', 'name', 'role', 'disabled', 'description'])));
  group.command('get <id>').action(action(async (id: string, _o, cmd: Command) => out(cmd, await clientFor(cmd).getServiceAccount(id))));
  group
    .command('update <id>')
    .option('--name <name>')
    .option('--description <text>')
    .option('--role <role>')
    .option('--disabled <bool>', 'true or false')
    .action(
      action(async (id: string, o, cmd: Command) => {
        const body = { name: o.name, description: o.description, role: o.role, disabled: o.disabled === undefined ? undefined : parseBool(o.disabled, '--disabled') };
        if (Object.values(body).every((v) => v === undefined)) throw new UsageError('nothing to change: give at least one option');
        out(cmd, await clientFor(cmd).updateServiceAccount(id, body));
      }),
    );
  group.command('delete <id>').description('Delete it and revoke its keys').action(
    action(async (id: string, _o, cmd: Command) => {
      await clientFor(cmd).deleteServiceAccount(id);
      process.stderr.write(`deleted ${id}\n`);
    }),
  );
}

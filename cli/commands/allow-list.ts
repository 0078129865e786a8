/** `keyplane allow-list …`. @module */
import type { Command } from 'commander';
import { action, clientFor, collect, globals, UsageError } from '../context';
import { print } from '../output';

export function register(program: Command): void {
  const group = program.command('allow-list').description('Manage IP allow lists');
  const out = (cmd: Command, v: unknown) => print(globals(cmd).output, v);
  group
    .command('create')
    .requiredOption('--name <name>')
    .option('--description <text>')
    .requiredOption('--cidr <cidr>', 'an IPv4 or IPv6 CIDR or address (repeatable)', collect)
    .action(action(async (o, cmd: Command) => out(cmd, await clientFor(cmd).createAllowList({ name: o.name, description: o.description, cidrs: o.cidr }))));
  group.command('list').action(action(async (_o, cmd: Command) => print(globals(cmd).output, (await clientFor(cmd).listAllowLists()).items, ['id', 'name', 'cidrs', 'description'])));
  group.command('get <id>').action(action(async (id: string, _o, cmd: Command) => out(cmd, await clientFor(cmd).getAllowList(id))));
  group
    .command('update <id>')
    .option('--name <name>')
    .option('--description <text>')
    .option('--cidr <cidr>', 'replace the CIDRs (repeatable)', collect)
    .action(
      action(async (id: string, o, cmd: Command) => {
        const body = { name: o.name, description: o.description, cidrs: o.cidr };
        if (Object.values(body).every((v) => v === undefined)) throw new UsageError('nothing to change: give at least one option');
        out(cmd, await clientFor(cmd).updateAllowList(id, body));
      }),
    );
  group.command('delete <id>').action(
    action(async (id: string, _o, cmd: Command) => {
      await clientFor(cmd).deleteAllowList(id);
      process.stderr.write(`deleted ${id}\n`);
    }),
  );
}

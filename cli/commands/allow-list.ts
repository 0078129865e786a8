/**
 * `keyplane allow-list create|list|get|update|delete`: named sets of CIDRs that keys are limited to. The
 * service normalises the CIDRs; a list that live keys use cannot be deleted.
 * @module
 */
import type { Command } from 'commander';
import type { UpdateAllowListBody } from '../../client';
import { clientFor, globals, listPages } from '../context';
import { action, UsageError } from '../errors';
import { collect, pagingOptions, type PagingFlags } from '../options';
import { printDeleted, printObject, printTable } from '../output';
import { namesForTable } from '../principal-names';
import { allowListView } from './allow-list-table';

export function register(program: Command): void {
  const group = program.command('allow-list').description('Manage IP allow lists');

  group
    .command('create')
    .description('Create an IP allow list')
    .requiredOption('--name <name>', 'name of the list')
    .option('--description <text>', 'what it is for')
    .requiredOption('--cidr <cidr>', 'an IPv4 or IPv6 CIDR or address (repeatable)', collect)
    .action(
      action(async (o: { name: string; description?: string; cidr: string[] }, cmd: Command) =>
        printObject(globals(cmd).output, await clientFor(cmd).createAllowList({ name: o.name, description: o.description, cidrs: o.cidr })),
      ),
    );

  pagingOptions(group.command('list').description('List IP allow lists')).action(
    action(async (o: PagingFlags, cmd: Command) => {
      const client = clientFor(cmd);
      const lists = await listPages(client, client.listAllowLists, {}, o);
      const { output, wide } = globals(cmd);
      // Only the wide view names the creators: the table has no room for them.
      const names = await namesForTable(client, output, wide ? lists.map((l) => l.created_by) : []);
      printTable(output, wide, lists, allowListView(names), 'no IP allow lists found');
    }),
  );

  group
    .command('get <id>')
    .description('Show an IP allow list')
    .action(action(async (id: string, _o: object, cmd: Command) => printObject(globals(cmd).output, await clientFor(cmd).getAllowList(id))));

  group
    .command('update <id>')
    .description('Change an IP allow list; attached keys follow at once')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .option('--cidr <cidr>', 'the CIDRs, replacing the current ones (repeatable)', collect)
    .action(
      action(async (id: string, o: { name?: string; description?: string; cidr?: string[] }, cmd: Command) => {
        const body: UpdateAllowListBody = {};
        if (o.name !== undefined) body.name = o.name;
        if (o.description !== undefined) body.description = o.description;
        if (o.cidr !== undefined) body.cidrs = o.cidr;
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option (see --help)');
        printObject(globals(cmd).output, await clientFor(cmd).updateAllowList(id, body));
      }),
    );

  group
    .command('delete <id>')
    .description('Delete an IP allow list that no live key uses')
    .action(
      action(async (id: string, _o: object, cmd: Command) => {
        await clientFor(cmd).deleteAllowList(id);
        printDeleted(globals(cmd).output, id);
      }),
    );
}

/**
 * `keyplane service-account create|list|get|update|delete`: identities for machines, which own keys and
 * secrets. Each has an owner and managers, who with admins may act for it. Deleting one revokes its keys.
 * @module
 */
import { type Command, Option } from 'commander';
import type { ServiceAccount, UpdateServiceAccountBody } from '../../client';
import { clientFor, globals, listPages } from '../context';
import { action, UsageError } from '../errors';
import { collect, pagingOptions, type PagingFlags, roleOption } from '../options';
import { printDeleted, printObject, printTable } from '../output';
import { namesForTable } from '../principal-names';
import { serviceAccountPrincipals, serviceAccountView } from './service-account-table';

interface UpdateFlags {
  name?: string;
  description?: string;
  role?: ServiceAccount['role'];
  disable?: boolean;
  enable?: boolean;
  owner?: string;
  clearOwner?: boolean;
  manager?: string[];
  clearManagers?: boolean;
}

export function register(program: Command): void {
  const group = program.command('service-account').description('Manage service accounts (identities for machines)');

  group
    .command('create')
    .description('Create a service account')
    .requiredOption('--name <name>', 'unique name')
    .option('--description <text>', 'what it is for')
    .addOption(roleOption('highest role its keys may have (default viewer)'))
    .option('--owner <user-id>', 'the owning user (default: you; only admins name someone else)')
    .option('--manager <user-id>', 'a user who may act for it too (repeatable)', collect)
    .action(
      action(async (o: { name: string; description?: string; role?: ServiceAccount['role']; owner?: string; manager?: string[] }, cmd: Command) =>
        printObject(
          globals(cmd).output,
          await clientFor(cmd).createServiceAccount({
            name: o.name,
            description: o.description,
            role: o.role,
            owner_user_id: o.owner,
            manager_user_ids: o.manager,
          }),
        ),
      ),
    );

  pagingOptions(
    group
      .command('list')
      .description('List service accounts')
      .option('--name <name>', 'only the account with exactly this name')
      .option('--name-prefix <prefix>', 'only accounts whose name starts with this'),
  ).action(
    action(async (o: PagingFlags & { name?: string; namePrefix?: string }, cmd: Command) => {
      const client = clientFor(cmd);
      const items = await listPages(client, client.listServiceAccounts, { name: o.name, name_prefix: o.namePrefix }, o);
      const { output, wide } = globals(cmd);
      const names = await namesForTable(client, output, serviceAccountPrincipals(items, wide));
      printTable(output, wide, items, serviceAccountView(names), 'no service accounts found');
    }),
  );

  group
    .command('get <id>')
    .description('Show a service account')
    .action(action(async (id: string, _o: object, cmd: Command) => printObject(globals(cmd).output, await clientFor(cmd).getServiceAccount(id))));

  group
    .command('update <id>')
    .description('Change a service account; only the options given change')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .addOption(roleOption('new role; its keys follow at once'))
    .option('--disable', 'disable it: its keys stop working until it is enabled')
    .addOption(new Option('--enable', 'enable it again').conflicts('disable'))
    .option('--owner <user-id>', 'hand it to another user (admins and its owner)')
    .addOption(new Option('--clear-owner', 'leave it to admins alone (admins and its owner)').conflicts('owner'))
    .option('--manager <user-id>', 'the managers, replacing the current ones (repeatable; admins and its owner)', collect)
    .addOption(new Option('--clear-managers', 'remove every manager').conflicts('manager'))
    .action(
      action(async (id: string, o: UpdateFlags, cmd: Command) => {
        const body: UpdateServiceAccountBody = {};
        if (o.name !== undefined) body.name = o.name;
        if (o.description !== undefined) body.description = o.description;
        if (o.role !== undefined) body.role = o.role;
        if (o.disable) body.disabled = true;
        if (o.enable) body.disabled = false;
        if (o.owner !== undefined) body.owner_user_id = o.owner;
        if (o.clearOwner) body.owner_user_id = null;
        if (o.manager !== undefined) body.manager_user_ids = o.manager;
        if (o.clearManagers) body.manager_user_ids = [];
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option (see --help)');
        printObject(globals(cmd).output, await clientFor(cmd).updateServiceAccount(id, body));
      }),
    );

  group
    .command('delete <id>')
    .description('Delete a service account and revoke its keys')
    .action(
      action(async (id: string, _o: object, cmd: Command) => {
        await clientFor(cmd).deleteServiceAccount(id);
        printDeleted(globals(cmd).output, id);
      }),
    );
}

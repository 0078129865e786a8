/**
 * `keyplane user create|list|get|update|delete`. Everyone may read users; only admins change them. Deleting a
 * user revokes every key they own or created.
 * @module
 */
import { type Command, Option } from 'commander';
import type { UpdateUserBody, User } from '../../client';
import { clientFor, globals, listPages } from '../context';
import { action, UsageError } from '../errors';
import { ROLE_NAMES_TEXT, ROLES_HIGHEST_FIRST } from '../../contract/roles';
import { pagingOptions, type PagingFlags, roleOption } from '../options';
import { printDeleted, printObject, printTable } from '../output';
import { USER_VIEW } from './user-table';

interface UpdateFlags {
  email?: string;
  name?: string;
  role?: User['role'];
  disable?: boolean;
  enable?: boolean;
}

export function register(program: Command): void {
  const group = program.command('user').description('Manage users (changes need the admin role)');

  group
    .command('create')
    .description('Create a user (admin)')
    .requiredOption('--email <email>', 'unique email address')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', ROLE_NAMES_TEXT).choices(ROLES_HIGHEST_FIRST).makeOptionMandatory())
    .action(
      action(async (o: { email: string; name: string; role: User['role'] }, cmd: Command) =>
        printObject(globals(cmd).output, await clientFor(cmd).createUser({ email: o.email, name: o.name, role: o.role })),
      ),
    );

  pagingOptions(
    group
      .command('list')
      .description('List users')
      .addOption(roleOption('only users with this role'))
      .option('--email <email>', 'only the user with this email'),
  ).action(
    action(async (o: PagingFlags & { role?: User['role']; email?: string }, cmd: Command) => {
      const client = clientFor(cmd);
      const items = await listPages(client, client.listUsers, { role: o.role, email: o.email }, o);
      const { output, wide } = globals(cmd);
      printTable(output, wide, items, USER_VIEW, 'no users found');
    }),
  );

  group
    .command('get <id>')
    .description('Show a user')
    .action(action(async (id: string, _o: object, cmd: Command) => printObject(globals(cmd).output, await clientFor(cmd).getUser(id))));

  group
    .command('update <id>')
    .description('Change a user (admin); only the options given change')
    .option('--email <email>', 'new email')
    .option('--name <name>', 'new name')
    .addOption(roleOption('new role; their keys follow at once'))
    .option('--disable', 'disable the user: their keys stop working until enabled')
    .addOption(new Option('--enable', 'enable the user again').conflicts('disable'))
    .action(
      action(async (id: string, o: UpdateFlags, cmd: Command) => {
        const body: UpdateUserBody = {};
        if (o.email !== undefined) body.email = o.email;
        if (o.name !== undefined) body.name = o.name;
        if (o.role !== undefined) body.role = o.role;
        if (o.disable) body.disabled = true;
        if (o.enable) body.disabled = false;
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option (see --help)');
        printObject(globals(cmd).output, await clientFor(cmd).updateUser(id, body));
      }),
    );

  group
    .command('delete <id>')
    .description('Delete a user and revoke every key they own or created (admin)')
    .action(
      action(async (id: string, _o: object, cmd: Command) => {
        await clientFor(cmd).deleteUser(id);
        printDeleted(globals(cmd).output, id);
      }),
    );
}

/** `keyplane api-key create|list|get|update|revoke|delete`. @module */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ApiKey } from '../../client';
import { action, clientFor, collect, globals, parseLabels, UsageError } from '../context';
import { print } from '../output';

const COLUMNS = ['id', 'name', 'status', 'role', 'owner_id', 'display_prefix', 'expires_at', 'last_used_at'];

function show(cmd: Command, key: ApiKey): void {
  print(globals(cmd).output, key);
}

export function register(program: Command): void {
  const group = program.command('api-key').description('Issue and manage API keys');

  group
    .command('create')
    .description('Create a key; its secret is shown once')
    .requiredOption('--name <name>', 'name of the key')
    .option('--description <text>', 'what the key is for')
    .option('--service-account <id>', 'owning service account (default: the calling user)')
    .option('--user <id>', 'owning user (admins only)')
    .option('--role <role>', 'admin, developer or viewer (default: the highest allowed)')
    .option('--scope <scope>', 'a scope from the catalogue (repeatable)', collect)
    .option('--expires-at <time>', 'RFC 3339 expiry, e.g. 2030-01-31T00:00:00Z')
    .option('--allow-list <id>', 'an IP allow list id (repeatable)', collect)
    .option('--label <key=value>', 'a label (repeatable)', collect)
    .option('--secret-file <file>', 'write the secret to this file (mode 0600) instead of printing it')
    .action(
      action(async (opts, cmd: Command) => {
        const client = clientFor(cmd);
        const created = await client.createApiKey({
          name: opts.name,
          description: opts.description,
          service_account_id: opts.serviceAccount,
          user_id: opts.user,
          role: opts.role,
          scopes: opts.scope,
          expires_at: opts.expiresAt,
          allow_list_ids: opts.allowList,
          labels: parseLabels(opts.label),
        });
        const format = globals(cmd).output;
        if (opts.secretFile) {
          writeFileSync(opts.secretFile, `${created.secret}\n`, { mode: 0o600 });
          process.stderr.write(`The secret of ${created.api_key.id} was written to ${opts.secretFile} (mode 0600). It will not be shown again.\n`);
          print(format, created.api_key);
          return;
        }
        process.stderr.write('Store the secret now: it will not be shown again.\n');
        if (format === 'table') {
          print(format, created.api_key);
          process.stdout.write(`secret: ${created.secret}\n`);
        } else {
          print(format, created);
        }
      }),
    );

  group
    .command('list')
    .description('List keys')
    .option('--service-account <id>', 'only keys of this service account')
    .option('--owner <id>', 'only keys of this owner (user or service account id)')
    .option('--created-by <id>', 'only keys created by this principal')
    .option('--status <status>', 'active, revoked or expired')
    .option('--name-prefix <prefix>', 'only names starting with this')
    .option('--label <key=value>', 'only keys with this label (repeatable)', collect)
    .option('--all', 'follow every page')
    .option('--page-size <n>', 'keys per page', (v) => Number(v))
    .action(
      action(async (opts, cmd: Command) => {
        const client = clientFor(cmd);
        const query = {
          service_account_id: opts.serviceAccount,
          owner_id: opts.owner,
          created_by: opts.createdBy,
          status: opts.status,
          name_prefix: opts.namePrefix,
          label: opts.label,
          page_size: opts.pageSize,
        };
        const keys: ApiKey[] = [];
        if (opts.all) for await (const k of client.listAll(client.listApiKeys, query)) keys.push(k);
        else keys.push(...(await client.listApiKeys(query)).items);
        print(globals(cmd).output, keys, COLUMNS);
      }),
    );

  group
    .command('get <id>')
    .description('Show a key (never its secret)')
    .action(action(async (id: string, _opts, cmd: Command) => show(cmd, await clientFor(cmd).getApiKey(id))));

  group
    .command('update <id>')
    .description('Change a key in place; only the options given change')
    .option('--name <name>')
    .option('--description <text>')
    .option('--scope <scope>', 'replace the scopes (repeatable)', collect)
    .option('--clear-scopes', 'remove every scope')
    .option('--expires-at <time>', 'new RFC 3339 expiry')
    .option('--no-expiry', 'remove the expiry')
    .option('--allow-list <id>', 'replace the allow lists (repeatable)', collect)
    .option('--clear-allow-lists', 'detach every allow list')
    .option('--label <key=value>', 'replace the labels (repeatable)', collect)
    .option('--clear-labels', 'remove every label')
    .action(
      action(async (id: string, opts, cmd: Command) => {
        const body: Record<string, unknown> = {};
        if (opts.name !== undefined) body.name = opts.name;
        if (opts.description !== undefined) body.description = opts.description;
        if (opts.scope) body.scopes = opts.scope;
        if (opts.clearScopes) body.scopes = [];
        if (opts.expiresAt !== undefined) body.expires_at = opts.expiresAt;
        if (opts.expiry === false) body.expires_at = null;
        if (opts.allowList) body.allow_list_ids = opts.allowList;
        if (opts.clearAllowLists) body.allow_list_ids = [];
        if (opts.label) body.labels = parseLabels(opts.label);
        if (opts.clearLabels) body.labels = {};
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option (see --help)');
        show(cmd, await clientFor(cmd).updateApiKey(id, body));
      }),
    );

  group
    .command('revoke <id>')
    .description('Revoke a key at once; reads keep its tombstone')
    .option('--reason <text>', 'why it is revoked')
    .action(action(async (id: string, opts, cmd: Command) => show(cmd, await clientFor(cmd).revokeApiKey(id, opts.reason))));

  group
    .command('delete <id>')
    .description('Delete a key and its tombstone')
    .action(
      action(async (id: string, _opts, cmd: Command) => {
        await clientFor(cmd).deleteApiKey(id);
        process.stderr.write(`deleted ${id}\n`);
      }),
    );
}

/**
 * `keyplane api-key create|list|get|update|revoke|delete`. The secret is printed once, by create (or written
 * to --secret-file), with a warning on stderr; nothing else ever shows it.
 * @module
 */
import { type Command, Option } from 'commander';
import { type ApiKey, type UpdateApiKeyBody, plaintextSecret } from '../../client';
import { clientFor, globals, listPages } from '../context';
import { action, UsageError } from '../errors';
import { withSecretFile } from '../files';
import { KEY_STATUSES } from '../../contract/key-status';
import { OWNER_TYPES } from '../../contract/owners';
import { collect, keyValueFilters, keyValues, pagingOptions, type PagingFlags, rateLimit, roleOption } from '../options';
import { note, printDeleted, printLine, printList, printObject } from '../output';

const LIST_COLUMNS = ['id', 'name', 'status', 'role', 'owner_id', 'display_prefix', 'expires_at'];

interface CreateFlags {
  name: string;
  description?: string;
  serviceAccount?: string;
  user?: string;
  role?: ApiKey['role'];
  scope?: string[];
  expiresAt?: string;
  allowList?: string[];
  label?: string[];
  secretFile?: string;
  rateLimit?: { limit: number; window_seconds: number };
}

interface ListFlags extends PagingFlags {
  serviceAccount?: string;
  owner?: string;
  ownerType?: ApiKey['owner_type'];
  createdBy?: string;
  status?: ApiKey['status'];
  namePrefix?: string;
  label?: string[];
}

interface UpdateFlags {
  name?: string;
  description?: string;
  scope?: string[];
  clearScopes?: boolean;
  expiresAt?: string;
  neverExpires?: boolean;
  allowList?: string[];
  clearAllowLists?: boolean;
  label?: string[];
  clearLabels?: boolean;
  rateLimit?: { limit: number; window_seconds: number };
  clearRateLimit?: boolean;
}

/** The PATCH body: exactly the fields the flags name, so everything else keeps its value. */
export function updateBody(o: UpdateFlags): UpdateApiKeyBody {
  const body: UpdateApiKeyBody = {};
  if (o.name !== undefined) body.name = o.name;
  if (o.description !== undefined) body.description = o.description;
  if (o.scope !== undefined) body.scopes = o.scope;
  if (o.clearScopes) body.scopes = [];
  if (o.expiresAt !== undefined) body.expires_at = o.expiresAt;
  if (o.neverExpires) body.expires_at = null;
  if (o.allowList !== undefined) body.allow_list_ids = o.allowList;
  if (o.clearAllowLists) body.allow_list_ids = [];
  if (o.label !== undefined) body.labels = keyValues(o.label, '--label');
  if (o.clearLabels) body.labels = {};
  if (o.rateLimit !== undefined) body.rate_limit = o.rateLimit;
  if (o.clearRateLimit) body.rate_limit = null;
  return body;
}

export function register(program: Command): void {
  const group = program.command('api-key').description('Issue and manage API keys');

  group
    .command('create')
    .description('Create a key; its secret is printed this once (or written to --secret-file)')
    .requiredOption('--name <name>', 'name of the key')
    .option('--description <text>', 'what the key is for')
    .option('--service-account <id>', 'owning service account (default: the calling user)')
    .addOption(new Option('--user <id>', 'owning user (admins only)').conflicts('serviceAccount'))
    .addOption(roleOption('role of the key (default: the highest the owner and the caller allow)'))
    .option('--scope <scope>', 'a scope from the catalogue (repeatable)', collect)
    .option('--expires-at <time>', 'RFC 3339 expiry, e.g. 2030-01-31T00:00:00Z (default: never)')
    .option('--allow-list <id>', 'an IP allow list the key is limited to (repeatable)', collect)
    .option('--label <key=value>', 'a label (repeatable)', collect)
    .option('--rate-limit <uses/seconds>', 'limit the key to USES per window of SECONDS, e.g. 100/60 (default: none)', rateLimit)
    .option('--secret-file <file>', 'write the secret to this file (mode 0600) instead of printing it')
    .action(
      action(async (o: CreateFlags, cmd: Command) => {
        const labels = keyValues(o.label, '--label');
        const client = clientFor(cmd);
        const created = await withSecretFile(
          o.secretFile,
          '--secret-file',
          () =>
            client.createApiKey({
              name: o.name,
              description: o.description,
              service_account_id: o.serviceAccount,
              user_id: o.user,
              role: o.role,
              scopes: o.scope,
              expires_at: o.expiresAt,
              allow_list_ids: o.allowList,
              labels,
              rate_limit: o.rateLimit,
            }),
          (c) => plaintextSecret(c),
        );
        const format = globals(cmd).output;
        if (o.secretFile) {
          note(`The secret of ${created.api_key.id} is in ${o.secretFile} (mode 0600); it will not be shown again.`);
          printObject(format, created.api_key);
          return;
        }
        note('warning: the secret is shown only this once and cannot be retrieved again; store it now (or use --secret-file).');
        if (format === 'table') {
          printObject(format, created.api_key);
          printLine(`secret: ${created.secret}`);
        } else {
          printObject(format, created);
        }
      }),
    );

  pagingOptions(
    group
      .command('list')
      .description('List keys (never their secrets)')
      .option('--service-account <id>', 'only keys of this service account')
      .option('--owner <id>', 'only keys of this owner (a user or service account id)')
      .addOption(new Option('--owner-type <type>', 'only keys owned by users or by service accounts').choices(OWNER_TYPES))
      .option('--created-by <id>', 'only keys created by this user or service account')
      .addOption(new Option('--status <status>', 'only keys in this state').choices(KEY_STATUSES))
      .option('--name-prefix <prefix>', 'only keys whose name starts with this')
      .option('--label <key=value>', 'only keys with this label (repeatable; all must match)', collect),
  ).action(
    action(async (o: ListFlags, cmd: Command) => {
      const label = keyValueFilters(o.label, '--label');
      const client = clientFor(cmd);
      const query = {
        service_account_id: o.serviceAccount,
        owner_id: o.owner,
        owner_type: o.ownerType,
        created_by: o.createdBy,
        status: o.status,
        name_prefix: o.namePrefix,
        label,
      };
      printList(globals(cmd).output, await listPages(client, client.listApiKeys, query, o), LIST_COLUMNS, 'no API keys found');
    }),
  );

  group
    .command('get <id>')
    .description('Show a key (never its secret)')
    .action(action(async (id: string, _o: object, cmd: Command) => printObject(globals(cmd).output, await clientFor(cmd).getApiKey(id))));

  group
    .command('update <id>')
    .description('Change a key in place; only the options given change')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .option('--scope <scope>', 'the scopes, replacing the current ones (repeatable)', collect)
    .addOption(new Option('--clear-scopes', 'remove every scope').conflicts('scope'))
    .option('--expires-at <time>', 'new RFC 3339 expiry')
    .addOption(new Option('--never-expires', 'remove the expiry').conflicts('expiresAt'))
    .option('--allow-list <id>', 'the IP allow lists, replacing the current ones (repeatable)', collect)
    .addOption(new Option('--clear-allow-lists', 'detach every allow list').conflicts('allowList'))
    .option('--label <key=value>', 'the labels, replacing the current ones (repeatable)', collect)
    .addOption(new Option('--clear-labels', 'remove every label').conflicts('label'))
    .option('--rate-limit <uses/seconds>', 'new rate limit, e.g. 100/60', rateLimit)
    .addOption(new Option('--clear-rate-limit', 'remove the rate limit').conflicts('rateLimit'))
    .action(
      action(async (id: string, o: UpdateFlags, cmd: Command) => {
        const body = updateBody(o);
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option (see keyplane api-key update --help)');
        printObject(globals(cmd).output, await clientFor(cmd).updateApiKey(id, body));
      }),
    );

  group
    .command('revoke <id>')
    .description('Revoke a key at once; reads keep returning its tombstone')
    .option('--reason <text>', 'why (kept with the tombstone; default "revoked")')
    .action(
      action(async (id: string, o: { reason?: string }, cmd: Command) =>
        printObject(globals(cmd).output, await clientFor(cmd).revokeApiKey(id, { reason: o.reason })),
      ),
    );

  group
    .command('delete <id>')
    .description('Delete a key and its tombstone')
    .action(
      action(async (id: string, _o: object, cmd: Command) => {
        await clientFor(cmd).deleteApiKey(id);
        printDeleted(globals(cmd).output, id);
      }),
    );
}

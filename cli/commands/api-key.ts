/**
 * `keyplane api-key create|rotate|list|get|update|revoke|delete`. A new secret (create, rotate) goes where the
 * options say: printed once with a warning on stderr (or written to --secret-file), into a secret-store entry
 * (--to-secret) or encrypted by the service to an OpenPGP key (--pgp-key); in those two modes nothing secret
 * is printed. Nothing else ever shows a secret. Every create and rotation carries an Idempotency-Key (made
 * here unless --idempotency-key gives one), so the client may resend a request whose answer was lost without
 * making a second key. With -o json or yaml, create and rotate print one shape whatever the delivery
 * (`printedCreate`); `list` prints the table of cli/commands/api-key-table.ts.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ApiKey, type CreatedApiKey, type UpdateApiKeyBody, plaintextSecret } from '../../client';
import type { Delivery } from '../../contract/api/delivery';
import { DURATION_EXAMPLES, parseDuration } from '../../contract/duration';
import { LIMITS } from '../../contract/limits';
import { parsePgpPublicKey } from '../../contract/pgp-key';
import { clientFor, globals, listPages } from '../context';
import { action, UsageError } from '../errors';
import { withSecretFile } from '../files';
import { API_KEY_SORTS, type ApiKeySort } from '../../contract/api-key-sorts';
import { KEY_STATUSES } from '../../contract/key-status';
import { OWNER_TYPES } from '../../contract/owners';
import { collect, keyValueFilters, keyValues, pagingOptions, type PagingFlags, rateLimit, roleOption } from '../options';
import { addListScopes } from './scopes';
import { mustReachReader, note, printDeleted, printLine, printObject, printTable } from '../output';
import { principalNames } from '../principal-names';
import { serviceAccountIdFrom, serviceAccountNameOption } from '../service-account-name';
import { apiKeyView, NEVER } from './api-key-table';

/** Where a new secret goes, and the request's Idempotency-Key: the options create and rotate share. */
interface DeliveryFlags {
  secretFile?: string;
  toSecret?: { secret_id: string; entry_key?: string };
  pgpKey?: string;
  idempotencyKey?: string;
}

interface CreateFlags extends DeliveryFlags {
  name: string;
  description?: string;
  serviceAccount?: string;
  serviceAccountName?: string;
  user?: string;
  role?: ApiKey['role'];
  scope?: string[];
  expiresAt?: string;
  allowList?: string[];
  label?: string[];
  rateLimit?: { limit: number; window_seconds: number };
}

interface RotateFlags extends DeliveryFlags {
  overlap?: number;
}

interface ListFlags extends PagingFlags {
  serviceAccount?: string;
  serviceAccountName?: string;
  owner?: string;
  ownerType?: ApiKey['owner_type'];
  createdBy?: string;
  status?: ApiKey['status'];
  namePrefix?: string;
  label?: string[];
  sort?: ApiKeySort;
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

/** `--to-secret SECRET_ID[:ENTRY]`; without ENTRY the service writes its default entry. */
export function secretTarget(value: string): { secret_id: string; entry_key?: string } {
  const at = value.indexOf(':');
  const secretId = at < 0 ? value : value.slice(0, at);
  const entry = at < 0 ? undefined : value.slice(at + 1);
  if (secretId === '') throw new InvalidArgumentError('expected SECRET_ID or SECRET_ID:ENTRY, e.g. sec_abc:api_key');
  if (entry !== undefined && !new RegExp(LIMITS.secretEntries.keyPattern).test(entry))
    throw new InvalidArgumentError(`the entry "${entry}" is not a valid entry name: ${LIMITS.secretEntries.keyText}`);
  return entry === undefined ? { secret_id: secretId } : { secret_id: secretId, entry_key: entry };
}

/** `--idempotency-key K`, held to the service's rule (contract/limits.ts). */
export function idempotencyKey(value: string): string {
  const { min, max, pattern } = LIMITS.idempotencyKey;
  if (value.length < min || value.length > max || !new RegExp(pattern).test(value))
    throw new InvalidArgumentError(`expected ${min} to ${max} printable ASCII characters without spaces (a UUID, say)`);
  return value;
}

/** `--overlap 24h`: a duration (contract/duration.ts) up to the service's longest overlap. */
export function overlap(value: string): number {
  const seconds = parseDuration(value);
  const max = LIMITS.rotationOverlap.maxSeconds;
  if (seconds === undefined) throw new InvalidArgumentError(`expected a duration such as ${DURATION_EXAMPLES}`);
  if (seconds > max) throw new InvalidArgumentError(`at most ${max / 86_400}d (${max} seconds)`);
  return seconds;
}

/** The options of create and rotate that say where the new secret goes. */
function deliveryOptions(command: Command): Command {
  return command
    .option('--secret-file <file>', 'write the secret to this file (mode 0600) instead of printing it; with --pgp-key, the encrypted message')
    .addOption(
      new Option('--to-secret <secret_id[:entry]>', 'write the secret into this secret-store entry (default entry "api_key"); nothing secret is printed')
        .argParser(secretTarget)
        .conflicts(['secretFile', 'pgpKey']),
    )
    .option('--pgp-key <file>', 'have the service encrypt the secret to this OpenPGP public key (armored or binary; - is stdin) and print only the message')
    .option('--idempotency-key <key>', 'resending the same request with this key makes no second key (default: a new random key per run)', idempotencyKey);
}

/** The public key in --pgp-key FILE as the API takes it (armored text, or base64 of a binary key), checked here first. */
async function pgpKeyFrom(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new UsageError(`--pgp-key ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const text = bytes.toString('utf8');
  const key = /-----BEGIN PGP /.test(text) || /^[A-Za-z0-9+/=\s]+$/.test(text) ? text.trim() : bytes.toString('base64');
  if (key.length > LIMITS.pgpPublicKey.max)
    throw new UsageError(`--pgp-key ${file} is larger than a public key may be (${LIMITS.pgpPublicKey.max} characters)`);
  const parsed = await parsePgpPublicKey(key, `--pgp-key ${file}`);
  if (!parsed.ok) throw new UsageError(parsed.detail);
  return key;
}

async function deliveryFrom(o: DeliveryFlags): Promise<Delivery | undefined> {
  if (o.toSecret) return { secret_store: o.toSecret };
  if (o.pgpKey !== undefined) return { pgp_public_key: await pgpKeyFrom(o.pgpKey) };
  return undefined;
}

/**
 * What create and rotate print with -o json or yaml: the API's answer, in one shape wherever the secret went.
 * With --secret-file the secret is in the file, so `secret` is left out and `secret_file` says where.
 */
export type PrintedCreate = Omit<CreatedApiKey, 'secret'> & { secret?: string; secret_file?: string };

export function printedCreate(created: CreatedApiKey, secretFile: string | undefined): PrintedCreate {
  if (secretFile === undefined) return created;
  const { secret: _inTheFile, ...rest } = created;
  return { ...rest, secret_file: resolve(secretFile) };
}

const OUTPUT_HELP = `
Output: the table shows the key (and the secret or the encrypted message when printed). -o json and
-o yaml print one shape in every case, the API's answer {api_key, secret, delivery, replayed}: secret
only when it is printed; with --secret-file no secret field, and secret_file, the file's absolute path.`;

/**
 * Sends a create or rotation and shows its answer: the metadata always, the secret only in response mode
 * (printed, or in --secret-file), the armored message with --pgp-key, and on stderr where the secret went.
 */
async function deliverAndPrint(cmd: Command, o: DeliveryFlags, what: string, send: (delivery: Delivery | undefined, key: string) => Promise<CreatedApiKey>) {
  const delivery = await deliveryFrom(o);
  const key = o.idempotencyKey ?? randomUUID();
  const format = globals(cmd).output;
  const sendOnce = async () => {
    const answer = await send(delivery, key);
    // A replay of a response-mode request has no secret: its first answer, the only one with it, was lost.
    if (answer.delivery.mode === 'response' && answer.secret === undefined)
      throw new Error(
        `key ${answer.api_key.id} was ${what} by an earlier request with Idempotency-Key ${key}, whose answer (the only one holding the secret) was lost; rotate it (keyplane api-key rotate ${answer.api_key.id}) or delete it`,
      );
    return answer;
  };
  const created = await withSecretFile(o.secretFile, '--secret-file', sendOnce, (c) =>
    c.delivery.mode === 'pgp' ? c.delivery.pgp!.encrypted_secret.trimEnd() : plaintextSecret(c),
  );
  const id = created.api_key.id;
  if (created.replayed) note(`Key ${id} was ${what} by an earlier request with Idempotency-Key ${key}; this is that request's answer again.`);
  const { mode, secret_store: store, pgp } = created.delivery;
  if (mode === 'secret_store')
    note(`The secret of ${id} is in secret ${store!.secret_id}, entry ${store!.entry_key} (version ${store!.version}); nothing secret was printed.`);
  else if (mode === 'pgp' && o.secretFile) note(`The secret of ${id}, encrypted to ${pgp!.key_fingerprint}, is in ${o.secretFile}.`);
  else if (mode === 'pgp') note(`The secret of ${id} is encrypted to ${pgp!.key_fingerprint}; decrypt it with keyplane pgp decrypt or gpg --decrypt.`);
  else if (o.secretFile) note(`The secret of ${id} is in ${o.secretFile} (mode 0600); it will not be shown again.`);
  else note('warning: the secret is shown only this once and cannot be retrieved again; store it now (or use --secret-file).');

  if (!o.secretFile && mode !== 'secret_store')
    mustReachReader(`key ${id} was ${what}, and its secret was not delivered; rotate it (keyplane api-key rotate ${id}) or delete it`);
  if (format !== 'table') return printObject(format, printedCreate(created, o.secretFile));
  printObject(format, created.api_key);
  if (o.secretFile) return;
  if (mode === 'pgp') {
    printLine(`key_fingerprint: ${pgp!.key_fingerprint}`);
    printLine(pgp!.encrypted_secret.trimEnd());
  } else if (mode === 'response') {
    printLine(`secret: ${created.secret}`);
  }
}

export function register(program: Command): void {
  const group = program.command('api-key').description('Issue and manage API keys');

  deliveryOptions(
    group
      .command('create')
      .description('Create a key; its secret goes where the options say, or is printed this once')
      .requiredOption('--name <name>', 'name of the key')
      .option('--description <text>', 'what the key is for')
      .option('--service-account <id>', 'owning service account (default: the calling user)')
      .addOption(serviceAccountNameOption('owning service account, by name', ['user']))
      .addOption(new Option('--user <id>', 'owning user (admins only)').conflicts('serviceAccount'))
      .addOption(roleOption('role of the key (default: the highest the owner and the caller allow)'))
      .option('--scope <scope>', 'a scope from the catalogue (repeatable)', collect)
      .option('--expires-at <time>', 'RFC 3339 expiry, e.g. 2030-01-31T00:00:00Z (default: never)')
      .option('--allow-list <id>', 'an IP allow list the key is limited to (repeatable)', collect)
      .option('--label <key=value>', 'a label (repeatable)', collect)
      .option('--rate-limit <uses/seconds>', 'limit the key to USES per window of SECONDS, e.g. 100/60 (default: none)', rateLimit)
      .addHelpText('after', OUTPUT_HELP),
  ).action(
    action(async (o: CreateFlags, cmd: Command) => {
      const labels = keyValues(o.label, '--label');
      const client = clientFor(cmd);
      const serviceAccountId = await serviceAccountIdFrom(client, o);
      await deliverAndPrint(cmd, o, 'created', (delivery, idempotencyKey) =>
        client.createApiKey(
          {
            name: o.name,
            description: o.description,
            service_account_id: serviceAccountId,
            user_id: o.user,
            role: o.role,
            scopes: o.scope,
            expires_at: o.expiresAt,
            allow_list_ids: o.allowList,
            labels,
            rate_limit: o.rateLimit,
            delivery,
          },
          { idempotencyKey },
        ),
      );
    }),
  );

  deliveryOptions(
    group
      .command('rotate <id>')
      .description('Give a key a new secret, keeping its id and settings; the previous secret works for --overlap, then stops')
      .option('--overlap <duration>', `how long the previous secret keeps working: ${DURATION_EXAMPLES} (at most 7d; default 0, it stops at once)`, overlap)
      .addHelpText('after', OUTPUT_HELP),
  ).action(
    action(async (id: string, o: RotateFlags, cmd: Command) => {
      const client = clientFor(cmd);
      await deliverAndPrint(cmd, o, 'rotated', (delivery, idempotencyKey) =>
        client.rotateApiKey(id, { overlap_seconds: o.overlap, delivery }, { idempotencyKey }),
      );
    }),
  );

  pagingOptions(
    group
      .command('list')
      .description('List keys (never their secrets)')
      .option('--service-account <id>', 'only keys of this service account')
      .addOption(serviceAccountNameOption('only keys of the service account with this name'))
      .option('--owner <id>', 'only keys of this owner (a user or service account id)')
      .addOption(new Option('--owner-type <type>', 'only keys owned by users or by service accounts').choices(OWNER_TYPES))
      .option('--created-by <id>', 'only keys created by this user or service account')
      .addOption(new Option('--status <status>', 'only keys in this state').choices(KEY_STATUSES))
      .option('--name-prefix <prefix>', 'only keys whose name starts with this')
      .option('--label <key=value>', 'only keys with this label (repeatable; all must match)', collect)
      .addOption(
        new Option('--sort <order>', 'order by a date, oldest first, or newest first with a leading - (--sort=-last_used_at); undated keys last').choices(
          API_KEY_SORTS,
        ),
      )
      .addHelpText(
        'after',
        `
Output: the table fits the terminal (100 columns when stdout is not one): ID, NAME, STATUS, OWNER and
CREATED BY (names), CREATED, LAST USED (with the address when it fits), EXPIRES ("${NEVER}" when none);
dates are relative ("3d ago", "in 2h") and long names end in "…". -o wide adds ROLE, the owner and creator
ids, exact times, the last address, PREFIX, SCOPES and LABELS, nothing shortened. -o json and -o yaml
print the API's objects.`,
      ),
  ).action(
    action(async (o: ListFlags, cmd: Command) => {
      const label = keyValueFilters(o.label, '--label');
      const client = clientFor(cmd);
      const query = {
        service_account_id: await serviceAccountIdFrom(client, o),
        owner_id: o.owner,
        owner_type: o.ownerType,
        created_by: o.createdBy,
        status: o.status,
        name_prefix: o.namePrefix,
        label,
        sort: o.sort,
      };
      const keys = await listPages(client, client.listApiKeys, query, o);
      const { output, wide } = globals(cmd);
      const names =
        output === 'table'
          ? await principalNames(
              client,
              keys.flatMap((k) => [k.owner_id, k.created_by]),
            )
          : new Map<string, string>();
      printTable(output, wide, keys, apiKeyView(names), 'no API keys found');
    }),
  );

  addListScopes(group, 'list-scopes', 'List the scopes a key can hold, for --scope (the same as keyplane scopes list)');

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

/**
 * `keyplane secret …`: the versioned secret store. A secret is a named container; `write` makes a new
 * immutable version (the latest one's entries with the write's changes, or only the write's with --replace),
 * `read` prints one with its entries.
 * Values given with --entry end up in shell history; --entry-file and --from-json keep them out of it.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PageParams, SecretVersionWithEntries, UpdateSecretBody, WriteVersionBody } from '../../client';
import { clientFor, globals, listPages } from '../context';
import { action, UsageError } from '../errors';
import { collect, integer, keyValues, pagingOptions, type PagingFlags } from '../options';
import { type Format, printDeleted, printLine, printList, printObject, printTable, write } from '../output';
import { namesForTable } from '../principal-names';
import { secretVersionView, secretView } from './secret-table';

interface WriteFlags {
  entry?: string[];
  entryFile?: string[];
  fromJson?: string;
  remove?: string[];
  expectedVersion?: number;
  replace?: boolean;
}

function readInput(file: string, option: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(`${option} ${file} cannot be read: ${(err as Error).message}`);
  }
}

/** The entries a write sets, from --from-json, then --entry-file, then --entry (a later source wins). */
export function entriesFrom(o: WriteFlags): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  if (o.fromJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readInput(o.fromJson, '--from-json'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`--from-json ${o.fromJson} is not JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
      throw new UsageError(`--from-json ${o.fromJson} must hold one JSON object of string values, e.g. {"password":"…"}`);
    }
    out = { ...(parsed as Record<string, string>) };
  }
  for (const [key, file] of Object.entries(keyValues(o.entryFile, '--entry-file') ?? {})) {
    // One trailing newline is what editors and `echo` add; the value is what comes before it.
    out = { ...out, [key]: readInput(file, `--entry-file ${key}=`).replace(/\r?\n$/, '') };
  }
  for (const [key, value] of Object.entries(keyValues(o.entry, '--entry') ?? {})) out = { ...out, [key]: value };
  return out;
}

function parseVersion(value: string | undefined): number | 'latest' {
  if (value === undefined || value === 'latest') return 'latest';
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`VERSION "${value}" is not a version number (1, 2, …) or "latest"`);
  return Number(value);
}

function printVersion(format: Format, v: SecretVersionWithEntries): void {
  if (format !== 'table') {
    printObject(format, v);
    return;
  }
  printObject(format, { secret_id: v.secret_id, version: v.version, created_by: v.created_by, created_at: v.created_at, destroyed_at: v.destroyed_at });
  if (v.destroyed_entries.length > 0) printLine(`(destroyed, values gone for good: ${v.destroyed_entries.join(', ')})`);
  printLine('');
  printList(
    format,
    Object.entries(v.entries).map(([key, value]) => ({ key, value })),
    ['key', 'value'],
    'this version has no entries',
  );
}

export function register(program: Command): void {
  const group = program.command('secret').description('The versioned secret store');

  group
    .command('create')
    .description('Create a secret (a container of versions; write one with "secret write")')
    .requiredOption('--name <name>', 'unique name')
    .option('--description <text>', 'what it holds')
    .option('--service-account <id>', 'owning service account (default: the caller)')
    .action(
      action(async (o: { name: string; description?: string; serviceAccount?: string }, cmd: Command) =>
        printObject(globals(cmd).output, await clientFor(cmd).createSecret({ name: o.name, description: o.description, service_account_id: o.serviceAccount })),
      ),
    );

  pagingOptions(group.command('list').description('List secrets (metadata only)').option('--name <name>', 'only the secret with this name')).action(
    action(async (o: PagingFlags & { name?: string }, cmd: Command) => {
      const client = clientFor(cmd);
      const items = await listPages(client, client.listSecrets, { name: o.name }, o);
      const { output, wide } = globals(cmd);
      const names = await namesForTable(
        client,
        output,
        items.flatMap((s) => [s.owner_id, ...(wide ? [s.created_by] : [])]),
      );
      printTable(output, wide, items, secretView(names), 'no secrets found');
    }),
  );

  group
    .command('get <id>')
    .description('Show a secret (metadata only; "secret read" prints entries)')
    .action(action(async (id: string, _o: object, cmd: Command) => printObject(globals(cmd).output, await clientFor(cmd).getSecret(id))));

  group
    .command('update <id>')
    .description('Rename or describe a secret')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .action(
      action(async (id: string, o: { name?: string; description?: string }, cmd: Command) => {
        const body: UpdateSecretBody = {};
        if (o.name !== undefined) body.name = o.name;
        if (o.description !== undefined) body.description = o.description;
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give --name or --description');
        printObject(globals(cmd).output, await clientFor(cmd).updateSecret(id, body));
      }),
    );

  group
    .command('delete <id>')
    .description('Delete a secret and all its versions')
    .action(
      action(async (id: string, _o: object, cmd: Command) => {
        await clientFor(cmd).deleteSecret(id);
        printDeleted(globals(cmd).output, id);
      }),
    );

  group
    .command('write <id>')
    .description('Write entries as a new version, merged over the latest one unless --replace')
    .option('--entry <key=value>', 'an entry (repeatable; the value lands in shell history, see --entry-file)', collect)
    .option('--entry-file <key=file>', "an entry whose value is the file's content, one trailing newline dropped (repeatable; - is stdin)", collect)
    .option('--from-json <file>', 'entries from a JSON object of strings (- is stdin)')
    .option('--remove <key>', 'drop this entry from the new version (repeatable)', collect)
    .option('--expected-version <n>', 'check-and-set: fail unless this is the latest version (0 = none yet)', integer(0))
    .option('--replace', "start from no entries instead of the latest version's")
    .action(
      action(async (id: string, o: WriteFlags, cmd: Command) => {
        const entries = entriesFrom(o);
        if (!entries && !o.remove && !o.replace) throw new UsageError('nothing to write: give --entry, --entry-file, --from-json or --remove');
        const body: WriteVersionBody = { entries, remove_entries: o.remove, expected_version: o.expectedVersion, replace: o.replace };
        printObject(globals(cmd).output, await clientFor(cmd).writeSecretVersion(id, body));
      }),
    );

  group
    .command('read <id> [version]')
    .description('Print a version with its entries: the latest, or VERSION')
    .option('--entry <key>', "print only this entry's value, nothing else (for scripts)")
    .action(
      action(async (id: string, version: string | undefined, o: { entry?: string }, cmd: Command) => {
        const v = await clientFor(cmd).readSecretVersion(id, parseVersion(version));
        if (o.entry === undefined) return printVersion(globals(cmd).output, v);
        if (v.destroyed_entries.includes(o.entry))
          throw new Error(`entry "${o.entry}" of version ${v.version} of secret ${id} is destroyed: its value is gone for good`);
        if (!Object.hasOwn(v.entries, o.entry))
          throw new Error(`version ${v.version} of secret ${id} has no entry "${o.entry}" (it has: ${Object.keys(v.entries).join(', ') || 'none'})`);
        write(`${v.entries[o.entry]}\n`);
      }),
    );

  pagingOptions(group.command('versions <id>').description("List a secret's versions, newest first: what each changed (no values)")).action(
    action(async (id: string, o: PagingFlags, cmd: Command) => {
      const client = clientFor(cmd);
      const items = await listPages(client, (q: PageParams) => client.listSecretVersions(id, q), {}, o);
      const { output, wide } = globals(cmd);
      const names = await namesForTable(
        client,
        output,
        items.map((v) => v.created_by),
      );
      printTable(output, wide, items, secretVersionView(names), 'no versions yet');
    }),
  );

  group
    .command('destroy-version <id> <version>')
    .description('Erase the values a version wrote, for good, from every version showing them (entries other versions wrote stay)')
    .action(
      action(async (id: string, version: string, _o: object, cmd: Command) => {
        const n = parseVersion(version);
        if (n === 'latest') throw new UsageError('destroy-version needs a version number, not "latest"');
        printObject(globals(cmd).output, await clientFor(cmd).destroySecretVersion(id, n));
      }),
    );
}

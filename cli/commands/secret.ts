/** `keyplane secret …`: the versioned secret store. @module */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { action, clientFor, collect, globals, UsageError } from '../context';
import { print } from '../output';

function entries(pairs: string[] | undefined, files: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const at = p.indexOf('=');
    if (at <= 0) throw new UsageError(`--entry ${p.includes('=') ? '' : p} is not KEY=VALUE`);
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  for (const p of files ?? []) {
    const at = p.indexOf('=');
    if (at <= 0) throw new UsageError(`--entry-file ${p} is not KEY=FILE`);
    out[p.slice(0, at)] = readFileSync(p.slice(at + 1), 'utf8').replace(/\n$/, '');
  }
  return out;
}

export function register(program: Command): void {
  const group = program.command('secret').description('The versioned secret store');
  const out = (cmd: Command, v: unknown) => print(globals(cmd).output, v);
  group
    .command('create')
    .requiredOption('--name <name>')
    .option('--description <text>')
    .option('--service-account <id>', 'owning service account (default: the caller)')
    .action(action(async (o, cmd: Command) => out(cmd, await clientFor(cmd).createSecret({ name: o.name, description: o.description, service_account_id: o.serviceAccount }))));
  group.command('list').action(action(async (_o, cmd: Command) => print(globals(cmd).output, (await clientFor(cmd).listSecrets()).items, ['id', 'name', 'latest_version', 'owner_id', 'description'])));
  group.command('get <id>').action(action(async (id: string, _o, cmd: Command) => out(cmd, await clientFor(cmd).getSecret(id))));
  group
    .command('update <id>')
    .option('--name <name>')
    .option('--description <text>')
    .action(action(async (id: string, o, cmd: Command) => out(cmd, await clientFor(cmd).updateSecret(id, { name: o.name, description: o.description }))));
  group.command('delete <id>').action(
    action(async (id: string, _o, cmd: Command) => {
      await clientFor(cmd).deleteSecret(id);
      process.stderr.write(`deleted ${id}\n`);
    }),
  );
  group
    .command('write <id>')
    .description('Write entries as a new version (merged with the latest unless --replace)')
    .option('--entry <key=value>', 'an entry (repeatable); prefer --entry-file to keep values out of shell history', collect)
    .option('--entry-file <key=file>', 'an entry read from a file (repeatable)', collect)
    .option('--remove <key>', 'drop an entry (repeatable)', collect)
    .option('--expected-version <n>', 'fail unless this is the latest version (check-and-set)', (v) => Number(v))
    .option('--replace', 'start from no entries')
    .action(
      action(async (id: string, o, cmd: Command) => {
        const e = entries(o.entry, o.entryFile);
        if (Object.keys(e).length === 0 && !o.remove) throw new UsageError('nothing to write: give --entry, --entry-file or --remove');
        out(cmd, await clientFor(cmd).writeSecretVersion(id, { entries: e, remove_entries: o.remove, expected_version: o.expectedVersion, replace: o.replace }));
      }),
    );
  group
    .command('read <id>')
    .description('Print a version with its entries (the latest by default)')
    .option('--version <n>', 'a version number', (v) => Number(v))
    .option('--entry <key>', 'print only this entry\'s value')
    .action(
      action(async (id: string, o, cmd: Command) => {
        const v = await clientFor(cmd).readSecretVersion(id, o.version ?? 'latest');
        if (o.entry) {
          if (!v.entries || !(o.entry in v.entries)) throw new Error(`version ${v.version} of ${id} has no entry ${o.entry}${v.destroyed_at ? ' (the version is destroyed)' : ''}`);
          process.stdout.write(`${v.entries[o.entry]}\n`);
          return;
        }
        out(cmd, v);
      }),
    );
  group.command('versions <id>').action(action(async (id: string, _o, cmd: Command) => print(globals(cmd).output, await clientFor(cmd).listSecretVersions(id), ['version', 'entry_keys', 'created_by', 'created_at', 'destroyed_at'])));
  group
    .command('destroy-version <id> <version>')
    .description('Erase a version\'s entries for good')
    .action(action(async (id: string, version: string, _o, cmd: Command) => out(cmd, await clientFor(cmd).destroySecretVersion(id, Number(version)))));
}

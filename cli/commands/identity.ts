/** `keyplane whoami` and `keyplane verify`. @module */
import type { Command } from 'commander';
import { action, checkKeyFormat, clientFor, collect, globals } from '../context';
import { print } from '../output';

export function register(program: Command): void {
  program
    .command('whoami')
    .description('Show the calling key and who it acts for')
    .action(
      action(async (_o, cmd: Command) => {
        const w = await clientFor(cmd).whoami();
        const format = globals(cmd).output;
        if (format === 'table') print(format, { key_id: w.api_key.id, key_name: w.api_key.name, principal: `${w.principal.type} ${w.principal.id} (${w.principal.name})`, role: w.effective_role, scopes: w.api_key.scopes });
        else print(format, w);
      }),
    );
  program
    .command('verify <key>')
    .description('Verify a key presented to your service (needs admin or keyplane.keys.verify); exits 0 either way, see "valid"')
    .option('--scope <scope>', 'a scope the key must hold (repeatable)', collect)
    .option('--client-ip <ip>', 'where the key was presented from')
    .action(
      action(async (key: string, o, cmd: Command) => {
        checkKeyFormat(key, 'the key to verify');
        print(globals(cmd).output, await clientFor(cmd).verify({ key, required_scopes: o.scope, client_ip: o.clientIp }));
      }),
    );
}

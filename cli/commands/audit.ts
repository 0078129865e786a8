/** `keyplane audit list`. @module */
import type { Command } from 'commander';
import { action, clientFor, globals } from '../context';
import { print } from '../output';

export function register(program: Command): void {
  program
    .command('audit')
    .description('The audit log')
    .command('list')
    .option('--action <action>')
    .option('--actor <id>')
    .option('--key <id>')
    .option('--target <id>')
    .option('--outcome <outcome>', 'success or failure')
    .option('--since <time>')
    .option('--until <time>')
    .option('--page-size <n>', 'events per page', (v) => Number(v))
    .action(
      action(async (o, cmd: Command) => {
        const page = await clientFor(cmd).listAuditEvents({ action: o.action, actor_id: o.actor, key_id: o.key, target_id: o.target, outcome: o.outcome, since: o.since, until: o.until, page_size: o.pageSize });
        print(globals(cmd).output, page.items, ['time', 'action', 'outcome', 'actor_id', 'key_id', 'target_id', 'address']);
      }),
    );
}

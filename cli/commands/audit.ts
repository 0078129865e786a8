/**
 * `keyplane audit list`: the audit log, newest first (admin, or the keyplane.audit.read scope).
 * @module
 */
import { type Command, Option } from 'commander';
import type { AuditEvent } from '../../client';
import { clientFor, globals, listPages } from '../context';
import { action } from '../errors';
import { AUDIT_OUTCOMES } from '../../contract/audit-outcomes';
import { pagingOptions, type PagingFlags } from '../options';
import { printTable } from '../output';
import { namesForTable } from '../principal-names';
import { auditView } from './audit-table';

interface ListFlags extends PagingFlags {
  action?: string;
  actor?: string;
  key?: string;
  target?: string;
  outcome?: AuditEvent['outcome'];
  since?: string;
  until?: string;
}

export function register(program: Command): void {
  const group = program.command('audit').description('The audit log');
  pagingOptions(
    group
      .command('list')
      .description('List audit events, newest first')
      .option('--action <action>', 'only this action, e.g. api_key.create')
      .option('--actor <id>', 'only events by this user or service account')
      .option('--key <id>', 'only events by this API key')
      .option('--target <id>', 'only events about this resource')
      .addOption(new Option('--outcome <outcome>', 'only successes or failures').choices(AUDIT_OUTCOMES))
      .option('--since <time>', 'RFC 3339; events at or after')
      .option('--until <time>', 'RFC 3339; events before'),
  ).action(
    action(async (o: ListFlags, cmd: Command) => {
      const client = clientFor(cmd);
      const query = { action: o.action, actor_id: o.actor, key_id: o.key, target_id: o.target, outcome: o.outcome, since: o.since, until: o.until };
      const events = await listPages(client, client.listAuditEvents, query, o);
      const { output, wide } = globals(cmd);
      const names = await namesForTable(
        client,
        output,
        events.map((e) => e.actor_id),
      );
      printTable(output, wide, events, auditView(names), 'no audit events found');
    }),
  );
}

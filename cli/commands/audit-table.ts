/**
 * The columns of `keyplane audit list`. The table fits the terminal (cli/output.ts `printTable`): when, what,
 * how it ended, who by name, on what, from where. Actor, target (an id, or a scope's name) and address give
 * way together, the widest first, so one long scope name does not cut every row's actor. `-o wide` shows
 * every column in full: the exact time, the key that acted, the ids behind the names, the request id and
 * the details.
 * @module
 */
import type { AuditEvent } from '../../client';
import { cellText, type Column } from '../output';
import { byName } from '../principal-names';
import { relativeTime } from '../relative-time';

/** The views of an audit event list; `names` holds the names of actors (cli/principal-names.ts), `now` anchors relative times. */
export function auditView(names: ReadonlyMap<string, string>, now = Date.now()): { table: Column<AuditEvent>[]; wide: Column<AuditEvent>[] } {
  const actor = (e: AuditEvent) => (e.actor_id === null ? '-' : byName(names, e.actor_id));
  const action: Column<AuditEvent> = { header: 'ACTION', value: (e) => e.action };
  const outcome: Column<AuditEvent> = { header: 'OUTCOME', value: (e) => e.outcome };
  return {
    table: [
      { header: 'TIME', value: (e) => relativeTime(e.time, now) },
      action,
      outcome,
      { header: 'ACTOR', value: actor, cut: 'second' },
      { header: 'TARGET', value: (e) => cellText(e.target_id), cut: 'second' },
      { header: 'ADDRESS', value: (e) => cellText(e.address), cut: 'second' },
    ],
    wide: [
      { header: 'TIME', value: (e) => e.time },
      action,
      outcome,
      { header: 'ACTOR', value: actor },
      { header: 'ACTOR ID', value: (e) => cellText(e.actor_id) },
      { header: 'KEY ID', value: (e) => cellText(e.key_id) },
      { header: 'TARGET TYPE', value: (e) => cellText(e.target_type) },
      { header: 'TARGET', value: (e) => cellText(e.target_id) },
      { header: 'ADDRESS', value: (e) => cellText(e.address) },
      { header: 'REQUEST ID', value: (e) => cellText(e.request_id) },
      // JSON, not `k=v` pairs: details nest lists (the entries a version wrote), which commas would run together.
      { header: 'DETAILS', value: (e) => JSON.stringify(e.details) },
    ],
  };
}

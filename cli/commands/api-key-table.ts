/**
 * The columns of `keyplane api-key list`. The table fits 100 columns (cli/output.ts `printTable`): the id
 * whole, since every other command takes it; owner and creator by name; dates relative; the last use's
 * address only when there is room; owner and creator cut before the name. `-o wide` shows every column in
 * full, with exact times and ids.
 * @module
 */
import type { ApiKey } from '../../client';
import { cellText, type Column } from '../output';
import { byName } from '../principal-names';
import { relativeTime } from '../relative-time';

export const NEVER = 'Never';

/** The views of a key list; `names` holds the names of owners and creators (cli/principal-names.ts), `now` anchors relative dates. */
export function apiKeyView(names: ReadonlyMap<string, string>, now = Date.now()): { table: Column<ApiKey>[]; wide: Column<ApiKey>[] } {
  const name = (id: string) => byName(names, id);
  const when = (iso: string | null) => (iso === null ? NEVER : relativeTime(iso, now));
  const id: Column<ApiKey> = { header: 'ID', value: (k) => k.id };
  const status: Column<ApiKey> = { header: 'STATUS', value: (k) => k.status };
  return {
    table: [
      id,
      { header: 'NAME', value: (k) => k.name, cut: 'last' },
      status,
      { header: 'OWNER', value: (k) => name(k.owner_id), cut: 'second' },
      { header: 'CREATED BY', value: (k) => name(k.created_by), cut: 'second' },
      { header: 'CREATED', value: (k) => when(k.created_at) },
      {
        header: 'LAST USED',
        value: (k) => (k.last_used_at !== null && k.last_used_ip !== null ? `${when(k.last_used_at)} from ${k.last_used_ip}` : when(k.last_used_at)),
        compact: (k) => when(k.last_used_at),
      },
      { header: 'EXPIRES', value: (k) => when(k.expires_at) },
    ],
    wide: [
      id,
      { header: 'NAME', value: (k) => k.name },
      status,
      { header: 'ROLE', value: (k) => k.effective_role },
      { header: 'OWNER', value: (k) => name(k.owner_id) },
      { header: 'OWNER ID', value: (k) => k.owner_id },
      { header: 'CREATED BY', value: (k) => name(k.created_by) },
      { header: 'CREATED BY ID', value: (k) => k.created_by },
      { header: 'CREATED', value: (k) => k.created_at },
      { header: 'LAST USED', value: (k) => k.last_used_at ?? NEVER },
      { header: 'LAST USED FROM', value: (k) => cellText(k.last_used_ip) },
      { header: 'EXPIRES', value: (k) => k.expires_at ?? NEVER },
      { header: 'PREFIX', value: (k) => k.display_prefix },
      { header: 'SCOPES', value: (k) => cellText(k.scopes) },
      { header: 'LABELS', value: (k) => cellText(k.labels) },
    ],
  };
}

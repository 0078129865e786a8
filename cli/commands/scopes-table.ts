/**
 * The columns of `keyplane scopes list` (and `api-key list-scopes`). The table fits the terminal
 * (cli/output.ts `printTable`): the description is cut first; the name, which --scope takes, last.
 * `-o wide` adds when each was registered, nothing cut.
 * @module
 */
import type { Scope } from '../../client';
import { cellText, type Column } from '../output';

const BUILTIN: Column<Scope> = { header: 'BUILTIN', value: (s) => cellText(s.builtin) };

/** The views of the scope catalogue. */
export const SCOPE_VIEW: { table: Column<Scope>[]; wide: Column<Scope>[] } = {
  table: [{ header: 'NAME', value: (s) => s.name, cut: 'last' }, BUILTIN, { header: 'DESCRIPTION', value: (s) => s.description, cut: 'first' }],
  wide: [
    { header: 'NAME', value: (s) => s.name },
    BUILTIN,
    { header: 'CREATED', value: (s) => s.created_at },
    { header: 'DESCRIPTION', value: (s) => s.description },
  ],
};

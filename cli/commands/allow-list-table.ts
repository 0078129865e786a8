/**
 * The columns of `keyplane allow-list list`. The table fits the terminal (cli/output.ts `printTable`): the id
 * whole, the description cut first, then the CIDRs, the name last. `-o wide` shows every column in full, with
 * the role a key needs to change the list, its creator by name and id, and exact times.
 * @module
 */
import type { IpAllowList } from '../../client';
import { cellText, type Column } from '../output';
import { byName } from '../principal-names';

/** The views of an allow list list; `names` holds the names of creators (cli/principal-names.ts). */
export function allowListView(names: ReadonlyMap<string, string>): { table: Column<IpAllowList>[]; wide: Column<IpAllowList>[] } {
  const id: Column<IpAllowList> = { header: 'ID', value: (l) => l.id };
  const description = (l: IpAllowList) => cellText(l.description || null);
  return {
    table: [
      id,
      { header: 'NAME', value: (l) => l.name, cut: 'last' },
      { header: 'CIDRS', value: (l) => cellText(l.cidrs), cut: 'second' },
      { header: 'DESCRIPTION', value: description, cut: 'first' },
    ],
    wide: [
      id,
      { header: 'NAME', value: (l) => l.name },
      { header: 'CIDRS', value: (l) => cellText(l.cidrs) },
      { header: 'ROLE TO CHANGE', value: (l) => l.least_role_to_change },
      { header: 'CREATED BY', value: (l) => byName(names, l.created_by) },
      { header: 'CREATED BY ID', value: (l) => l.created_by },
      { header: 'CREATED', value: (l) => l.created_at },
      { header: 'UPDATED', value: (l) => l.updated_at },
      { header: 'DESCRIPTION', value: description },
    ],
  };
}

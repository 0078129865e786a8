/**
 * The columns of `keyplane service-account list`. The table fits the terminal (cli/output.ts `printTable`):
 * the id whole, the owner by name, the description cut first and the name last. `-o wide` shows every column
 * in full, with the ids behind the names, the managers and exact times.
 * @module
 */
import type { ServiceAccount } from '../../client';
import { cellText, type Column } from '../output';
import { byName } from '../principal-names';

/** The views of a service account list; `names` holds the names of owners, managers and creators (cli/principal-names.ts). */
export function serviceAccountView(names: ReadonlyMap<string, string>): { table: Column<ServiceAccount>[]; wide: Column<ServiceAccount>[] } {
  const owner = (a: ServiceAccount) => (a.owner_user_id === null ? '-' : byName(names, a.owner_user_id));
  const id: Column<ServiceAccount> = { header: 'ID', value: (a) => a.id };
  const role: Column<ServiceAccount> = { header: 'ROLE', value: (a) => a.role };
  const disabled: Column<ServiceAccount> = { header: 'DISABLED', value: (a) => cellText(a.disabled) };
  return {
    table: [
      id,
      { header: 'NAME', value: (a) => a.name, cut: 'last' },
      role,
      disabled,
      { header: 'OWNER', value: owner, cut: 'second' },
      { header: 'DESCRIPTION', value: (a) => cellText(a.description || null), cut: 'first' },
    ],
    wide: [
      id,
      { header: 'NAME', value: (a) => a.name },
      role,
      disabled,
      { header: 'OWNER', value: owner },
      { header: 'OWNER ID', value: (a) => cellText(a.owner_user_id) },
      { header: 'MANAGERS', value: (a) => cellText(a.manager_user_ids.map((m) => byName(names, m))) },
      { header: 'MANAGER IDS', value: (a) => cellText(a.manager_user_ids) },
      { header: 'CREATED BY', value: (a) => byName(names, a.created_by) },
      { header: 'CREATED BY ID', value: (a) => a.created_by },
      { header: 'CREATED', value: (a) => a.created_at },
      { header: 'UPDATED', value: (a) => a.updated_at },
      { header: 'DESCRIPTION', value: (a) => cellText(a.description || null) },
    ],
  };
}

/** The principals a view names: the owners in the table, and managers and creators too in wide. */
export function serviceAccountPrincipals(accounts: readonly ServiceAccount[], wide: boolean): (string | null)[] {
  return accounts.flatMap((a) => [a.owner_user_id, ...(wide ? [...a.manager_user_ids, a.created_by] : [])]);
}

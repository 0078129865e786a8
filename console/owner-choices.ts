/**
 * Who a new key may belong to: the signed-in principal itself, or a service account it may act for, by the
 * rule the service applies when a key names `service_account_id` (contract/stewardship.ts, `act`: admins,
 * the account's owner and managers within their role). Disabled accounts are left out: their keys are
 * refused at every use. The role a new key may have is capped by both the caller's and the owner's role.
 */
import type { Role } from '../contract/roles';
import { ROLES_HIGHEST_FIRST, atLeast, lowerRole } from '../contract/roles';
import type { ServiceAccount, Whoami } from '../contract/api';
import { mayDoToAccount } from './account-rights';

export function accountsForNewKeys(me: Whoami, accounts: readonly ServiceAccount[]): ServiceAccount[] {
  return accounts.filter((sa) => {
    if (sa.disabled) return false;
    // The principal itself is offered as "yourself".
    if (me.principal.type === 'service_account' && sa.id === me.principal.id) return false;
    return mayDoToAccount(me, sa, 'act');
  });
}

/** The roles a new key may have, highest first: none above the caller's effective role or the owner's role. */
export function rolesForNewKey(callerRole: Role, ownerRole: Role): Role[] {
  const ceiling = lowerRole(callerRole, ownerRole);
  return ROLES_HIGHEST_FIRST.filter((r) => atLeast(ceiling, r));
}

/** A choice of the API Keys page's Owner filter: its select value, its label, and what it adds to the list's query. */
export interface OwnerFilter {
  value: string;
  label: string;
  query: { owner_type?: Whoami['principal']['type']; owner_id?: string; service_account_id?: string };
}

/**
 * The Owner filter of the API Keys page: Anyone, Me (the signed-in principal, user or service account), then
 * every service account the caller can read by name, disabled ones too (their keys still exist), the
 * principal itself left out (it is Me).
 */
export function ownerFilters(me: Whoami, accounts: readonly ServiceAccount[]): OwnerFilter[] {
  const others = accounts.filter((sa) => !(me.principal.type === 'service_account' && sa.id === me.principal.id)).sort((a, b) => a.name.localeCompare(b.name));
  return [
    { value: '', label: 'Anyone', query: {} },
    { value: 'me', label: 'Me', query: { owner_type: me.principal.type, owner_id: me.principal.id } },
    ...others.map((sa) => ({ value: sa.id, label: sa.disabled ? `${sa.name} (disabled)` : sa.name, query: { service_account_id: sa.id } })),
  ];
}

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

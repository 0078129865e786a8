/**
 * What the signed-in principal may do to a service account, by the rule the service applies
 * (contract/stewardship.ts, asked by service/service-accounts/stewards.ts): `act` (mint and manage its keys),
 * `change` (its name, description, role, disabled flag) and `steward` (its owner and managers, deleting it).
 * The account routes also refuse any key below the least role that manages service accounts
 * (service/service-accounts/routes.ts), so `change` and `steward` need that as well.
 */
import type { ServiceAccount, Whoami } from '../contract/api';
import { LEAST_ROLE_TO_MANAGE, atLeast } from '../contract/roles';
import { type StewardLevel, stewardRefusal } from '../contract/stewardship';

export function mayDoToAccount(me: Whoami, sa: ServiceAccount, level: StewardLevel): boolean {
  if (level !== 'act' && !atLeast(me.effective_role, LEAST_ROLE_TO_MANAGE.service_accounts)) return false;
  const caller = { role: me.effective_role, principal: { type: me.principal.type, id: me.principal.id } };
  const isManager = me.principal.type === 'user' && sa.manager_user_ids.includes(me.principal.id);
  return stewardRefusal(caller, sa, isManager, level) === undefined;
}

/**
 * What the Service Account Details sheet offers (console/account-rights.ts) is what the service accepts
 * (contract/stewardship.ts, service/service-accounts/routes.ts): changing the record for admins, the owner and
 * managers; owner, managers and deletion for admins and the owner; nothing above the caller's role, and nothing
 * for a viewer, whom the account routes refuse whatever it owns.
 */
import type { ServiceAccount, Whoami } from '../../contract/api';
import type { Role } from '../../contract/roles';
import { mayDoToAccount } from '../../console/account-rights';

function me(type: 'user' | 'service_account', id: string, role: Role): Whoami {
  return { principal: { type, id, name: id, email: null, role }, effective_role: role } as Whoami;
}
function account(id: string, role: Role, owner: string | null, managers: string[] = []): ServiceAccount {
  return { id, name: id, description: '', role, disabled: false, owner_user_id: owner, manager_user_ids: managers } as ServiceAccount;
}
const levels = (caller: Whoami, sa: ServiceAccount) => (['act', 'change', 'steward'] as const).filter((l) => mayDoToAccount(caller, sa, l));

test('the owner may change and steward its account; a manager only change it', () => {
  expect(levels(me('user', 'usr_dev', 'developer'), account('sa_1', 'developer', 'usr_dev'))).toEqual(['act', 'change', 'steward']);
  expect(levels(me('user', 'usr_dev', 'developer'), account('sa_1', 'viewer', 'usr_other', ['usr_dev']))).toEqual(['act', 'change']);
});

test('a developer who is neither owner nor manager may do nothing to the account', () => {
  expect(levels(me('user', 'usr_dev', 'developer'), account('sa_1', 'viewer', 'usr_other', ['usr_third']))).toEqual([]);
});

test('an admin may do everything, to any account', () => {
  expect(levels(me('user', 'usr_admin', 'admin'), account('sa_1', 'admin', null))).toEqual(['act', 'change', 'steward']);
});

test('an owner whose role is below the account’s may do nothing to it', () => {
  expect(levels(me('user', 'usr_dev', 'developer'), account('sa_1', 'admin', 'usr_dev'))).toEqual([]);
});

test('a viewer who owns an account may act for it but not change it: the account routes need a developer', () => {
  expect(levels(me('user', 'usr_view', 'viewer'), account('sa_1', 'viewer', 'usr_view'))).toEqual(['act']);
});

test('an account signed in as itself acts for itself but never changes itself', () => {
  expect(levels(me('service_account', 'sa_1', 'developer'), account('sa_1', 'developer', 'usr_dev'))).toEqual(['act']);
});

/**
 * The owners the Create API Key dialog offers (console/owner-choices.ts) are the ones the service accepts for
 * `service_account_id` (contract/stewardship.ts): admins any account, a user the accounts it owns or manages
 * within its role, a service account none but itself; never a disabled account.
 */
import type { ServiceAccount, Whoami } from '../../contract/api';
import type { Role } from '../../contract/roles';
import { accountsForNewKeys, rolesForNewKey } from '../../console/owner-choices';

function me(type: 'user' | 'service_account', id: string, role: Role): Whoami {
  return { principal: { type, id, name: id, email: null, role }, effective_role: role } as Whoami;
}
function account(id: string, role: Role, owner: string | null, managers: string[] = [], disabled = false): ServiceAccount {
  return { id, name: id, description: '', role, disabled, owner_user_id: owner, manager_user_ids: managers } as ServiceAccount;
}

const accounts = [
  account('sa_owned', 'developer', 'usr_dev'),
  account('sa_managed', 'viewer', 'usr_other', ['usr_dev']),
  account('sa_above', 'admin', 'usr_dev'),
  account('sa_foreign', 'viewer', 'usr_other'),
  account('sa_disabled', 'viewer', 'usr_dev', [], true),
];
const ids = (list: ServiceAccount[]) => list.map((a) => a.id);

test('a developer is offered the accounts it owns or manages, none above its role and none disabled', () => {
  expect(ids(accountsForNewKeys(me('user', 'usr_dev', 'developer'), accounts))).toEqual(['sa_owned', 'sa_managed']);
});

test('an admin is offered every enabled account', () => {
  expect(ids(accountsForNewKeys(me('user', 'usr_admin', 'admin'), accounts))).toEqual(['sa_owned', 'sa_managed', 'sa_above', 'sa_foreign']);
});

test('a service account signed in is offered no other account (itself is "yourself")', () => {
  expect(ids(accountsForNewKeys(me('service_account', 'sa_owned', 'developer'), accounts))).toEqual([]);
});

test('a key acting below its user’s role is offered only what that role reaches', () => {
  const demoted = { ...me('user', 'usr_dev', 'developer'), effective_role: 'viewer' as Role };
  expect(ids(accountsForNewKeys(demoted, accounts))).toEqual(['sa_managed']);
});

test('the roles offered stop at the lower of the caller’s and the owner’s', () => {
  expect(rolesForNewKey('admin', 'admin')).toEqual(['admin', 'developer', 'viewer']);
  expect(rolesForNewKey('admin', 'developer')).toEqual(['developer', 'viewer']);
  expect(rolesForNewKey('developer', 'admin')).toEqual(['developer', 'viewer']);
  expect(rolesForNewKey('viewer', 'admin')).toEqual(['viewer']);
});

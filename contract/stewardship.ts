/**
 * Who may act for a service account: its stewards are admins, its owner and its managers (users named on
 * the account). A steward who is not an admin acts for it only while their key's role reaches the account's
 * role, so stewardship never lifts anyone above their own role. The account itself acts for itself (its own
 * keys and secrets) but never changes its own record, owner or managers.
 *
 * What each may do:
 * - `act`: mint keys for the account, manage its keys, act on its secrets: admins, owner, managers, the account;
 * - `change`: its name, description, role or disabled flag (re-enabling it included): admins, owner, managers;
 * - `steward`: its owner or managers, or delete it: admins and its owner.
 *
 * The service decides with this (service/service-accounts/stewards.ts) and the provider checks plans with it.
 * @module
 */
import type { OwnerType } from './owners';
import { type Role, atLeast } from './roles';

export type Stewardship = 'admin' | 'owner' | 'manager' | 'self';
export type StewardLevel = 'act' | 'change' | 'steward';

/** The caller: the principal its key acts for, and the role it acts with. */
export interface StewardCaller {
  role: Role;
  principal: { type: OwnerType; id: string };
}
export interface StewardedAccount {
  id: string;
  role: Role;
  owner_user_id: string | null;
}

/** What the caller is to the account, if anything that lets it act; `isManager`: the calling user is one of its managers. */
export function stewardshipOf(caller: StewardCaller, sa: StewardedAccount, isManager: boolean): Stewardship | undefined {
  if (caller.role === 'admin') return 'admin';
  if (!atLeast(caller.role, sa.role)) return undefined;
  const { type, id } = caller.principal;
  if (type === 'service_account') return id === sa.id ? 'self' : undefined;
  if (sa.owner_user_id === id) return 'owner';
  return isManager ? 'manager' : undefined;
}

export const STEWARDS_OF: Record<StewardLevel, readonly Stewardship[]> = {
  act: ['admin', 'owner', 'manager', 'self'],
  change: ['admin', 'owner', 'manager'],
  steward: ['admin', 'owner'],
};

/** Who may, in words, for messages. */
export const STEWARDS_TEXT: Record<StewardLevel, string> = {
  act: 'an admin, its owner, one of its managers or the account itself',
  change: 'an admin, its owner or one of its managers',
  steward: 'an admin or its owner',
};

/** Why the caller may not do `level` to the account, or undefined when it may. */
export function stewardRefusal(caller: StewardCaller, sa: StewardedAccount, isManager: boolean, level: StewardLevel): string | undefined {
  const kind = stewardshipOf(caller, sa, isManager);
  if (kind && STEWARDS_OF[level].includes(kind)) return undefined;
  if (!atLeast(caller.role, sa.role)) return `service account ${sa.id} has the ${sa.role} role, above the ${caller.role} role this key acts with`;
  return `only ${STEWARDS_TEXT[level]} may do that to service account ${sa.id} (its owner is ${sa.owner_user_id ?? 'no one: admins only'})`;
}

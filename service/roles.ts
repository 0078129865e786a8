/**
 * Roles are ordered: viewer < developer < admin. A key never acts above its creator's current role, so
 * demoting a user at once demotes every key they created.
 * @module
 */
import type { Role } from './db/tables';

export const ROLES: readonly Role[] = ['viewer', 'developer', 'admin'];

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function lowerRole(...roles: Role[]): Role {
  return roles.reduce((a, b) => (roleRank(a) <= roleRank(b) ? a : b));
}

export function atLeast(role: Role, required: Role): boolean {
  return roleRank(role) >= roleRank(required);
}

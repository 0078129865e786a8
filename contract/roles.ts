/**
 * Roles, lowest first: viewer < developer < admin. A key never acts above its creator's current role, so
 * demoting a user at once demotes every key they created. The service enforces the order; the CLI offers the
 * names and the provider checks at plan what the service would refuse.
 * @module
 */

export const ROLES = ['viewer', 'developer', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** The role a principal gets when none is given. */
export const DEFAULT_ROLE: Role = 'viewer';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function lowerRole(...roles: Role[]): Role {
  return roles.reduce((a, b) => (roleRank(a) <= roleRank(b) ? a : b));
}

export function higherRole(...roles: Role[]): Role {
  return roles.reduce((a, b) => (roleRank(a) >= roleRank(b) ? a : b));
}

export function atLeast(role: Role, required: Role): boolean {
  return roleRank(role) >= roleRank(required);
}

/** Highest first, the order people read them in choices and descriptions. */
export const ROLES_HIGHEST_FIRST: readonly Role[] = [...ROLES].reverse();

/** "admin", "developer" or "viewer", for descriptions and messages. */
export const ROLE_NAMES_TEXT = ROLES_HIGHEST_FIRST.map((r) => `"${r}"`)
  .join(', ')
  .replace(/, ([^,]*)$/, ' or $1');

/**
 * The least role that may create, change or delete each kind of object (docs/api/README.md, "Who may do
 * what", where ownership and role ceilings narrow it further); every role may read. The service refuses a
 * caller below it; the provider checks its own key against it at plan.
 */
export const LEAST_ROLE_TO_MANAGE = {
  api_keys: 'developer',
  service_accounts: 'developer',
  ip_allow_lists: 'developer',
  secrets: 'developer',
  users: 'admin',
  scopes: 'admin',
} as const satisfies Record<string, Role>;

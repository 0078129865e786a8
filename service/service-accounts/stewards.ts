/**
 * Who may act for a service account. Its stewards are admins, its owner and its managers (users named on
 * the account). A steward who is not an admin acts for it only while their key's role reaches the account's
 * role, so stewardship never lifts anyone above their own role. The account itself acts for itself (its own
 * keys and secrets) but never changes its own record, owner or managers.
 *
 * What each may do:
 * - mint keys for the account, manage its keys, act on its secrets: admins, owner, managers, the account;
 * - change its name, description, role or disabled flag (re-enabling it included): admins, owner, managers;
 * - change its owner or managers, or delete it: admins and its owner.
 *
 * Keys, secrets and the account routes all ask here, so the rule lives in one place.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { atLeast } from '../../contract/roles';
import type { Database, ServiceAccountsTable } from '../db/tables';
import { permissionDenied } from '../errors';
import { isAdmin, isPrincipal } from '../http/auth';

export type Stewardship = 'admin' | 'owner' | 'manager' | 'self';
type Account = Pick<ServiceAccountsTable, 'id' | 'role' | 'owner_user_id'>;

/** What the caller is to the account, if anything that lets it act; role bounds already applied. */
export async function stewardshipOf(db: Kysely<Database>, request: FastifyRequest, sa: Account): Promise<Stewardship | undefined> {
  if (isAdmin(request)) return 'admin';
  if (!atLeast(request.auth.role, sa.role)) return undefined;
  if (isPrincipal(request, 'service_account', sa.id)) return 'self';
  const actor = request.auth.actor;
  if (actor.type !== 'user') return undefined;
  if (sa.owner_user_id === actor.id) return 'owner';
  const managed = await db
    .selectFrom('service_account_managers')
    .select('user_id')
    .where('service_account_id', '=', sa.id)
    .where('user_id', '=', actor.id)
    .executeTakeFirst();
  return managed ? 'manager' : undefined;
}

/** The service accounts the caller acts for, besides what admins may do (for listings: one query, not one per row). */
export async function accountsActedFor(db: Kysely<Database>, request: FastifyRequest): Promise<ReadonlySet<string>> {
  const actor = request.auth.actor;
  if (actor.type !== 'user') return new Set([actor.id]);
  const rows = await db
    .selectFrom('service_accounts')
    .select(['id', 'role'])
    .where((eb) =>
      eb.or([
        eb('owner_user_id', '=', actor.id),
        eb('id', 'in', eb.selectFrom('service_account_managers').select('service_account_id').where('user_id', '=', actor.id)),
      ]),
    )
    .execute();
  return new Set(rows.filter((r) => atLeast(request.auth.role, r.role)).map((r) => r.id));
}

const WHO_MAY: Record<'act' | 'change' | 'steward', string> = {
  act: 'an admin, its owner, one of its managers or the account itself',
  change: 'an admin, its owner or one of its managers',
  steward: 'an admin or its owner',
};
const ALLOWED: Record<keyof typeof WHO_MAY, readonly Stewardship[]> = {
  act: ['admin', 'owner', 'manager', 'self'],
  change: ['admin', 'owner', 'manager'],
  steward: ['admin', 'owner'],
};

/**
 * Throws 403 unless the caller may do `what` to the account: `act` (its keys and secrets), `change` (its
 * record) or `steward` (its owner, managers, deletion). `field` names the request field the refusal is about.
 */
export async function assertSteward(
  db: Kysely<Database>,
  request: FastifyRequest,
  sa: Account,
  level: keyof typeof WHO_MAY,
  what: string,
  field?: string,
): Promise<Stewardship> {
  const kind = await stewardshipOf(db, request, sa);
  if (kind && ALLOWED[level].includes(kind)) return kind;
  const reason = !atLeast(request.auth.role, sa.role)
    ? `service account ${sa.id} has the ${sa.role} role, above this key's ${request.auth.role} role`
    : `only ${WHO_MAY[level]} may do that to service account ${sa.id} (its owner is ${sa.owner_user_id ?? 'no one: admins only'})`;
  throw permissionDenied(`${what}: ${reason}`, field);
}

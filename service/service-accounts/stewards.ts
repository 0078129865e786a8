/**
 * The service side of the stewardship rule (contract/stewardship.ts): who may act for a service account,
 * with its managers read from the store. Keys, secrets and the account routes all ask here.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { type StewardCaller, type StewardLevel, stewardRefusal, stewardshipOf } from '../../contract/stewardship';
import type { Database, ServiceAccountsTable } from '../db/tables';
import { permissionDenied } from '../errors';

type Account = Pick<ServiceAccountsTable, 'id' | 'role' | 'owner_user_id'>;

const callerOf = (request: FastifyRequest): StewardCaller => ({ role: request.auth.role, principal: request.auth.actor });

async function isManager(db: Kysely<Database>, request: FastifyRequest, saId: string): Promise<boolean> {
  const actor = request.auth.actor;
  if (actor.type !== 'user') return false;
  const row = await db
    .selectFrom('service_account_managers')
    .select('user_id')
    .where('service_account_id', '=', saId)
    .where('user_id', '=', actor.id)
    .executeTakeFirst();
  return row !== undefined;
}

/** The service accounts the caller acts for, besides what admins may do (for listings: one query, not one per row). */
export async function accountsActedFor(db: Kysely<Database>, request: FastifyRequest): Promise<ReadonlySet<string>> {
  const actor = request.auth.actor;
  if (actor.type !== 'user') return new Set([actor.id]);
  const rows = await db
    .selectFrom('service_accounts')
    .select(['id', 'role', 'owner_user_id'])
    .where((eb) =>
      eb.or([
        eb('owner_user_id', '=', actor.id),
        eb('id', 'in', eb.selectFrom('service_account_managers').select('service_account_id').where('user_id', '=', actor.id)),
      ]),
    )
    .execute();
  // Rows that are not owned by the caller came from the managers list.
  return new Set(rows.filter((r) => stewardshipOf(callerOf(request), r, true) !== undefined).map((r) => r.id));
}

/**
 * Throws 403 unless the caller may do `level` to the account: `act` (its keys and secrets), `change` (its
 * record) or `steward` (its owner, managers, deletion). `what` says what was refused; `field` names the
 * request field the refusal is about.
 */
export async function assertSteward(
  db: Kysely<Database>,
  request: FastifyRequest,
  sa: Account,
  level: StewardLevel,
  what: string,
  field?: string,
): Promise<void> {
  const caller = callerOf(request);
  // The managers list is read only when being a manager could matter.
  const needsList = stewardshipOf(caller, sa, true) === 'manager';
  const refusal = stewardRefusal(caller, sa, needsList && (await isManager(db, request, sa.id)), level);
  if (refusal) throw permissionDenied(`${what}: ${refusal}`, field);
}

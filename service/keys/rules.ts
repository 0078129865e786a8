/**
 * Who may create and manage which key. Admins may do anything. Developers manage keys they own or created,
 * and keys of the service accounts they act for (service/service-accounts/stewards.ts), never one whose role
 * is above their own. Viewers read only.
 * Scopes and allow lists a key names must exist; a built-in `keyplane.*` scope can be granted only by an
 * admin or by a key that holds it, so no one hands out more than they have.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../db/connect';
import type { ApiKeysTable, Database, Role } from '../db/tables';
import { ApiError, invalidArgument, permissionDenied } from '../errors';
import { isAdmin, isPrincipal, requireRole } from '../http/auth';
import { atLeast, LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { TIME_EXAMPLE, expiryProblem, storedTime } from '../../contract/time';
import { BUILTIN_PREFIX } from '../scopes/builtin';
import { assertSteward } from '../service-accounts/stewards';

function serviceAccount(db: Kysely<Database>, id: string) {
  return db.selectFrom('service_accounts').select(['id', 'role', 'owner_user_id']).where('id', '=', id).executeTakeFirst();
}

export async function assertMayManageKey(db: Kysely<Database>, request: FastifyRequest, key: ApiKeysTable): Promise<void> {
  requireRole(request, LEAST_ROLE_TO_MANAGE.api_keys, 'changing an API key');
  if (isAdmin(request)) return;
  const role = request.auth.role;
  if (!atLeast(role, key.role)) throw permissionDenied(`key ${key.id} has the ${key.role} role, above this key's ${role} role`);
  if (key.owner_type === 'service_account') {
    const sa = await serviceAccount(db, key.owner_id);
    if (!sa) throw permissionDenied(`key ${key.id} belonged to a service account that no longer exists; only admins manage it`);
    await assertSteward(db, request, sa, 'act', `changing key ${key.id}`);
    return;
  }
  if (isPrincipal(request, key.owner_type, key.owner_id) || key.created_by === request.auth.actor.id) return;
  throw permissionDenied(`key ${key.id} belongs to someone else; developers manage their own keys and those of service accounts they own or manage`);
}

export async function assertScopesGrantable(db: Kysely<Database>, request: FastifyRequest, scopes: string[]): Promise<void> {
  if (scopes.length === 0) return;
  const known = new Set((await db.selectFrom('scopes').select('name').where('name', 'in', scopes).execute()).map((s) => s.name));
  scopes.forEach((s, i) => {
    if (!known.has(s)) throw invalidArgument(`scopes[${i}]`, `scope "${s}" is not in the scope catalogue (GET /v1/scopes lists it)`);
    if (s.startsWith(BUILTIN_PREFIX) && !isAdmin(request) && !request.auth.scopes.includes(s)) {
      throw permissionDenied(`only an admin or a key holding "${s}" may grant it`, `scopes[${i}]`);
    }
  });
}

export async function assertAllowListsExist(db: Kysely<Database>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const known = new Set((await db.selectFrom('ip_allow_lists').select('id').where('id', 'in', ids).execute()).map((l) => l.id));
  ids.forEach((id, i) => {
    if (!known.has(id)) throw invalidArgument(`allow_list_ids[${i}]`, `IP allow list ${id} does not exist`);
  });
}

/**
 * Inside the transaction that writes a key: the scopes and allow lists it names still exist, and on
 * PostgreSQL stay until the transaction ends (FOR SHARE, which a concurrent delete of the scope or list waits
 * for, and then sees this key). The checks before the transaction answer early; this one closes the race
 * with a delete committed in between, which otherwise left a key holding a deleted scope, or failed on the
 * allow-list foreign key with a 500.
 */
export async function lockKeyReferences(
  dialect: StoreDialect,
  trx: Kysely<Database>,
  scopes: string[] | undefined,
  allowListIds: string[] | undefined,
): Promise<void> {
  if (scopes?.length) {
    const query = trx.selectFrom('scopes').select('name').where('name', 'in', scopes);
    const found = new Set((await (dialect === 'postgres' ? query.forShare() : query).execute()).map((r) => r.name));
    scopes.forEach((s, i) => {
      if (!found.has(s)) throw invalidArgument(`scopes[${i}]`, `scope "${s}" is not in the scope catalogue (GET /v1/scopes lists it)`);
    });
  }
  if (allowListIds?.length) {
    const query = trx.selectFrom('ip_allow_lists').select('id').where('id', 'in', allowListIds);
    const found = new Set((await (dialect === 'postgres' ? query.forShare() : query).execute()).map((l) => l.id));
    allowListIds.forEach((id, i) => {
      if (!found.has(id)) throw invalidArgument(`allow_list_ids[${i}]`, `IP allow list ${id} does not exist`);
    });
  }
}

/** The owner a new key (or secret: `what` says which) gets, and the highest role it may have. */
export async function resolveNewKeyOwner(
  db: Kysely<Database>,
  request: FastifyRequest,
  body: { service_account_id?: string; user_id?: string },
  what = 'a key',
): Promise<{ type: 'user' | 'service_account'; id: string; role: Role }> {
  if (body.service_account_id && body.user_id) {
    throw invalidArgument('user_id', 'give service_account_id or user_id, not both');
  }
  if (body.service_account_id) {
    const sa = await serviceAccount(db, body.service_account_id);
    if (!sa) throw invalidArgument('service_account_id', `service account ${body.service_account_id} does not exist`);
    await assertSteward(db, request, sa, 'act', `creating ${what} for service account ${sa.id}`, 'service_account_id');
    return { type: 'service_account', id: sa.id, role: sa.role };
  }
  if (body.user_id && !isPrincipal(request, 'user', body.user_id)) {
    if (!isAdmin(request)) throw permissionDenied('only admins create keys for other users', 'user_id');
    const user = await db.selectFrom('users').select(['id', 'role']).where('id', '=', body.user_id).executeTakeFirst();
    if (!user) throw invalidArgument('user_id', `user ${body.user_id} does not exist`);
    return { type: 'user', id: user.id, role: user.role };
  }
  const actor = request.auth.actor;
  const table = actor.type === 'user' ? 'users' : 'service_accounts';
  const row = await db.selectFrom(table).select('role').where('id', '=', actor.id).executeTakeFirst();
  if (!row) throw new ApiError('unauthenticated', 'the owner of this API key no longer exists');
  return { type: actor.type, id: actor.id, role: row.role };
}

/** An expiry for a key being created or changed, as stored: RFC 3339, in the future, UTC to the millisecond. */
export function futureExpiry(field: string, text: string, now = Date.now()): string {
  const problem = expiryProblem(text, now);
  if (problem === 'format') throw invalidArgument(field, `${field} must be an RFC 3339 time such as ${TIME_EXAMPLE}`);
  if (problem === 'past') throw invalidArgument(field, `${field} ${text} is in the past; give a future time or null for no expiry`);
  return storedTime(text)!;
}

/**
 * `/v1/service-accounts`: identities for machines. Everyone reads; admins and developers create accounts
 * whose role is not above their own. Each account has an owner and managers, and who may change it, mint
 * keys for it or act on its secrets is decided in service/service-accounts/stewards.ts. Deleting one
 * revokes its keys (reason `owner_deleted`).
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { Database, ServiceAccountsTable } from '../db/tables';
import { inTransaction, isUniqueViolation } from '../db/transaction';
import { ApiError, invalidArgument, notFound, permissionDenied } from '../errors';
import { startsWith } from '../exact-match';
import { isAdmin, requireRole } from '../http/auth';
import { decodePageToken, page } from '../http/pagination';
import { IdParams, NoContent, errorResponses } from '../../contract/api/common';
import {
  CreateServiceAccountBody,
  ListServiceAccountsQuery,
  ServiceAccount,
  ServiceAccountList,
  UpdateServiceAccountBody,
} from '../../contract/api/service-accounts';
import { newId } from '../ids';
import { keepingAdminAccess, takesAdminAway } from '../keys/last-admin-key';
import { revokeKeysOf } from '../keys/revoke-owned';
import { DEFAULT_ROLE, atLeast, LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { assertSteward } from './stewards';

const tags = ['service-accounts'];

export function toServiceAccount(r: ServiceAccountsTable, managers: readonly string[]): ServiceAccount {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    role: r.role,
    disabled: r.disabled === 1,
    owner_user_id: r.owner_user_id,
    manager_user_ids: [...managers].sort(),
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The managers of each account in `ids`, in one query. */
async function managersOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byAccount = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byAccount;
  const rows = await db.selectFrom('service_account_managers').selectAll().where('service_account_id', 'in', ids).execute();
  for (const r of rows) byAccount.get(r.service_account_id)?.push(r.user_id);
  return byAccount;
}

/** Every user named as owner or manager exists; a 400 names the first one that does not. */
async function assertUsersExist(db: Kysely<Database>, owner: string | null | undefined, managers: readonly string[] | undefined): Promise<void> {
  const named = [...(owner ? [owner] : []), ...(managers ?? [])];
  if (named.length === 0) return;
  const known = new Set((await db.selectFrom('users').select('id').where('id', 'in', named).execute()).map((u) => u.id));
  if (owner && !known.has(owner)) throw invalidArgument('owner_user_id', `user ${owner} does not exist`);
  managers?.forEach((id, i) => {
    if (!known.has(id)) throw invalidArgument(`manager_user_ids[${i}]`, `user ${id} does not exist`);
  });
}

/** The owner an account gets when the request names none: the calling user, or the owner of the calling account. */
async function defaultOwner(db: Kysely<Database>, request: FastifyRequest): Promise<string | null> {
  const actor = request.auth.actor;
  if (actor.type === 'user') return actor.id;
  const caller = await db.selectFrom('service_accounts').select('owner_user_id').where('id', '=', actor.id).executeTakeFirst();
  return caller?.owner_user_id ?? null;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function serviceAccountRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  const load = async (id: string) => {
    const row = await db.selectFrom('service_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('service account', id);
    return row;
  };
  const view = async (row: ServiceAccountsTable, from: Kysely<Database> = db) => toServiceAccount(row, (await managersOf(from, [row.id])).get(row.id) ?? []);
  const nameTaken = (name: string) => new ApiError('already_exists', `a service account named ${name} exists`, 'name');
  const assertRoleWithin = (request: FastifyRequest, role: ServiceAccountsTable['role']) => {
    if (!isAdmin(request) && !atLeast(request.auth.role, role)) {
      throw permissionDenied(`a key acting as ${request.auth.role} cannot manage a service account with the ${role} role`, 'role');
    }
  };
  const replaceManagers = async (trx: Kysely<Database>, id: string, managers: readonly string[]) => {
    await trx.deleteFrom('service_account_managers').where('service_account_id', '=', id).execute();
    if (managers.length)
      await trx
        .insertInto('service_account_managers')
        .values(managers.map((user_id) => ({ service_account_id: id, user_id })))
        .execute();
  };
  return async (app) => {
    app.post(
      '/service-accounts',
      { schema: { tags, summary: 'Create a service account', body: CreateServiceAccountBody, response: { 201: ServiceAccount, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.service_accounts, 'creating a service account');
        const body = request.body;
        const role = body.role ?? DEFAULT_ROLE;
        assertRoleWithin(request, role);
        const fallback = await defaultOwner(db, request);
        const owner = body.owner_user_id === undefined ? fallback : body.owner_user_id;
        const managers = body.manager_user_ids ?? [];
        if (!isAdmin(request)) {
          // Stewardship is handed out by admins and owners: a developer owns what they create, and only then names managers.
          if (owner !== fallback) throw permissionDenied('only admins name someone else (or no one) as the owner of a new service account', 'owner_user_id');
          if (managers.length && (request.auth.actor.type !== 'user' || owner !== request.auth.actor.id)) {
            throw permissionDenied("only admins and the new account's owner name its managers", 'manager_user_ids');
          }
        }
        await assertUsersExist(db, owner, managers);
        const now = new Date().toISOString();
        const row: ServiceAccountsTable = {
          id: newId('serviceAccount'),
          name: body.name,
          description: body.description ?? '',
          role,
          disabled: 0,
          owner_user_id: owner,
          created_by: request.auth.actor.id,
          created_at: now,
          updated_at: now,
        };
        try {
          await inTransaction(ctx, async (trx) => {
            await trx.insertInto('service_accounts').values(row).execute();
            await replaceManagers(trx, row.id, managers);
            await writeAudit(trx, {
              action: 'service_account.create',
              actor: request.auth.actor,
              target: { type: 'service_account', id: row.id },
              address: request.ip,
              requestId: request.id,
              details: { name: row.name, role, owner_user_id: owner, manager_user_ids: [...managers].sort() },
            });
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw nameTaken(row.name);
          throw err;
        }
        return reply.status(201).send(toServiceAccount(row, managers));
      },
    );

    app.get(
      '/service-accounts',
      {
        schema: {
          tags,
          summary: 'List service accounts',
          querystring: ListServiceAccountsQuery,
          response: {
            200: ServiceAccountList,
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const size = q.page_size ?? 50;
        const after = decodePageToken(q.page_token);
        let query = db
          .selectFrom('service_accounts')
          .selectAll()
          .orderBy('id')
          .limit(size + 1);
        if (after) query = query.where('id', '>', after);
        if (q.name) query = query.where('name', '=', q.name);
        if (q.name_prefix) query = query.where(startsWith('name', q.name_prefix));
        const result = page(await query.execute(), size);
        const managers = await managersOf(
          db,
          result.items.map((r) => r.id),
        );
        return {
          service_accounts: result.items.map((r) => toServiceAccount(r, managers.get(r.id) ?? [])),
          next_page_token: result.next_page_token,
        };
      },
    );

    app.get(
      '/service-accounts/:id',
      { schema: { tags, summary: 'Read a service account', params: IdParams, response: { 200: ServiceAccount, ...errorResponses } } },
      async (request) => view(await load(request.params.id)),
    );

    app.patch(
      '/service-accounts/:id',
      {
        schema: {
          tags,
          summary: 'Change a service account',
          params: IdParams,
          body: UpdateServiceAccountBody,
          response: { 200: ServiceAccount, ...errorResponses },
        },
      },
      async (request) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.service_accounts, 'changing a service account');
        const existing = await load(request.params.id);
        const body = request.body;
        const currentManagers = (await managersOf(db, [existing.id])).get(existing.id) ?? [];
        // A field sent with the value it has is no change, so a client that sends its whole configuration
        // (the Terraform provider does) needs no more rights than the fields it really changes.
        const ownerChanges = body.owner_user_id !== undefined && body.owner_user_id !== existing.owner_user_id;
        const managersChange = body.manager_user_ids !== undefined && !sameSet(body.manager_user_ids, currentManagers);
        const recordChanges = ['name', 'description', 'role', 'disabled'].some((f) => f in body);
        if (recordChanges || (!ownerChanges && !managersChange)) {
          await assertSteward(db, request, existing, 'change', `changing service account ${existing.id}`);
        }
        if (ownerChanges || managersChange) {
          await assertSteward(
            db,
            request,
            existing,
            'steward',
            `changing the ${ownerChanges ? 'owner' : 'managers'} of service account ${existing.id}`,
            ownerChanges ? 'owner_user_id' : 'manager_user_ids',
          );
        }
        if (body.role) assertRoleWithin(request, body.role);
        await assertUsersExist(db, ownerChanges ? body.owner_user_id : undefined, managersChange ? body.manager_user_ids : undefined);
        try {
          // An admin account's keys (and the keys they made) may be the last that act as admin.
          const losesAdmin = takesAdminAway(existing.role, body);
          const row = await inTransaction(ctx, (trx) =>
            keepingAdminAccess(ctx, trx, { what: `demoting or disabling service account ${existing.id}`, when: losesAdmin }, async () => {
              const changes: Partial<ServiceAccountsTable> = { updated_at: new Date().toISOString() };
              if (body.name !== undefined) changes.name = body.name;
              if (body.description !== undefined) changes.description = body.description;
              if (body.role !== undefined) changes.role = body.role;
              if (body.disabled !== undefined) changes.disabled = body.disabled ? 1 : 0;
              if (ownerChanges) changes.owner_user_id = body.owner_user_id;
              await trx.updateTable('service_accounts').set(changes).where('id', '=', existing.id).execute();
              if (managersChange) await replaceManagers(trx, existing.id, body.manager_user_ids!);
              await writeAudit(trx, {
                action: 'service_account.update',
                actor: request.auth.actor,
                target: { type: 'service_account', id: existing.id },
                address: request.ip,
                requestId: request.id,
                details: {
                  fields: Object.keys(body),
                  ...(ownerChanges ? { owner_user_id: { from: existing.owner_user_id, to: body.owner_user_id } } : {}),
                  ...(managersChange ? { manager_user_ids: { from: [...currentManagers].sort(), to: [...body.manager_user_ids!].sort() } } : {}),
                },
              });
              return view(await trx.selectFrom('service_accounts').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow(), trx);
            }),
          );
          return row;
        } catch (err) {
          if (isUniqueViolation(err)) throw nameTaken(body.name ?? '');
          throw err;
        }
      },
    );

    app.delete(
      '/service-accounts/:id',
      { schema: { tags, summary: 'Delete a service account and revoke its keys', params: IdParams, response: { 204: NoContent, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.service_accounts, 'deleting a service account');
        const existing = await load(request.params.id);
        await assertSteward(db, request, existing, 'steward', `deleting service account ${existing.id}`);
        await inTransaction(ctx, (trx) =>
          keepingAdminAccess(ctx, trx, { what: `deleting service account ${existing.id}`, when: existing.role === 'admin' }, async () => {
            const revoked = await revokeKeysOf(trx, existing.id, 'owner_deleted');
            await trx.deleteFrom('service_account_managers').where('service_account_id', '=', existing.id).execute();
            await trx.deleteFrom('service_accounts').where('id', '=', existing.id).execute();
            await writeAudit(trx, {
              action: 'service_account.delete',
              actor: request.auth.actor,
              target: { type: 'service_account', id: existing.id },
              address: request.ip,
              requestId: request.id,
              details: { name: existing.name, revoked_keys: revoked },
            });
          }),
        );
        return reply.status(204).send(null);
      },
    );
  };
}

/**
 * `/v1/service-accounts`: identities for machines. Everyone reads; admins and developers create and manage
 * accounts whose role is not above their own. Deleting one revokes its keys (reason `owner_deleted`).
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { ServiceAccountsTable } from '../db/tables';
import { inTransaction, isUniqueViolation } from '../db/transaction';
import { ApiError, notFound, permissionDenied } from '../errors';
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
import { revokeKeysOf } from '../keys/revoke-owned';
import { DEFAULT_ROLE, atLeast, LEAST_ROLE_TO_MANAGE } from '../../contract/roles';

const tags = ['service-accounts'];

export function toServiceAccount(r: ServiceAccountsTable): ServiceAccount {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    role: r.role,
    disabled: r.disabled === 1,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function serviceAccountRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  const load = async (id: string) => {
    const row = await db.selectFrom('service_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('service account', id);
    return row;
  };
  const nameTaken = (name: string) => new ApiError('already_exists', `a service account named ${name} exists`, 'name');
  const assertRoleWithin = (request: Parameters<typeof requireRole>[0], role: ServiceAccountsTable['role']) => {
    if (!isAdmin(request) && !atLeast(request.auth.role, role)) {
      throw permissionDenied(`a key acting as ${request.auth.role} cannot manage a service account with the ${role} role`, 'role');
    }
  };
  return async (app) => {
    app.post(
      '/service-accounts',
      { schema: { tags, summary: 'Create a service account', body: CreateServiceAccountBody, response: { 201: ServiceAccount, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.service_accounts, 'creating a service account');
        const role = request.body.role ?? DEFAULT_ROLE;
        assertRoleWithin(request, role);
        const now = new Date().toISOString();
        const row: ServiceAccountsTable = {
          id: newId('serviceAccount'),
          name: request.body.name,
          description: request.body.description ?? '',
          role,
          disabled: 0,
          created_by: request.auth.actor.id,
          created_at: now,
          updated_at: now,
        };
        try {
          await inTransaction(ctx, async (trx) => {
            await trx.insertInto('service_accounts').values(row).execute();
            await writeAudit(trx, {
              action: 'service_account.create',
              actor: request.auth.actor,
              target: { type: 'service_account', id: row.id },
              address: request.ip,
              requestId: request.id,
              details: { name: row.name, role },
            });
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw nameTaken(row.name);
          throw err;
        }
        return reply.status(201).send(toServiceAccount(row));
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
        return { service_accounts: result.items.map(toServiceAccount), next_page_token: result.next_page_token };
      },
    );

    app.get(
      '/service-accounts/:id',
      { schema: { tags, summary: 'Read a service account', params: IdParams, response: { 200: ServiceAccount, ...errorResponses } } },
      async (request) => toServiceAccount(await load(request.params.id)),
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
        assertRoleWithin(request, existing.role);
        const body = request.body;
        if (body.role) assertRoleWithin(request, body.role);
        try {
          const row = await inTransaction(ctx, async (trx) => {
            const changes: Partial<ServiceAccountsTable> = { updated_at: new Date().toISOString() };
            if (body.name !== undefined) changes.name = body.name;
            if (body.description !== undefined) changes.description = body.description;
            if (body.role !== undefined) changes.role = body.role;
            if (body.disabled !== undefined) changes.disabled = body.disabled ? 1 : 0;
            await trx.updateTable('service_accounts').set(changes).where('id', '=', existing.id).execute();
            await writeAudit(trx, {
              action: 'service_account.update',
              actor: request.auth.actor,
              target: { type: 'service_account', id: existing.id },
              address: request.ip,
              requestId: request.id,
              details: { fields: Object.keys(body) },
            });
            return trx.selectFrom('service_accounts').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
          });
          return toServiceAccount(row);
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
        assertRoleWithin(request, existing.role);
        await inTransaction(ctx, async (trx) => {
          const revoked = await revokeKeysOf(trx, existing.id, 'owner_deleted');
          await trx.deleteFrom('service_accounts').where('id', '=', existing.id).execute();
          await writeAudit(trx, {
            action: 'service_account.delete',
            actor: request.auth.actor,
            target: { type: 'service_account', id: existing.id },
            address: request.ip,
            requestId: request.id,
            details: { name: existing.name, revoked_keys: revoked },
          });
        });
        return reply.status(204).send(null);
      },
    );
  };
}

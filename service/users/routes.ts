/**
 * `/v1/users`: everyone may read; only admins create, change or delete users. Changing a user's role or
 * disabling them takes effect on their keys at once (the change feed invalidates verification caches);
 * deleting a user revokes every key they own or created, with reason `owner_deleted`.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { Transaction } from 'kysely';
import type { Database, UsersTable } from '../db/tables';
import { forUpdate, inTransaction, isUniqueViolation } from '../db/transaction';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../http/auth';
import { decodePageToken, page } from '../http/pagination';
import { IdParams, NoContent, errorResponses } from '../../contract/api/common';
import { CreateUserBody, ListUsersQuery, UpdateUserBody, User, UserList } from '../../contract/api/users';
import { newId } from '../ids';
import { keepingAdminAccess, takesAdminAway } from '../keys/last-admin-key';
import { revokeKeysOf } from '../keys/revoke-owned';

const tags = ['users'];
export function toUser(r: UsersTable): User {
  return { id: r.id, email: r.email, name: r.name, role: r.role, disabled: r.disabled === 1, created_at: r.created_at, updated_at: r.updated_at };
}

export function userRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  const load = async (id: string) => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('user', id);
    return row;
  };
  const emailTaken = (email: string) => new ApiError('already_exists', `a user with email ${email} exists`, 'email');

  return async (app) => {
    app.post(
      '/users',
      { schema: { tags, summary: 'Create a user (admin)', body: CreateUserBody, response: { 201: User, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.users, 'creating a user');
        const now = new Date().toISOString();
        const row: UsersTable = { id: newId('user'), ...request.body, email: request.body.email.toLowerCase(), disabled: 0, created_at: now, updated_at: now };
        try {
          await inTransaction(ctx, async (trx) => {
            await trx.insertInto('users').values(row).execute();
            await writeAudit(trx, {
              action: 'user.create',
              actor: request.auth.actor,
              target: { type: 'user', id: row.id },
              address: request.ip,
              requestId: request.id,
              details: { email: row.email, role: row.role },
            });
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw emailTaken(row.email);
          throw err;
        }
        return reply.status(201).send(toUser(row));
      },
    );

    app.get(
      '/users',
      {
        schema: {
          tags,
          summary: 'List users',
          querystring: ListUsersQuery,
          response: { 200: UserList, ...errorResponses },
        },
      },
      async (request) => {
        const q = request.query;
        const size = q.page_size ?? 50;
        const after = decodePageToken(q.page_token);
        let query = db
          .selectFrom('users')
          .selectAll()
          .orderBy('id')
          .limit(size + 1);
        if (after) query = query.where('id', '>', after);
        if (q.role) query = query.where('role', '=', q.role);
        if (q.email) query = query.where('email', '=', q.email.toLowerCase());
        const result = page(await query.execute(), size);
        return { users: result.items.map(toUser), next_page_token: result.next_page_token };
      },
    );

    app.get('/users/:id', { schema: { tags, summary: 'Read a user', params: IdParams, response: { 200: User, ...errorResponses } } }, async (request) =>
      toUser(await load(request.params.id)),
    );

    app.patch(
      '/users/:id',
      { schema: { tags, summary: 'Change a user (admin)', params: IdParams, body: UpdateUserBody, response: { 200: User, ...errorResponses } } },
      async (request) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.users, 'changing a user');
        const body = request.body;
        const existing = await load(request.params.id);
        const losesAdmin = takesAdminAway(existing.role, body);
        try {
          const row = await inTransaction(ctx, async (trx) => {
            if (losesAdmin) await assertAnotherAdmin(ctx, trx, existing.id);
            return keepingAdminAccess(ctx, trx, { what: `demoting or disabling user ${existing.id}`, when: losesAdmin }, async () => {
              const changes: Partial<UsersTable> = { updated_at: new Date().toISOString() };
              if (body.email !== undefined) changes.email = body.email.toLowerCase();
              if (body.name !== undefined) changes.name = body.name;
              if (body.role !== undefined) changes.role = body.role;
              if (body.disabled !== undefined) changes.disabled = body.disabled ? 1 : 0;
              await trx.updateTable('users').set(changes).where('id', '=', existing.id).execute();
              await writeAudit(trx, {
                action: 'user.update',
                actor: request.auth.actor,
                target: { type: 'user', id: existing.id },
                address: request.ip,
                requestId: request.id,
                details: { fields: Object.keys(body), role: body.role },
              });
              return trx.selectFrom('users').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
            });
          });
          return toUser(row);
        } catch (err) {
          if (isUniqueViolation(err)) throw emailTaken(body.email ?? '');
          throw err;
        }
      },
    );

    app.delete(
      '/users/:id',
      {
        schema: {
          tags,
          summary: 'Delete a user and revoke every key they own or created (admin)',
          params: IdParams,
          response: { 204: NoContent, ...errorResponses },
        },
      },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.users, 'deleting a user');
        const existing = await load(request.params.id);
        await inTransaction(ctx, async (trx) => {
          if (existing.role === 'admin') await assertAnotherAdmin(ctx, trx, existing.id);
          await keepingAdminAccess(ctx, trx, { what: `deleting user ${existing.id}`, when: existing.role === 'admin' }, async () => {
            const revoked = await revokeKeysOf(trx, existing.id, 'owner_deleted');
            // Accounts they owned are left to admins; their management of others ends with them.
            await trx.updateTable('service_accounts').set({ owner_user_id: null }).where('owner_user_id', '=', existing.id).execute();
            await trx.deleteFrom('service_account_managers').where('user_id', '=', existing.id).execute();
            await trx.deleteFrom('users').where('id', '=', existing.id).execute();
            await writeAudit(trx, {
              action: 'user.delete',
              actor: request.auth.actor,
              target: { type: 'user', id: existing.id },
              address: request.ip,
              requestId: request.id,
              details: { email: existing.email, revoked_keys: revoked },
            });
          });
        });
        return reply.status(204).send(null);
      },
    );
  };
}

/** The last enabled admin cannot be demoted, disabled or deleted: nobody could administer the service after. */
async function assertAnotherAdmin(ctx: ServiceContext, trx: Transaction<Database>, userId: string): Promise<void> {
  // Lock every enabled admin row, in id order, before counting: on PostgreSQL two admins demoting each other
  // at once would otherwise each still see the other and both succeed, leaving none. The second waits, and
  // re-reads the first's row as no longer an admin.
  const admins = await forUpdate(ctx, trx.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).orderBy('id')).execute();
  if (!admins.some((a) => a.id !== userId)) throw new ApiError('conflict', 'this is the last enabled admin; make another user admin first');
}

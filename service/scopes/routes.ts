/**
 * `/v1/scopes`: the scope catalogue. Built-in `keyplane.*` scopes are fixed; admins register custom scopes
 * for the services that verify keys. A scope a key still holds cannot be deleted.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import { forUpdate, inTransaction, isUniqueViolation } from '../db/transaction';
import { ApiError, invalidArgument, notFound } from '../errors';
import { containsText } from '../exact-match';
import { requireRole } from '../http/auth';
import { NoContent, errorResponses } from '../../contract/api/common';
import { CreateScopeBody, Scope, ScopeList, ScopeNameParams } from '../../contract/api/scopes';
import { BUILTIN_PREFIX } from './builtin';

const tags = ['scopes'];

export function scopeRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  const toScope = (r: { name: string; description: string; builtin: number; created_at: string }): Scope => ({ ...r, builtin: r.builtin === 1 });
  return async (app) => {
    app.get('/scopes', { schema: { tags, summary: 'The scope catalogue', response: { 200: ScopeList, ...errorResponses } } }, async () => ({
      scopes: (await db.selectFrom('scopes').selectAll().orderBy('name').execute()).map(toScope),
    }));

    app.post(
      '/scopes',
      { schema: { tags, summary: 'Register a custom scope (admin)', body: CreateScopeBody, response: { 201: Scope, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.scopes, 'registering a scope');
        if (request.body.name.startsWith(BUILTIN_PREFIX))
          throw invalidArgument('name', `names starting with ${BUILTIN_PREFIX} are reserved for built-in scopes`);
        const row = { name: request.body.name, description: request.body.description, builtin: 0, created_at: new Date().toISOString() };
        try {
          await inTransaction(ctx, async (trx) => {
            await trx.insertInto('scopes').values(row).execute();
            await writeAudit(trx, {
              action: 'scope.create',
              actor: request.auth.actor,
              target: { type: 'scope', id: row.name },
              address: request.ip,
              requestId: request.id,
            });
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw new ApiError('already_exists', `scope ${row.name} exists`, 'name');
          throw err;
        }
        return reply.status(201).send(toScope(row));
      },
    );

    app.delete(
      '/scopes/:name',
      { schema: { tags, summary: 'Delete a custom scope no key holds (admin)', params: ScopeNameParams, response: { 204: NoContent, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.scopes, 'deleting a scope');
        const name = request.params.name;
        const row = await db.selectFrom('scopes').selectAll().where('name', '=', name).executeTakeFirst();
        if (!row) throw notFound('scope', name);
        if (row.builtin) throw new ApiError('conflict', `scope ${name} is built in`);
        await inTransaction(ctx, async (trx) => {
          // Lock the scope before looking for holders: a key being written with it holds it FOR SHARE (see
          // lockKeyReferences), so either that key is committed and seen here, or it waits and finds no scope.
          if (!(await forUpdate(ctx, trx.selectFrom('scopes').select('name').where('name', '=', name)).executeTakeFirst())) throw notFound('scope', name);
          const holder = await trx
            .selectFrom('api_keys')
            .select('id')
            .where(containsText('scopes', JSON.stringify(name)))
            .executeTakeFirst();
          if (holder) throw new ApiError('conflict', `scope ${name} is held by key ${holder.id}`);
          await trx.deleteFrom('scopes').where('name', '=', name).execute();
          await writeAudit(trx, {
            action: 'scope.delete',
            actor: request.auth.actor,
            target: { type: 'scope', id: name },
            address: request.ip,
            requestId: request.id,
          });
        });
        return reply.status(204).send(null);
      },
    );
  };
}

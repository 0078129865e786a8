/**
 * `/v1/ip-allow-lists`: named sets of CIDRs that keys attach to. CIDRs are validated and normalised; a
 * change to a list applies to every attached key on its next request. A list keys still use cannot be
 * deleted (409), so deleting one never silently widens where a key works.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { atLeast, higherRole, LEAST_ROLE_TO_MANAGE, type Role } from '../../contract/roles';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { Database, IpAllowListsTable } from '../db/tables';
import { forUpdate, inTransaction } from '../db/transaction';
import { ApiError, invalidArgument, notFound, permissionDenied } from '../errors';
import { requireRole } from '../http/auth';
import { decodePageToken, page } from '../http/pagination';
import { AllowListList, CreateAllowListBody, IpAllowList, ListAllowListsQuery, UpdateAllowListBody } from '../../contract/api/allow-lists';
import { IdParams, NoContent, errorResponses } from '../../contract/api/common';
import { newId } from '../ids';
import { normaliseCidrSet } from '../../contract/cidr';

const tags = ['ip-allow-lists'];

/** The set the service stores (contract/cidr.ts), or a 400 naming the first invalid entry. */
export function normaliseCidrs(cidrs: string[]): string[] {
  const set = normaliseCidrSet(cidrs);
  if ('error' in set) throw invalidArgument(`cidrs[${set.index}]`, set.error.message);
  return set.cidrs;
}

export function toAllowList(r: IpAllowListsTable, leastRoleToChange: Role): IpAllowList {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    cidrs: JSON.parse(r.cidrs) as string[],
    least_role_to_change: leastRoleToChange,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/**
 * A list protects the keys that use it: changing it (its addresses, or even its name, which people go by)
 * needs at least the highest role among its unrevoked keys, so nobody widens or empties the list an admin key
 * relies on; and never less than managing lists needs. Read for each list in `ids` with one query.
 */
async function leastRolesToChange(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Role>> {
  const least = new Map<string, Role>(ids.map((id) => [id, LEAST_ROLE_TO_MANAGE.ip_allow_lists]));
  if (ids.length === 0) return least;
  const rows = await db
    .selectFrom('api_key_allow_lists')
    .innerJoin('api_keys', 'api_keys.id', 'api_key_allow_lists.key_id')
    .select(['api_key_allow_lists.allow_list_id as list', 'api_keys.role'])
    .distinct()
    .where('api_key_allow_lists.allow_list_id', 'in', ids)
    .where('api_keys.revoked_at', 'is', null)
    .execute();
  for (const { list, role } of rows) least.set(list, higherRole(least.get(list)!, role));
  return least;
}

export function allowListRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  const load = async (id: string) => {
    const row = await db.selectFrom('ip_allow_lists').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('IP allow list', id);
    return row;
  };
  const view = async (row: IpAllowListsTable, from: Kysely<Database> = db) => toAllowList(row, (await leastRolesToChange(from, [row.id])).get(row.id)!);
  return async (app) => {
    app.post(
      '/ip-allow-lists',
      { schema: { tags, summary: 'Create an IP allow list', body: CreateAllowListBody, response: { 201: IpAllowList, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.ip_allow_lists, 'creating an IP allow list');
        const now = new Date().toISOString();
        const row: IpAllowListsTable = {
          id: newId('allowList'),
          name: request.body.name,
          description: request.body.description ?? '',
          cidrs: JSON.stringify(normaliseCidrs(request.body.cidrs)),
          created_by: request.auth.actor.id,
          created_at: now,
          updated_at: now,
        };
        await inTransaction(ctx, async (trx) => {
          await trx.insertInto('ip_allow_lists').values(row).execute();
          await writeAudit(trx, {
            action: 'ip_allow_list.create',
            actor: request.auth.actor,
            target: { type: 'ip_allow_list', id: row.id },
            address: request.ip,
            requestId: request.id,
            details: { name: row.name },
          });
        });
        return reply.status(201).send(toAllowList(row, LEAST_ROLE_TO_MANAGE.ip_allow_lists));
      },
    );

    app.get(
      '/ip-allow-lists',
      {
        schema: {
          tags,
          summary: 'List IP allow lists',
          querystring: ListAllowListsQuery,
          response: {
            200: AllowListList,
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const size = request.query.page_size ?? 50;
        const after = decodePageToken(request.query.page_token);
        let query = db
          .selectFrom('ip_allow_lists')
          .selectAll()
          .orderBy('id')
          .limit(size + 1);
        if (after) query = query.where('id', '>', after);
        const result = page(await query.execute(), size);
        const least = await leastRolesToChange(
          db,
          result.items.map((r) => r.id),
        );
        return { ip_allow_lists: result.items.map((r) => toAllowList(r, least.get(r.id)!)), next_page_token: result.next_page_token };
      },
    );

    app.get(
      '/ip-allow-lists/:id',
      { schema: { tags, summary: 'Read an IP allow list', params: IdParams, response: { 200: IpAllowList, ...errorResponses } } },
      async (request) => view(await load(request.params.id)),
    );

    app.patch(
      '/ip-allow-lists/:id',
      {
        schema: {
          tags,
          summary: 'Change an IP allow list; attached keys follow at once',
          params: IdParams,
          body: UpdateAllowListBody,
          response: { 200: IpAllowList, ...errorResponses },
        },
      },
      async (request) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.ip_allow_lists, 'changing an IP allow list');
        const existing = await load(request.params.id);
        const body = request.body;
        const cidrs = body.cidrs === undefined ? undefined : normaliseCidrs(body.cidrs);
        const row = await inTransaction(ctx, async (trx) => {
          await assertMayChangeForKeysUsingIt(ctx, trx, request, existing.id);
          const changes: Partial<IpAllowListsTable> = { updated_at: new Date().toISOString() };
          if (body.name !== undefined) changes.name = body.name;
          if (body.description !== undefined) changes.description = body.description;
          if (cidrs !== undefined) changes.cidrs = JSON.stringify(cidrs);
          await trx.updateTable('ip_allow_lists').set(changes).where('id', '=', existing.id).execute();
          await writeAudit(trx, {
            action: 'ip_allow_list.update',
            actor: request.auth.actor,
            target: { type: 'ip_allow_list', id: existing.id },
            address: request.ip,
            requestId: request.id,
            details: { fields: Object.keys(body) },
          });
          return view(await trx.selectFrom('ip_allow_lists').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow(), trx);
        });
        return row;
      },
    );

    app.delete(
      '/ip-allow-lists/:id',
      { schema: { tags, summary: 'Delete an IP allow list no key uses', params: IdParams, response: { 204: NoContent, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.ip_allow_lists, 'deleting an IP allow list');
        const existing = await load(request.params.id);
        await inTransaction(ctx, async (trx) => {
          // Lock the list before looking for keys: a key being written with it holds it FOR SHARE (see
          // lockKeyReferences), so either that key is committed and seen here, or it waits and finds no list.
          if (!(await forUpdate(ctx, trx.selectFrom('ip_allow_lists').select('id').where('id', '=', existing.id)).executeTakeFirst()))
            throw notFound('IP allow list', existing.id);
          // Only keys that can still be used hold a list: a revoked key can never be changed again, so its
          // tombstone could otherwise pin the list forever. Its link goes with the list.
          const user = await trx
            .selectFrom('api_key_allow_lists')
            .innerJoin('api_keys', 'api_keys.id', 'api_key_allow_lists.key_id')
            .select('api_key_allow_lists.key_id')
            .where('api_key_allow_lists.allow_list_id', '=', existing.id)
            .where('api_keys.revoked_at', 'is', null)
            .executeTakeFirst();
          if (user) throw new ApiError('conflict', `IP allow list ${existing.id} is attached to key ${user.key_id}; detach it first`);
          await trx.deleteFrom('api_key_allow_lists').where('allow_list_id', '=', existing.id).execute();
          await trx.deleteFrom('ip_allow_lists').where('id', '=', existing.id).execute();
          await writeAudit(trx, {
            action: 'ip_allow_list.delete',
            actor: request.auth.actor,
            target: { type: 'ip_allow_list', id: existing.id },
            address: request.ip,
            requestId: request.id,
            details: { name: existing.name },
          });
        });
        return reply.status(204).send(null);
      },
    );
  };
}

/**
 * Changing a list needs its least_role_to_change (leastRolesToChange). The list is locked first: a key being
 * attached to it holds it FOR SHARE (lockKeyReferences), so that key is either committed and counted here, or
 * waits for this change.
 */
async function assertMayChangeForKeysUsingIt(ctx: ServiceContext, trx: Transaction<Database>, request: FastifyRequest, listId: string): Promise<void> {
  if (!(await forUpdate(ctx, trx.selectFrom('ip_allow_lists').select('id').where('id', '=', listId)).executeTakeFirst()))
    throw notFound('IP allow list', listId);
  const highest = (await leastRolesToChange(trx, [listId])).get(listId)!;
  if (!atLeast(request.auth.role, highest)) {
    const a = /^[aeiou]/.test(highest) ? 'an' : 'a';
    throw permissionDenied(
      `changing IP allow list ${listId} needs the ${highest} role: ${a} ${highest} key uses it, and this key acts as ${request.auth.role}`,
    );
  }
}

/**
 * `/v1/api-keys`: issue, list, read, update in place, revoke (keeping a tombstone) and delete keys.
 * The secret is generated here, returned by create once, and only its hash is stored.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { writeAudit } from '../audit/audit-log';
import { displayPrefix, generateKey } from '../../contract/key-format';
import type { ServiceContext } from '../context';
import { forUpdate, inTransaction } from '../db/transaction';
import { ApiError, invalidArgument, notFound, permissionDenied } from '../errors';
import { containsText, startsWith } from '../exact-match';
import { requireRole } from '../http/auth';
import { IdParams, NoContent, errorResponses } from '../../contract/api/common';
import { OPTIONAL_BODY } from '../http/openapi';
import { newId } from '../ids';
import { atLeast, LEAST_ROLE_TO_MANAGE, lowerRole } from '../../contract/roles';

import { assertAllowListsExist, assertMayManageKey, assertScopesGrantable, futureExpiry, lockKeyReferences, resolveNewKeyOwner } from './rules';
import {
  ApiKey,
  ApiKeyList,
  CreateApiKeyBody,
  CreatedApiKey,
  ListApiKeysQuery,
  type RateLimit,
  RevokeApiKeyBody,
  UpdateApiKeyBody,
} from '../../contract/api/api-keys';
import { toApiKey, toApiKeys } from './views';
import { keepingAdminAccess } from './last-admin-key';
import { keyListOrder } from './list-order';
import {
  DELIVERED_ENTRY_HEADER,
  FIRST_SECRET_COLUMNS,
  deliver,
  deliveredColumns,
  deliveredEntryHeader,
  prepareDelivery,
  removeDeliveredEntry,
} from './delivery';
import { type IdempotencyRecord, idempotencyKeyOf, idempotently, keyMadeWith } from './idempotency';

const tags = ['api-keys'];

/** A key's rate limit as stored: both columns set, or both null. */
function rateLimitColumns(limit: RateLimit | null): { rate_limit_max: number | null; rate_limit_window_s: number | null } {
  return { rate_limit_max: limit?.limit ?? null, rate_limit_window_s: limit?.window_seconds ?? null };
}

export function apiKeyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;

  async function loadKey(id: string) {
    const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('API key', id);
    return row;
  }

  return async (app) => {
    app.post(
      '/api-keys',
      {
        schema: {
          tags,
          summary: 'Create an API key',
          description:
            'With an Idempotency-Key header, a repeat of the same request within 24 hours answers 200 with the first answer (replayed: true, no secret) instead of making another key.',
          body: CreateApiKeyBody,
          // A replay answers 200 with this same schema; the document lists one success status per operation.
          response: { 201: CreatedApiKey, ...errorResponses },
        },
      },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.api_keys, 'creating an API key');
        return idempotently(ctx, request, reply, 201, (record) => createKey(request, request.body, record));
      },
    );

    /** The create itself, run once per Idempotency-Key. */
    async function createKey(request: FastifyRequest, body: CreateApiKeyBody, record: IdempotencyRecord): Promise<CreatedApiKey> {
      const owner = await resolveNewKeyOwner(db, request, body);
      const ceiling = lowerRole(request.auth.role, owner.role);
      const role = body.role ?? ceiling;
      if (!atLeast(request.auth.role, role)) {
        throw permissionDenied(`a key acting as ${request.auth.role} cannot create a key with the ${role} role`, 'role');
      }
      if (!atLeast(owner.role, role)) throw invalidArgument('role', `role ${role} is above the owner's ${owner.role} role`);
      const scopes = body.scopes ?? [];
      await assertScopesGrantable(db, request, scopes);
      const allowListIds = body.allow_list_ids ?? [];
      await assertAllowListsExist(db, allowListIds);
      const expiresAt = body.expires_at == null ? null : futureExpiry('expires_at', body.expires_at);

      const secret = generateKey();
      const prepared = await prepareDelivery(ctx, request, body.delivery, secret);
      const now = new Date().toISOString();
      const id = newId('apiKey');
      return inTransaction(ctx, async (trx) => {
        await record.claim(trx, id);
        await lockKeyReferences(ctx.store.dialect, trx, scopes, allowListIds);
        await trx
          .insertInto('api_keys')
          .values({
            id,
            name: body.name,
            description: body.description ?? '',
            owner_type: owner.type,
            owner_id: owner.id,
            created_by: request.auth.actor.id,
            creation_idempotency_key: idempotencyKeyOf(request) ?? null,
            role,
            scopes: JSON.stringify(scopes),
            labels: JSON.stringify(body.labels ?? {}),
            expires_at: expiresAt,
            key_hash: ctx.hasher.hash(secret),
            display_prefix: displayPrefix(secret),
            created_at: now,
            updated_at: now,
            revoked_at: null,
            revoke_reason: null,
            last_used_at: null,
            last_used_ip: null,
            last_used_claimed_ip: null,
            created_by_key: request.auth.actor.keyId,
            ...rateLimitColumns(body.rate_limit ?? null),
            ...FIRST_SECRET_COLUMNS,
          })
          .execute();
        if (allowListIds.length)
          await trx
            .insertInto('api_key_allow_lists')
            .values(allowListIds.map((l) => ({ key_id: id, allow_list_id: l })))
            .execute();
        await writeAudit(trx, {
          action: 'api_key.create',
          actor: request.auth.actor,
          target: { type: 'api_key', id },
          address: request.ip,
          requestId: request.id,
          details: { name: body.name, role, owner_type: owner.type, owner_id: owner.id, scopes, delivery: prepared.mode },
        });
        // After the key row: a secret-store write that fails rolls the key back with it.
        const delivered = await deliver(ctx, trx, request, prepared);
        if (delivered.delivery.secret_store) await trx.updateTable('api_keys').set(deliveredColumns(delivered.delivery)).where('id', '=', id).execute();
        const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const answer: CreatedApiKey = { api_key: await toApiKey(trx, row), secret: delivered.secret, delivery: delivered.delivery, replayed: false };
        await record.complete(trx, answer);
        return answer;
      });
    }

    app.get(
      '/api-keys',
      { schema: { tags, summary: 'List API keys', querystring: ListApiKeysQuery, response: { 200: ApiKeyList, ...errorResponses } } },
      async (request) => {
        const q = request.query;
        const size = q.page_size ?? 50;
        const order = keyListOrder(q.sort, q.page_token);
        const now = new Date().toISOString();
        let query = order.apply(db.selectFrom('api_keys').selectAll()).limit(size + 1);
        if (q.owner_type) query = query.where('owner_type', '=', q.owner_type);
        if (q.owner_id) query = query.where('owner_id', '=', q.owner_id);
        if (q.service_account_id) query = query.where('owner_type', '=', 'service_account').where('owner_id', '=', q.service_account_id);
        if (q.created_by) query = query.where('created_by', '=', q.created_by);
        if (q.id !== undefined) query = query.where('id', 'in', q.id);
        if (q.idempotency_key !== undefined) {
          // The caller's own key made with it: how a client whose create lost its answer finds what it made.
          const made = await keyMadeWith(db, request, q.idempotency_key);
          if (made === undefined) return { api_keys: [], next_page_token: null };
          query = query.where('id', '=', made);
        }
        if (q.name_prefix) query = query.where(startsWith('name', q.name_prefix));
        if (q.status === 'revoked') query = query.where('revoked_at', 'is not', null);
        if (q.status === 'expired') query = query.where('revoked_at', 'is', null).where('expires_at', '<=', now);
        if (q.status === 'active') {
          query = query.where('revoked_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
        }
        (q.label ?? []).forEach((pair, i) => {
          const at = pair.indexOf('=');
          const k = pair.slice(0, at);
          if (!k) throw invalidArgument(`label[${i}]`, 'label filters are KEY=VALUE');
          // Labels are stored as JSON.stringify output, so an exact pair appears as this exact text.
          const text = `${JSON.stringify(k)}:${JSON.stringify(pair.slice(at + 1))}`;
          query = query.where(containsText('labels', text));
        });
        const result = order.page(await query.execute(), size);
        return { api_keys: await toApiKeys(db, result.items), next_page_token: result.next_page_token };
      },
    );

    app.get(
      '/api-keys/:id',
      { schema: { tags, summary: 'Read an API key (never its secret)', params: IdParams, response: { 200: ApiKey, ...errorResponses } } },
      async (request) => toApiKey(db, await loadKey(request.params.id)),
    );

    app.patch(
      '/api-keys/:id',
      { schema: { tags, summary: 'Change the fields sent, in place', params: IdParams, body: UpdateApiKeyBody, response: { 200: ApiKey, ...errorResponses } } },
      async (request) => {
        const body = request.body;
        const existing = await loadKey(request.params.id);
        await assertMayManageKey(db, request, existing);
        if (existing.revoked_at) throw new ApiError('conflict', `API key ${existing.id} is revoked and cannot be changed`);
        if (body.scopes) await assertScopesGrantable(db, request, body.scopes);
        if (body.allow_list_ids) await assertAllowListsExist(db, body.allow_list_ids);
        const expiresAt = body.expires_at === undefined ? undefined : body.expires_at === null ? null : futureExpiry('expires_at', body.expires_at);
        const row = await inTransaction(ctx, async (trx) => {
          const current = await forUpdate(ctx, trx.selectFrom('api_keys').selectAll().where('id', '=', existing.id)).executeTakeFirst();
          if (!current) throw notFound('API key', existing.id);
          if (current.revoked_at) throw new ApiError('conflict', `API key ${existing.id} is revoked and cannot be changed`);
          // An expired key stays expired: moving its expiry would bring a key back that everyone took for dead.
          if (expiresAt !== undefined && current.expires_at !== null && current.expires_at <= new Date().toISOString()) {
            throw new ApiError(
              'conflict',
              `API key ${existing.id} expired at ${current.expires_at}; an expired key is not brought back: create a new one`,
              'expires_at',
            );
          }
          await lockKeyReferences(ctx.store.dialect, trx, body.scopes, body.allow_list_ids);
          const changes: Record<string, unknown> = { updated_at: new Date().toISOString() };
          if (body.name !== undefined) changes.name = body.name;
          if (body.description !== undefined) changes.description = body.description;
          if (body.scopes !== undefined) changes.scopes = JSON.stringify(body.scopes);
          if (body.labels !== undefined) changes.labels = JSON.stringify(body.labels);
          if (expiresAt !== undefined) changes.expires_at = expiresAt;
          if (body.rate_limit !== undefined) Object.assign(changes, rateLimitColumns(body.rate_limit));
          await trx.updateTable('api_keys').set(changes).where('id', '=', existing.id).execute();
          if (body.allow_list_ids !== undefined) {
            await trx.deleteFrom('api_key_allow_lists').where('key_id', '=', existing.id).execute();
            if (body.allow_list_ids.length) {
              await trx
                .insertInto('api_key_allow_lists')
                .values(body.allow_list_ids.map((l) => ({ key_id: existing.id, allow_list_id: l })))
                .execute();
            }
          }
          await writeAudit(trx, {
            action: 'api_key.update',
            actor: request.auth.actor,
            target: { type: 'api_key', id: existing.id },
            address: request.ip,
            requestId: request.id,
            details: { fields: Object.keys(body) },
          });
          return trx.selectFrom('api_keys').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
        });
        return toApiKey(db, row);
      },
    );

    app.post(
      '/api-keys/:id/revoke',
      {
        schema: {
          tags,
          summary: 'Revoke a key; reads keep returning its tombstone',
          params: IdParams,
          body: RevokeApiKeyBody,
          response: { 200: ApiKey, ...errorResponses },
          [OPTIONAL_BODY]: true,
        },
        // The body is optional (`curl -X POST …/revoke` works): Fastify would validate a missing body as null.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request) => {
        const existing = await loadKey(request.params.id);
        await assertMayManageKey(db, request, existing);
        const row = await inTransaction(ctx, (trx) =>
          keepingAdminAccess(ctx, trx, { what: `revoking API key ${existing.id}`, when: existing.role === 'admin' }, async () => {
            const now = new Date().toISOString();
            // Revoking twice keeps the first time and reason: the tombstone records when the key died.
            const updated = await trx
              .updateTable('api_keys')
              .set({ revoked_at: now, revoke_reason: request.body?.reason ?? 'revoked', updated_at: now })
              .where('id', '=', existing.id)
              .where('revoked_at', 'is', null)
              .executeTakeFirst();
            if (Number(updated.numUpdatedRows) > 0) {
              await writeAudit(trx, {
                action: 'api_key.revoke',
                actor: request.auth.actor,
                target: { type: 'api_key', id: existing.id },
                address: request.ip,
                requestId: request.id,
                details: { reason: request.body?.reason ?? 'revoked' },
              });
            }
            return trx.selectFrom('api_keys').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
          }),
        );
        return toApiKey(db, row);
      },
    );

    app.delete(
      '/api-keys/:id',
      { schema: { tags, summary: 'Delete a key and its tombstone', params: IdParams, response: { 204: NoContent, ...errorResponses } } },
      async (request, reply) => {
        const existing = await loadKey(request.params.id);
        await assertMayManageKey(db, request, existing);
        const entry = await inTransaction(ctx, (trx) =>
          keepingAdminAccess(ctx, trx, { what: `deleting API key ${existing.id}`, when: existing.role === 'admin' }, async () => {
            const current = await forUpdate(ctx, trx.selectFrom('api_keys').selectAll().where('id', '=', existing.id)).executeTakeFirst();
            if (!current) throw notFound('API key', existing.id);
            // The entry its secret was delivered to goes with it, in this transaction (service/keys/delivery.ts).
            const entry = await removeDeliveredEntry(ctx, trx, request, current);
            await trx.deleteFrom('api_key_allow_lists').where('key_id', '=', existing.id).execute();
            await trx.deleteFrom('api_keys').where('id', '=', existing.id).execute();
            await writeAudit(trx, {
              action: 'api_key.delete',
              actor: request.auth.actor,
              target: { type: 'api_key', id: existing.id },
              address: request.ip,
              requestId: request.id,
              details: { name: existing.name, ...(entry ? { delivered_entry: entry } : {}) },
            });
            return entry;
          }),
        );
        if (entry) void reply.header(DELIVERED_ENTRY_HEADER, deliveredEntryHeader(entry));
        return reply.status(204).send(null);
      },
    );
  };
}

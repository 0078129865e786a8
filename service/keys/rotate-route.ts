/**
 * `POST /v1/api-keys/{id}/rotate`: a new secret for the same key (id, metadata, owner, role unchanged),
 * delivered like a create's (service/keys/delivery.ts). The secret it replaces keeps working for
 * `overlap_seconds` (0: not at all), until `previous_secret_expires_at`. A key holds at most two live secrets:
 * a rotation during an overlap ends the older one at once. Revoking or deleting the key ends both.
 *
 * Everything happens in one transaction on the locked key row, which the change feed announces to every node
 * (service/db/transaction.ts), so once the rotation has answered no node answers from what it cached before:
 * with overlap 0 the old secret is refused everywhere from then on. An Idempotency-Key makes a repeat replay
 * the first answer rather than rotate again (service/keys/idempotency.ts).
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreatedApiKey, RotateApiKeyBody } from '../../contract/api/api-keys';
import { IdParams, errorResponses } from '../../contract/api/common';
import { displayPrefix, generateKey } from '../../contract/key-format';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { ApiKeysTable } from '../db/tables';
import { forUpdate, inTransaction } from '../db/transaction';
import { ApiError, notFound, permissionDenied } from '../errors';
import { requireRole } from '../http/auth';
import { LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { OPTIONAL_BODY } from '../http/openapi';
import { DELIVERED_ENTRY_HEADER, deliver, deliveredColumns, deliveredEntryHeader, prepareDelivery, removeDeliveredEntry } from './delivery';
import { type IdempotencyRecord, idempotently } from './idempotency';
import { assertRotationKeepsAdminAccess } from './last-admin-key';
import { assertMayManageKey, assertScopesGrantable } from './rules';
import { toApiKey } from './views';

/** 409 when the key cannot take a new secret: a revoked or expired key stays stopped. */
function assertRotatable(key: ApiKeysTable, now: number): void {
  if (key.revoked_at) throw new ApiError('conflict', `API key ${key.id} is revoked (${key.revoke_reason ?? 'revoked'}) and cannot be rotated`);
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now) {
    throw new ApiError('conflict', `API key ${key.id} expired at ${key.expires_at} and cannot be rotated: an expired key is not brought back`);
  }
}

/** Whether the key's secret was in a secret-store entry that the new delivery does not write. */
function movedAway(key: ApiKeysTable, now: CreatedApiKey['delivery']): boolean {
  if (key.delivered_secret_id === null) return false;
  const to = now.secret_store;
  return !to || to.secret_id !== key.delivered_secret_id || to.entry_key !== key.delivered_entry_key;
}

export function rotateApiKeyRoute(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  return async (app) => {
    /**
     * Who may obtain a new secret of a key. Checked before an Idempotency-Key is looked at, so a replay is
     * answered only to a caller who could make the request now. A rotation hands out a working secret, so it
     * asks what a create of the same key would: the key may be managed by the caller, and its built-in scopes
     * granted by them. A caller authenticated by a previous secret (alive only for an overlap, typically
     * because it leaked) may not rotate: it could end the secret that replaced it and keep the only live one.
     */
    async function authorise(request: FastifyRequest): Promise<ApiKeysTable> {
      requireRole(request, LEAST_ROLE_TO_MANAGE.api_keys, 'rotating an API key');
      if (request.auth.record.matched === 'previous')
        throw permissionDenied(
          `rotating needs a key's current secret; the calling key authenticated with a previous secret, which stops working at its overlap's end`,
        );
      const { id } = request.params as { id: string };
      const existing = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (!existing) throw notFound('API key', id);
      await assertMayManageKey(db, request, existing);
      await assertScopesGrantable(db, request, JSON.parse(existing.scopes) as string[]);
      return existing;
    }

    /** The rotation itself, run once per Idempotency-Key. */
    async function rotateKey(
      request: FastifyRequest,
      reply: FastifyReply,
      existing: ApiKeysTable,
      body: RotateApiKeyBody,
      record: IdempotencyRecord,
    ): Promise<CreatedApiKey> {
      assertRotatable(existing, Date.now());
      const overlapSeconds = body.overlap_seconds ?? 0;
      const secret = generateKey();
      const prepared = await prepareDelivery(ctx, request, body.delivery, secret);
      return inTransaction(ctx, async (trx) => {
        await record.claim(trx, existing.id);
        const current = await forUpdate(ctx, trx.selectFrom('api_keys').selectAll().where('id', '=', existing.id)).executeTakeFirst();
        if (!current) throw notFound('API key', existing.id);
        const now = Date.now();
        assertRotatable(current, now);
        if (overlapSeconds === 0 && prepared.mode === 'secret_store' && current.role === 'admin') await assertRotationKeepsAdminAccess(ctx, trx, current.id);
        const at = new Date(now).toISOString();
        // The current secret becomes the previous one; whatever was previous (a rotation during an overlap) ends now.
        const previous =
          overlapSeconds > 0
            ? {
                previous_key_hash: current.key_hash,
                previous_display_prefix: current.display_prefix,
                previous_secret_expires_at: new Date(now + overlapSeconds * 1000).toISOString(),
              }
            : { previous_key_hash: null, previous_display_prefix: null, previous_secret_expires_at: null };
        const secretVersion = current.secret_version + 1;
        await trx
          .updateTable('api_keys')
          .set({
            key_hash: ctx.hasher.hash(secret),
            display_prefix: displayPrefix(secret),
            secret_version: secretVersion,
            rotated_at: at,
            updated_at: at,
            ...previous,
          })
          .where('id', '=', current.id)
          .execute();
        // After the key row: a secret-store write that fails rolls the rotation back with it.
        const delivered = await deliver(ctx, trx, request, prepared);
        // A key's secret is in one place: delivered elsewhere now, the entry holding the previous secret goes
        // (if it still holds it). Whoever already read that secret can use it for the overlap.
        const left = movedAway(current, delivered.delivery) ? await removeDeliveredEntry(ctx, trx, request, current) : undefined;
        if (left) void reply.header(DELIVERED_ENTRY_HEADER, deliveredEntryHeader(left));
        await writeAudit(trx, {
          action: 'api_key.rotate',
          actor: request.auth.actor,
          target: { type: 'api_key', id: current.id },
          address: request.ip,
          requestId: request.id,
          details: {
            secret_version: secretVersion,
            overlap_seconds: overlapSeconds,
            previous_secret_expires_at: previous.previous_secret_expires_at,
            delivery: prepared.mode,
            ...(left ? { previous_entry: left } : {}),
          },
        });
        // Where the current secret went: the entry, or nulls (service/keys/delivery.ts).
        await trx.updateTable('api_keys').set(deliveredColumns(delivered.delivery)).where('id', '=', current.id).execute();
        const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', current.id).executeTakeFirstOrThrow();
        const answer: CreatedApiKey = { api_key: await toApiKey(trx, row), secret: delivered.secret, delivery: delivered.delivery, replayed: false };
        await record.complete(trx, answer);
        return answer;
      });
    }

    app.post(
      '/api-keys/:id/rotate',
      {
        schema: {
          tags: ['api-keys'],
          summary: 'Give the key a new secret; the previous one works for overlap_seconds more',
          description:
            'With an Idempotency-Key header, a repeat of the same request within 24 hours answers the first answer (replayed: true, no secret) instead of rotating again.',
          params: IdParams,
          body: RotateApiKeyBody,
          response: { 200: CreatedApiKey, ...errorResponses },
          [OPTIONAL_BODY]: true,
        },
        // `POST …/rotate` with no body rotates with no overlap and the secret in the response.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request, reply) => {
        const existing = await authorise(request);
        return idempotently(ctx, request, reply, 200, (record) => rotateKey(request, reply, existing, request.body ?? {}, record));
      },
    );
  };
}

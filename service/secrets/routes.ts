/**
 * `/v1/secrets`: the versioned secret store. A version is immutable; writing entries makes a new version that
 * holds the latest one's entries with the write's changes (service/secrets/store.ts has the storage model),
 * inside one transaction that locks the secret, so parallel writers of different entries lose nothing.
 * `expected_version` turns a write into check-and-set. Each entry value is sealed with AES-256-GCM under the
 * master key. Reading entries needs the admin
 * role, ownership of the secret or the `keyplane.secrets.read` scope; writing, ownership or
 * `keyplane.secrets.write`. A secret a service account owns is also owned, for these rules, by those who act
 * for the account: its owner and managers (service/service-accounts/stewards.ts).
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { SecretsTable } from '../db/tables';
import { inTransaction, isUniqueViolation } from '../db/transaction';
import { ApiError, notFound, permissionDenied } from '../errors';
import { isAdmin, requireRole } from '../http/auth';
import { decodePageToken, page } from '../http/pagination';
import { LIMITS } from '../../contract/limits';
import { IdParams, NoContent, errorResponses } from '../../contract/api/common';
import { newId } from '../ids';
import { canRead, canWrite, owns } from './access';
import { destroyVersion, readEntries, toVersion, writeEntries } from './store';
import { resolveNewKeyOwner } from '../keys/rules';
import { accountsActedFor } from '../service-accounts/stewards';
import {
  CreateSecretBody,
  DestroyedSecretVersion,
  ListSecretVersionsQuery,
  ListSecretsQuery,
  Secret,
  SecretList,
  SecretVersion,
  SecretVersionList,
  SecretVersionWithEntries,
  UpdateSecretBody,
  VersionParams,
  WriteVersionBody,
} from '../../contract/api/secrets';

const tags = ['secrets'];

const NONE: ReadonlySet<string> = new Set();

export function secretRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  /** Admins need no lookup; anyone else acts for the accounts they own or manage (and a service account for itself). */
  const actedFor = (request: FastifyRequest) => (isAdmin(request) ? Promise.resolve(NONE) : accountsActedFor(db, request));
  const toSecret = (request: FastifyRequest, s: SecretsTable, acted: ReadonlySet<string>): Secret => {
    const { live_entries, live_bytes, ...rest } = s;
    return {
      ...rest,
      entry_count: live_entries,
      entry_bytes: live_bytes,
      caller_can_read: canRead(request, s, acted),
      caller_can_write: canWrite(request, s, acted),
    };
  };
  const load = async (id: string) => {
    const row = await db.selectFrom('secrets').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('secret', id);
    return row;
  };
  const nameTaken = (name: string) => new ApiError('already_exists', `a secret named ${name} exists`, 'name');
  const assertOwnerOrAdmin = async (request: FastifyRequest, s: SecretsTable, what: string) => {
    requireRole(request, LEAST_ROLE_TO_MANAGE.secrets, what);
    const acted = await actedFor(request);
    if (!isAdmin(request) && !owns(request, s, acted)) throw permissionDenied(`${what} needs the admin role or ownership of secret ${s.id}`);
    return acted;
  };

  async function readVersion(request: FastifyRequest, secretId: string, version: number | 'latest') {
    const secret = await load(secretId);
    if (!canRead(request, secret, await actedFor(request)))
      throw permissionDenied(`reading secret ${secret.id} needs the admin role, its ownership or the keyplane.secrets.read scope`);
    if (version === 'latest' && secret.latest_version === 0) throw new ApiError('not_found', `secret ${secret.id} has no versions yet`);
    const n = version === 'latest' ? secret.latest_version : version;
    const row = await db.selectFrom('secret_versions').selectAll().where('secret_id', '=', secret.id).where('version', '=', n).executeTakeFirst();
    if (!row) throw new ApiError('not_found', `secret ${secret.id} has no version ${n}`);
    await writeAudit(db, {
      action: 'secret.read',
      actor: request.auth.actor,
      target: { type: 'secret', id: secret.id },
      address: request.ip,
      requestId: request.id,
      details: { version: n },
    });
    return { ...toVersion(row), ...(await readEntries(ctx, db, row)) };
  }

  return async (app) => {
    app.post(
      '/secrets',
      { schema: { tags, summary: 'Create a secret (a container of versions)', body: CreateSecretBody, response: { 201: Secret, ...errorResponses } } },
      async (request, reply) => {
        requireRole(request, LEAST_ROLE_TO_MANAGE.secrets, 'creating a secret');
        const owner = await resolveNewKeyOwner(db, request, { service_account_id: request.body.service_account_id }, 'a secret');
        const now = new Date().toISOString();
        const row: SecretsTable = {
          id: newId('secret'),
          name: request.body.name,
          description: request.body.description ?? '',
          owner_type: owner.type,
          owner_id: owner.id,
          created_by: request.auth.actor.id,
          latest_version: 0,
          live_entries: 0,
          live_bytes: 0,
          created_at: now,
          updated_at: now,
        };
        try {
          await inTransaction(ctx, async (trx) => {
            await trx.insertInto('secrets').values(row).execute();
            await writeAudit(trx, {
              action: 'secret.create',
              actor: request.auth.actor,
              target: { type: 'secret', id: row.id },
              address: request.ip,
              requestId: request.id,
              details: { name: row.name },
            });
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw nameTaken(row.name);
          throw err;
        }
        return reply.status(201).send(toSecret(request, row, await actedFor(request)));
      },
    );

    app.get(
      '/secrets',
      {
        schema: {
          tags,
          summary: 'List secrets (metadata only)',
          querystring: ListSecretsQuery,
          response: { 200: SecretList, ...errorResponses },
        },
      },
      async (request) => {
        const size = request.query.page_size ?? 50;
        const after = decodePageToken(request.query.page_token);
        let query = db
          .selectFrom('secrets')
          .selectAll()
          .orderBy('id')
          .limit(size + 1);
        if (after) query = query.where('id', '>', after);
        if (request.query.name) query = query.where('name', '=', request.query.name);
        const result = page(await query.execute(), size);
        const acted = await actedFor(request);
        return { secrets: result.items.map((s) => toSecret(request, s, acted)), next_page_token: result.next_page_token };
      },
    );

    app.get(
      '/secrets/:id',
      { schema: { tags, summary: 'Read a secret (metadata only)', params: IdParams, response: { 200: Secret, ...errorResponses } } },
      async (request) => toSecret(request, await load(request.params.id), await actedFor(request)),
    );

    app.patch(
      '/secrets/:id',
      { schema: { tags, summary: 'Rename or describe a secret', params: IdParams, body: UpdateSecretBody, response: { 200: Secret, ...errorResponses } } },
      async (request) => {
        const existing = await load(request.params.id);
        const acted = await assertOwnerOrAdmin(request, existing, 'changing a secret');
        try {
          const row = await inTransaction(ctx, async (trx) => {
            await trx
              .updateTable('secrets')
              .set({ ...request.body, updated_at: new Date().toISOString() })
              .where('id', '=', existing.id)
              .execute();
            await writeAudit(trx, {
              action: 'secret.update',
              actor: request.auth.actor,
              target: { type: 'secret', id: existing.id },
              address: request.ip,
              requestId: request.id,
              details: { fields: Object.keys(request.body) },
            });
            return trx.selectFrom('secrets').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
          });
          return toSecret(request, row, acted);
        } catch (err) {
          if (isUniqueViolation(err)) throw nameTaken(request.body.name ?? '');
          throw err;
        }
      },
    );

    app.delete(
      '/secrets/:id',
      { schema: { tags, summary: 'Delete a secret and all its versions', params: IdParams, response: { 204: NoContent, ...errorResponses } } },
      async (request, reply) => {
        const existing = await load(request.params.id);
        await assertOwnerOrAdmin(request, existing, 'deleting a secret');
        await inTransaction(ctx, async (trx) => {
          await trx.deleteFrom('secret_entries').where('secret_id', '=', existing.id).execute();
          await trx.deleteFrom('secret_versions').where('secret_id', '=', existing.id).execute();
          await trx.deleteFrom('secrets').where('id', '=', existing.id).execute();
          await writeAudit(trx, {
            action: 'secret.delete',
            actor: request.auth.actor,
            target: { type: 'secret', id: existing.id },
            address: request.ip,
            requestId: request.id,
            details: { name: existing.name },
          });
        });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/secrets/:id/versions',
      {
        schema: {
          tags,
          summary: 'List versions, newest first: what each changed, no entry values',
          params: IdParams,
          querystring: ListSecretVersionsQuery,
          response: { 200: SecretVersionList, ...errorResponses },
        },
      },
      async (request) => {
        const secret = await load(request.params.id);
        const size = request.query.page_size ?? LIMITS.page.sizeDefault;
        const before = decodeVersionToken(request.query.page_token);
        let query = db
          .selectFrom('secret_versions')
          .selectAll()
          .where('secret_id', '=', secret.id)
          .orderBy('version', 'desc')
          .limit(size + 1);
        if (before !== undefined) query = query.where('version', '<', before);
        const rows = await query.execute();
        const items = rows.slice(0, size);
        const next = rows.length > size ? Buffer.from(String(items[items.length - 1]!.version), 'utf8').toString('base64url') : null;
        return { versions: items.map(toVersion), next_page_token: next };
      },
    );

    app.post(
      '/secrets/:id/versions',
      {
        schema: {
          tags,
          summary: 'Write entries as a new version, merged with the latest',
          params: IdParams,
          body: WriteVersionBody,
          response: { 201: SecretVersion, ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const secret = await load(request.params.id);
        if (!canWrite(request, secret, await actedFor(request)))
          throw permissionDenied(`writing secret ${secret.id} needs the admin role, its ownership or the keyplane.secrets.write scope`);
        const created = await inTransaction(ctx, (trx) =>
          writeEntries(ctx, trx, request, {
            secretId: secret.id,
            entries: body.entries,
            remove: body.remove_entries,
            expectedVersion: body.expected_version,
            replace: body.replace,
          }),
        );
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/secrets/:id/versions/latest',
      {
        schema: { tags, summary: 'Read the latest version with its entries', params: IdParams, response: { 200: SecretVersionWithEntries, ...errorResponses } },
      },
      async (request) => readVersion(request, request.params.id, 'latest'),
    );

    app.get(
      '/secrets/:id/versions/:version',
      { schema: { tags, summary: 'Read one version with its entries', params: VersionParams, response: { 200: SecretVersionWithEntries, ...errorResponses } } },
      async (request) => readVersion(request, request.params.id, request.params.version),
    );

    app.post(
      '/secrets/:id/versions/:version/destroy',
      {
        schema: {
          tags,
          summary: 'Destroy a version: the values it wrote are erased for good, from every version showing them',
          params: VersionParams,
          response: { 200: DestroyedSecretVersion, ...errorResponses },
        },
      },
      async (request) => {
        const secret = await load(request.params.id);
        if (!canWrite(request, secret, await actedFor(request)))
          throw permissionDenied(`destroying a version of secret ${secret.id} needs the admin role, its ownership or the keyplane.secrets.write scope`);
        const done = await inTransaction(ctx, (trx) => destroyVersion(ctx, trx, request, secret.id, request.params.version));
        if (!done) throw new ApiError('not_found', `secret ${secret.id} has no version ${request.params.version}`);
        return { ...toVersion(done.version), destroyed_entries: done.destroyedEntries };
      },
    );
  };
}

/** A page token of the version listing: the last version of the previous page, opaque to clients. */
function decodeVersionToken(token: string | undefined): number | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > LIMITS.secretVersion.max)
    throw new ApiError('invalid_argument', 'page_token is not a token this service issued', 'page_token');
  return Number(text);
}

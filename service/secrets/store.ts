/**
 * Writing the secret store inside a caller's transaction, so that a version can commit together with
 * something else (a new API key whose secret it holds). The routes in service/secrets/routes.ts and the key
 * delivery in service/keys both write through here.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { Database, SecretVersionsTable } from '../db/tables';
import { forUpdate } from '../db/transaction';
import { ApiError, invalidArgument, notFound } from '../errors';

export interface EntryWrite {
  secretId: string;
  /** Entries to set (added, or replacing the value of an entry of that name). */
  entries?: Record<string, string>;
  /** Entry names to remove. */
  remove?: readonly string[];
  /** Check-and-set: the write fails with 409 version_mismatch unless this is the latest version. */
  expectedVersion?: number;
  /** Start from no entries instead of carrying over the latest version's. */
  replace?: boolean;
  /** Names the request field that carried `remove`, for errors (`remove_entries` by default). */
  removeField?: string;
}

const aad = (secretId: string, version: number) => `${secretId}#${version}`;

/** A version's entries, or null once it is destroyed. */
export function openVersion(ctx: ServiceContext, v: SecretVersionsTable): Record<string, string> | null {
  return v.entries_sealed === null ? null : (JSON.parse(ctx.box.open(v.entries_sealed, aad(v.secret_id, v.version))) as Record<string, string>);
}

/**
 * Writes a new version of a secret within `trx` and records it in the audit log. The caller has checked that
 * `request`'s key may write the secret.
 */
export async function writeEntries(ctx: ServiceContext, trx: Transaction<Database>, request: FastifyRequest, w: EntryWrite): Promise<SecretVersionsTable> {
  // Writing and removing one entry in the same version is contradictory; refuse it rather than pick one.
  (w.remove ?? []).forEach((k, i) => {
    if (w.entries && Object.hasOwn(w.entries, k))
      throw invalidArgument(`${w.removeField ?? 'remove_entries'}[${i}]`, `entry "${k}" is both written and removed; do one or the other`);
  });
  // The row lock serialises writers of one secret on PostgreSQL; SQLite runs transactions one at a time.
  const locked = await forUpdate(ctx, trx.selectFrom('secrets').selectAll().where('id', '=', w.secretId)).executeTakeFirst();
  if (!locked) throw notFound('secret', w.secretId);
  if (w.expectedVersion !== undefined && w.expectedVersion !== locked.latest_version) {
    throw new ApiError('version_mismatch', `expected version ${w.expectedVersion}, but the latest is ${locked.latest_version}`, 'expected_version');
  }
  let entries: Record<string, string> = {};
  if (!w.replace && locked.latest_version > 0) {
    const latest = await trx
      .selectFrom('secret_versions')
      .selectAll()
      .where('secret_id', '=', w.secretId)
      .where('version', '=', locked.latest_version)
      .executeTakeFirstOrThrow();
    // A destroyed latest version carries nothing over: destroying is how a leaked value is purged.
    entries = openVersion(ctx, latest) ?? {};
  }
  entries = { ...entries, ...(w.entries ?? {}) };
  for (const k of w.remove ?? []) delete entries[k];
  const version = locked.latest_version + 1;
  const now = new Date().toISOString();
  const keys = Object.keys(entries).sort();
  const sorted = Object.fromEntries(keys.map((k) => [k, entries[k]!]));
  const created: SecretVersionsTable = {
    secret_id: w.secretId,
    version,
    entries_sealed: ctx.box.seal(JSON.stringify(sorted), aad(w.secretId, version)),
    entry_keys: JSON.stringify(keys),
    created_by: request.auth.actor.id,
    created_at: now,
    destroyed_at: null,
  };
  await trx.insertInto('secret_versions').values(created).execute();
  await trx.updateTable('secrets').set({ latest_version: version, updated_at: now }).where('id', '=', w.secretId).execute();
  await writeAudit(trx, {
    action: 'secret.version.create',
    actor: request.auth.actor,
    target: { type: 'secret', id: w.secretId },
    address: request.ip,
    requestId: request.id,
    details: { version, written: Object.keys(w.entries ?? {}), removed: w.remove ?? [] },
  });
  return created;
}

/**
 * The secret store's storage model. A version is what one write changed; the values are rows of
 * `secret_entries`, one sealed value each, live over the versions [set_in_version, ended_in_version). A write
 * inserts rows for the entries it sets and closes the ranges of those it replaces or removes, so it costs the
 * same whether the secret holds 3 entries or 3,000 (only `replace` closes every live row). Version N holds the
 * rows live at N. The secret row keeps the live count and bytes, so every limit (contract/limits.ts
 * secretEntries) is checked at write in constant time and no read refuses what a write accepted.
 *
 * Everything here runs inside a caller's transaction, so a version can commit together with something else
 * (a new API key whose secret it holds). The routes in service/secrets/routes.ts and the key delivery in
 * service/keys both write through here.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { SecretVersion, SecretVersionWithEntries } from '../../contract/api/secrets';
import { LIMITS } from '../../contract/limits';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import type { Database, SecretEntriesTable, SecretsTable, SecretVersionsTable } from '../db/tables';
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
  /** Names the request field that carried `entries`, for errors (`entries` by default). */
  entriesField?: string;
}

const LIMIT = LIMITS.secretEntries;

/** Associated data of a sealed value: it opens only as this secret's entry of this name, set in this version. */
export const entryAad = (secretId: string, entryKey: string, setInVersion: number) => `${secretId}#${setInVersion}#${entryKey}`;

export const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Rows per INSERT and names per IN list: far below SQLite's and PostgreSQL's limits on bound parameters. */
export const CHUNK = 200;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toVersion(v: SecretVersionsTable): SecretVersion {
  return {
    secret_id: v.secret_id,
    version: v.version,
    written: JSON.parse(v.written) as string[],
    removed: JSON.parse(v.removed) as string[],
    replaced: v.replaced === 1,
    entry_count: v.entry_count,
    created_by: v.created_by,
    created_at: v.created_at,
    destroyed_at: v.destroyed_at,
  };
}

async function lockSecret(ctx: ServiceContext, trx: Transaction<Database>, secretId: string): Promise<SecretsTable | undefined> {
  // The row lock serialises writers of one secret on PostgreSQL; SQLite runs transactions one at a time.
  return forUpdate(ctx, trx.selectFrom('secrets').selectAll().where('id', '=', secretId)).executeTakeFirst();
}

/** The live rows of these entry names (at most one each: the partial unique index secret_entries_live). */
async function liveRows(trx: Transaction<Database>, secretId: string, names: readonly string[]) {
  const rows: Pick<SecretEntriesTable, 'entry_key' | 'value_bytes'>[] = [];
  for (const part of chunks(names)) {
    rows.push(
      ...(await trx
        .selectFrom('secret_entries')
        .select(['entry_key', 'value_bytes'])
        .where('secret_id', '=', secretId)
        .where('ended_in_version', 'is', null)
        .where('entry_key', 'in', part)
        .execute()),
    );
  }
  return new Map(rows.map((r) => [r.entry_key, r.value_bytes]));
}

/**
 * Writes a new version of a secret within `trx` and records it in the audit log; returns the version's
 * metadata (`version` is its number). The caller has checked that `request`'s key may write the secret.
 */
export async function writeEntries(ctx: ServiceContext, trx: Transaction<Database>, request: FastifyRequest, w: EntryWrite): Promise<SecretVersion> {
  const locked = await lockSecret(ctx, trx, w.secretId);
  if (!locked) throw notFound('secret', w.secretId);
  return writeLocked(ctx, trx, request, locked, w);
}

async function writeLocked(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  request: FastifyRequest,
  locked: SecretsTable,
  w: EntryWrite,
): Promise<SecretVersion> {
  const entriesField = w.entriesField ?? 'entries';
  const removeField = w.removeField ?? 'remove_entries';
  const entries = w.entries ?? {};
  const written = Object.keys(entries).sort();
  const remove = w.remove ?? [];
  // Writing and removing one entry in the same version is contradictory; refuse it rather than pick one.
  remove.forEach((k, i) => {
    if (Object.hasOwn(entries, k)) throw invalidArgument(`${removeField}[${i}]`, `entry "${k}" is both written and removed; do one or the other`);
  });
  // The schema bounds the request body; a caller inside the service (key delivery) is held to the same.
  if (written.length > LIMIT.perWrite) throw invalidArgument(entriesField, `at most ${LIMIT.perWrite} entries in one write, got ${written.length}`);
  if (remove.length > LIMIT.perWrite) throw invalidArgument(removeField, `at most ${LIMIT.perWrite} entries removed in one write, got ${remove.length}`);
  if (w.expectedVersion !== undefined && w.expectedVersion !== locked.latest_version) {
    throw new ApiError('version_mismatch', `expected version ${w.expectedVersion}, but the latest is ${locked.latest_version}`, 'expected_version');
  }
  const version = locked.latest_version + 1;
  const before = w.replace ? new Map<string, number>() : await liveRows(trx, w.secretId, [...written, ...remove]);
  const removed = remove.filter((k) => before.has(k)).sort();
  let count = w.replace ? 0 : locked.live_entries;
  let bytes = w.replace ? 0 : locked.live_bytes;
  for (const k of removed) {
    count -= 1;
    bytes -= utf8Bytes(k) + before.get(k)!;
  }
  const rows: SecretEntriesTable[] = written.map((k) => {
    const value = entries[k]!;
    const old = before.get(k);
    const valueBytes = utf8Bytes(value);
    if (old === undefined) {
      count += 1;
      bytes += utf8Bytes(k) + valueBytes;
    } else bytes += valueBytes - old;
    return {
      secret_id: w.secretId,
      entry_key: k,
      set_in_version: version,
      ended_in_version: null,
      value_sealed: ctx.box.seal(value, entryAad(w.secretId, k, version)),
      value_bytes: valueBytes,
    };
  });
  // A secret over a limit (one converted from before the limits, say) may still shrink.
  if (count > LIMIT.perSecret && count > locked.live_entries)
    throw invalidArgument(
      entriesField,
      `a secret holds at most ${LIMIT.perSecret} entries; this write would make ${count}. Remove entries or use another secret`,
    );
  if (bytes > LIMIT.bytesPerSecret && bytes > locked.live_bytes)
    throw invalidArgument(
      entriesField,
      `a secret holds at most ${LIMIT.bytesPerSecret} bytes of entry names and values; this write would make ${bytes}. Remove entries or use another secret`,
    );

  // Close the ranges this write ends: every live row for replace, else the rows it overwrites or removes.
  const ended = w.replace ? undefined : [...written.filter((k) => before.has(k)), ...removed];
  if (!ended) {
    await trx
      .updateTable('secret_entries')
      .set({ ended_in_version: version })
      .where('secret_id', '=', w.secretId)
      .where('ended_in_version', 'is', null)
      .execute();
  } else {
    for (const part of chunks(ended)) {
      await trx
        .updateTable('secret_entries')
        .set({ ended_in_version: version })
        .where('secret_id', '=', w.secretId)
        .where('ended_in_version', 'is', null)
        .where('entry_key', 'in', part)
        .execute();
    }
  }
  for (const part of chunks(rows)) await trx.insertInto('secret_entries').values(part).execute();
  const now = new Date().toISOString();
  const created: SecretVersionsTable = {
    secret_id: w.secretId,
    version,
    written: JSON.stringify(written),
    removed: JSON.stringify(removed),
    replaced: w.replace ? 1 : 0,
    entry_count: count,
    created_by: request.auth.actor.id,
    created_at: now,
    destroyed_at: null,
  };
  await trx.insertInto('secret_versions').values(created).execute();
  await trx
    .updateTable('secrets')
    .set({ latest_version: version, live_entries: count, live_bytes: bytes, updated_at: now })
    .where('id', '=', w.secretId)
    .execute();
  await writeAudit(trx, {
    action: 'secret.version.create',
    actor: request.auth.actor,
    target: { type: 'secret', id: w.secretId },
    address: request.ip,
    requestId: request.id,
    details: { version, written: Object.keys(entries), removed: [...remove], ...(w.replace ? { replaced: true } : {}) },
  });
  return toVersion(created);
}

/**
 * Removes entry `entryKey` (a new version without it) only if its live value was set in `version`: what a
 * deleted key does to the entry its secret was delivered to, so that a value written since (a replacement
 * key's) stays. Otherwise, and when the secret no longer exists, does nothing and returns null.
 */
export async function removeEntryIfWrittenIn(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  request: FastifyRequest,
  target: { secretId: string; entryKey: string; version: number },
): Promise<SecretVersion | null> {
  const locked = await lockSecret(ctx, trx, target.secretId);
  if (!locked) return null;
  const live = await trx
    .selectFrom('secret_entries')
    .select('set_in_version')
    .where('secret_id', '=', target.secretId)
    .where('entry_key', '=', target.entryKey)
    .where('ended_in_version', 'is', null)
    .executeTakeFirst();
  if (live?.set_in_version !== target.version) return null;
  return writeLocked(ctx, trx, request, locked, { secretId: target.secretId, remove: [target.entryKey] });
}

/**
 * Version `n` of a secret with its entries: the rows live at n, opened. Two index range scans (the live rows,
 * and those that ended after n), so reading the latest costs the live entries only, not the secret's history.
 */
export async function readEntries(
  ctx: ServiceContext,
  db: Kysely<Database>,
  v: SecretVersionsTable,
): Promise<Pick<SecretVersionWithEntries, 'entry_keys' | 'entries' | 'destroyed_entries'>> {
  const live = db
    .selectFrom('secret_entries')
    .select(['entry_key', 'set_in_version', 'value_sealed'])
    .where('secret_id', '=', v.secret_id)
    .where('set_in_version', '<=', v.version);
  // Live rows first: a write committing between the two queries can only move a row from the first answer to
  // the second (it ends rows; the rows it sets are newer than the version read), so keying by name drops the repeat.
  const byName = new Map<string, { entry_key: string; set_in_version: number; value_sealed: string | null }>();
  for (const r of await live.where('ended_in_version', 'is', null).execute()) byName.set(r.entry_key, r);
  for (const r of await live.where('ended_in_version', '>', v.version).execute()) byName.set(r.entry_key, r);
  const rows = [...byName.values()].sort((a, b) => (a.entry_key < b.entry_key ? -1 : a.entry_key > b.entry_key ? 1 : 0));
  const pairs: [string, string][] = [];
  const destroyed: string[] = [];
  for (const r of rows) {
    if (r.value_sealed === null) destroyed.push(r.entry_key);
    else pairs.push([r.entry_key, ctx.box.open(r.value_sealed, entryAad(v.secret_id, r.entry_key, r.set_in_version))]);
  }
  // fromEntries defines own properties: no name (not even one from data older than the name rule) reaches a prototype.
  return { entry_keys: rows.map((r) => r.entry_key), entries: Object.fromEntries(pairs), destroyed_entries: destroyed };
}

/**
 * Destroys version `version`: erases the values it wrote, from it and from every later version still showing
 * them (the latest among them); entries written by other versions are untouched. Returns null when the
 * version does not exist; destroying it again changes nothing.
 */
export async function destroyVersion(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  request: FastifyRequest,
  secretId: string,
  version: number,
): Promise<{ version: SecretVersionsTable; destroyedEntries: string[]; first: boolean } | null> {
  const locked = await lockSecret(ctx, trx, secretId);
  if (!locked) throw notFound('secret', secretId);
  const v = await trx.selectFrom('secret_versions').selectAll().where('secret_id', '=', secretId).where('version', '=', version).executeTakeFirst();
  if (!v) return null;
  const rows = await trx
    .selectFrom('secret_entries')
    .select(['entry_key', 'ended_in_version', 'value_bytes'])
    .where('secret_id', '=', secretId)
    .where('set_in_version', '=', version)
    .orderBy('entry_key')
    .execute();
  const destroyedEntries = rows.map((r) => r.entry_key);
  if (v.destroyed_at) return { version: v, destroyedEntries, first: false };
  const now = new Date().toISOString();
  await trx
    .updateTable('secret_entries')
    .set({ value_sealed: null, value_bytes: 0 })
    .where('secret_id', '=', secretId)
    .where('set_in_version', '=', version)
    .execute();
  await trx.updateTable('secret_versions').set({ destroyed_at: now }).where('secret_id', '=', secretId).where('version', '=', version).execute();
  // The names stay live (a read lists them in destroyed_entries); their values no longer count.
  const freed = rows.filter((r) => r.ended_in_version === null).reduce((sum, r) => sum + r.value_bytes, 0);
  if (freed > 0)
    await trx
      .updateTable('secrets')
      .set({ live_bytes: locked.live_bytes - freed })
      .where('id', '=', secretId)
      .execute();
  await writeAudit(trx, {
    action: 'secret.version.destroy',
    actor: request.auth.actor,
    target: { type: 'secret', id: secretId },
    address: request.ip,
    requestId: request.id,
    details: { version, destroyed_entries: destroyedEntries },
  });
  return { version: { ...v, destroyed_at: now }, destroyedEntries, first: true };
}

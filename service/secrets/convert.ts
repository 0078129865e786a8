/**
 * Converts the sealed snapshots of data made before entries (migration 0007 keeps them in secret_snapshots)
 * into the entry model of service/secrets/store.ts. It runs at every start, after the migrations: opening a
 * snapshot needs the master key, which SQL does not have. One transaction per secret, under the secret's row
 * lock; the snapshots of a converted secret are deleted in it, so a second run (or a second node starting at
 * the same time) finds nothing to do.
 *
 * Each version reads as before: an entry whose value is unchanged from the previous version continues its
 * row; a new or changed value starts a row in that version. A destroyed snapshot's names come back as
 * entries whose values were destroyed (their values are gone), so that version still shows none.
 *
 * Earlier providers wrote a key's secret into a secret themselves, so the key row records no delivered entry
 * (`delivered_*`, read by DELETE /v1/api-keys/{id} in service/keys/delivery.ts). A live value of the latest
 * version whose hash is a key's current or previous hash is that key's secret: the conversion records the
 * entry and the version that set it on the key, so deleting the key takes the entry away.
 * @module
 */
import type { Kysely } from 'kysely';
import type { ServiceContext } from '../context';
import type { Database, SecretEntriesTable, SecretSnapshotsTable, SecretVersionsTable } from '../db/tables';
import { chunks, entryAad, utf8Bytes } from './store';

const snapshotAad = (secretId: string, version: number) => `${secretId}#${version}`;

/** Converts every secret that still has snapshots; returns how many it converted. */
export async function convertSecretSnapshots(ctx: Pick<ServiceContext, 'store' | 'box' | 'hasher'>): Promise<number> {
  const db = ctx.store.db;
  const pending = await db.selectFrom('secret_snapshots').select('secret_id').distinct().execute();
  let converted = 0;
  for (const { secret_id } of pending) {
    // Plain store transaction: nothing is published (the secret store is not an auth table, and the delivered
    // entry it records on a key changes nothing a verification reads).
    const did = await ctx.store.transaction(
      (trx) => convertOne(ctx, trx, secret_id),
      async () => undefined,
    );
    if (did) converted++;
  }
  return converted;
}

async function convertOne(ctx: Pick<ServiceContext, 'store' | 'box' | 'hasher'>, trx: Kysely<Database>, secretId: string): Promise<boolean> {
  const query = trx.selectFrom('secrets').selectAll().where('id', '=', secretId);
  const secret = await (ctx.store.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  const snapshots = await snapshotsOf(trx, secretId);
  if (snapshots.length === 0) return false;
  if (!secret) {
    await trx.deleteFrom('secret_snapshots').where('secret_id', '=', secretId).execute();
    return false;
  }
  interface Live {
    row: SecretEntriesTable;
    value: string | null;
  }
  const live = new Map<string, Live>();
  const rows: SecretEntriesTable[] = [];
  const versions: SecretVersionsTable[] = [];
  for (const s of snapshots) {
    const opened = s.entries_sealed === null ? null : (JSON.parse(ctx.box.open(s.entries_sealed, snapshotAad(secretId, s.version))) as Record<string, string>);
    const names = opened ? Object.keys(opened) : (JSON.parse(s.entry_keys) as string[]);
    const present = new Set(names);
    const written: string[] = [];
    const removed: string[] = [];
    for (const [name, l] of live) {
      if (present.has(name)) continue;
      l.row.ended_in_version = s.version;
      live.delete(name);
      removed.push(name);
    }
    for (const name of names) {
      const value = opened ? opened[name]! : null;
      const cur = live.get(name);
      if (cur && cur.value !== null && value !== null && cur.value === value) continue;
      if (cur) cur.row.ended_in_version = s.version;
      const row: SecretEntriesTable = {
        secret_id: secretId,
        entry_key: name,
        set_in_version: s.version,
        ended_in_version: null,
        value_sealed: value === null ? null : ctx.box.seal(value, entryAad(secretId, name, s.version)),
        value_bytes: value === null ? 0 : utf8Bytes(value),
      };
      rows.push(row);
      live.set(name, { row, value });
      written.push(name);
    }
    versions.push({
      secret_id: secretId,
      version: s.version,
      written: JSON.stringify(written.sort()),
      removed: JSON.stringify(removed.sort()),
      replaced: 0,
      entry_count: names.length,
      created_by: s.created_by,
      created_at: s.created_at,
      destroyed_at: s.destroyed_at,
    });
  }
  for (const part of chunks(versions)) await trx.insertInto('secret_versions').values(part).execute();
  for (const part of chunks(rows)) await trx.insertInto('secret_entries').values(part).execute();
  let bytes = 0;
  for (const [name, l] of live) bytes += utf8Bytes(name) + l.row.value_bytes;
  await trx.updateTable('secrets').set({ live_entries: live.size, live_bytes: bytes }).where('id', '=', secretId).execute();
  await recordDeliveredKeys(ctx, trx, secretId, live);
  await trx.deleteFrom('secret_snapshots').where('secret_id', '=', secretId).execute();
  return true;
}

/**
 * Records on each key with no delivered entry the live entry that holds its secret (see the module comment).
 * Each live value is hashed once; keys are found by the indexed key_hash and previous_key_hash. A key's
 * current secret wins over its previous one; among entries holding the same value, the one set last (then the
 * first name) wins. Only keys still without a delivered entry are updated, so a run is idempotent.
 */
async function recordDeliveredKeys(
  ctx: Pick<ServiceContext, 'hasher'>,
  trx: Kysely<Database>,
  secretId: string,
  live: ReadonlyMap<string, { row: SecretEntriesTable; value: string | null }>,
): Promise<void> {
  const byHash = new Map<string, { entry_key: string; version: number }>();
  for (const [name, l] of live) {
    if (l.value === null) continue;
    const hash = ctx.hasher.hash(l.value);
    const seen = byHash.get(hash);
    const version = l.row.set_in_version;
    if (!seen || version > seen.version || (version === seen.version && name < seen.entry_key)) byHash.set(hash, { entry_key: name, version });
  }
  if (byHash.size === 0) return;
  const hashes = [...byHash.keys()];
  const found = new Map<string, { entry_key: string; version: number }>();
  for (const column of ['previous_key_hash', 'key_hash'] as const) {
    for (const part of chunks(hashes)) {
      const keys = await trx.selectFrom('api_keys').select(['id', column]).where(column, 'in', part).where('delivered_secret_id', 'is', null).execute();
      // key_hash last: a key's current secret overrides its previous one.
      for (const k of keys) found.set(k.id, byHash.get(k[column]!)!);
    }
  }
  for (const [id, at] of found) {
    await trx
      .updateTable('api_keys')
      .set({ delivered_secret_id: secretId, delivered_entry_key: at.entry_key, delivered_version: at.version })
      .where('id', '=', id)
      .where('delivered_secret_id', 'is', null)
      .execute();
  }
}

/** The secret's snapshots in version order (the secret's row lock, taken first, keeps a second node out). */
function snapshotsOf(trx: Kysely<Database>, secretId: string): Promise<SecretSnapshotsTable[]> {
  return trx.selectFrom('secret_snapshots').selectAll().where('secret_id', '=', secretId).orderBy('version').execute();
}

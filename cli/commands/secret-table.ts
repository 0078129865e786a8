/**
 * The columns of `keyplane secret list` and `secret versions`. The tables fit the terminal (cli/output.ts
 * `printTable`): ids and version numbers whole, owners and creators by name, dates relative, the description
 * cut first and the name last. `-o wide` shows every column in full, with the ids behind the names, exact
 * times, and for a version the names of the entries it wrote and removed (the table counts them: a version
 * may write hundreds).
 * @module
 */
import type { Secret, SecretVersion } from '../../client';
import { cellText, type Column } from '../output';
import { byName } from '../principal-names';
import { relativeTime } from '../relative-time';

/** The views of a secret list; `names` holds the names of owners and creators (cli/principal-names.ts), `now` anchors relative dates. */
export function secretView(names: ReadonlyMap<string, string>, now = Date.now()): { table: Column<Secret>[]; wide: Column<Secret>[] } {
  const id: Column<Secret> = { header: 'ID', value: (s) => s.id };
  const version: Column<Secret> = { header: 'VERSION', value: (s) => String(s.latest_version) };
  const entries: Column<Secret> = { header: 'ENTRIES', value: (s) => String(s.entry_count) };
  const description = (s: Secret) => cellText(s.description || null);
  return {
    table: [
      id,
      { header: 'NAME', value: (s) => s.name, cut: 'last' },
      version,
      entries,
      { header: 'OWNER', value: (s) => byName(names, s.owner_id), cut: 'second' },
      { header: 'UPDATED', value: (s) => relativeTime(s.updated_at, now) },
      { header: 'DESCRIPTION', value: description, cut: 'first' },
    ],
    wide: [
      id,
      { header: 'NAME', value: (s) => s.name },
      version,
      entries,
      { header: 'BYTES', value: (s) => String(s.entry_bytes) },
      { header: 'OWNER', value: (s) => byName(names, s.owner_id) },
      { header: 'OWNER TYPE', value: (s) => s.owner_type },
      { header: 'OWNER ID', value: (s) => s.owner_id },
      { header: 'CREATED BY', value: (s) => byName(names, s.created_by) },
      { header: 'CREATED BY ID', value: (s) => s.created_by },
      { header: 'CREATED', value: (s) => s.created_at },
      { header: 'UPDATED', value: (s) => s.updated_at },
      { header: 'CAN READ', value: (s) => cellText(s.caller_can_read) },
      { header: 'CAN WRITE', value: (s) => cellText(s.caller_can_write) },
      { header: 'DESCRIPTION', value: description },
    ],
  };
}

/** What a version removed, in a table: `all` when it started from no entries, else how many. */
const removedCount = (v: SecretVersion) => (v.replaced ? 'all' : String(v.removed.length));

/** The views of a secret's versions; `names` holds the names of creators, `now` anchors relative dates. */
export function secretVersionView(names: ReadonlyMap<string, string>, now = Date.now()): { table: Column<SecretVersion>[]; wide: Column<SecretVersion>[] } {
  const version: Column<SecretVersion> = { header: 'VERSION', value: (v) => String(v.version) };
  const entries: Column<SecretVersion> = { header: 'ENTRIES', value: (v) => String(v.entry_count) };
  const createdBy = (v: SecretVersion) => byName(names, v.created_by);
  return {
    table: [
      version,
      entries,
      { header: 'WRITTEN', value: (v) => String(v.written.length) },
      { header: 'REMOVED', value: removedCount },
      { header: 'CREATED BY', value: createdBy, cut: 'second' },
      { header: 'CREATED', value: (v) => relativeTime(v.created_at, now) },
      { header: 'DESTROYED', value: (v) => (v.destroyed_at === null ? '-' : relativeTime(v.destroyed_at, now)) },
    ],
    wide: [
      version,
      entries,
      { header: 'WRITTEN', value: (v) => cellText(v.written) },
      { header: 'REMOVED', value: (v) => cellText(v.removed) },
      { header: 'REPLACED', value: (v) => cellText(v.replaced) },
      { header: 'CREATED BY', value: createdBy },
      { header: 'CREATED BY ID', value: (v) => v.created_by },
      { header: 'CREATED', value: (v) => v.created_at },
      { header: 'DESTROYED', value: (v) => cellText(v.destroyed_at) },
    ],
  };
}

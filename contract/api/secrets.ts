/**
 * Schemas of `/v1/secrets`. Entry values are marked `x-keyplane-secret`; nothing else in a response is.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { Description, Id, Name, NameFilter, NullableTimestamp, OwnerType, PageQuery, SECRET, Timestamp, pageOf } from './common';

const EntryKey = Type.String({ pattern: LIMITS.secretEntries.keyPattern });
const EntryValue = Type.String({ maxLength: LIMITS.secretEntries.valueMax, [SECRET]: true });
const entriesDescription = 'Entry names and values; keys are 1-128 characters of letters, digits and _.-';
/** The entries one write sets: at most `perWrite`. */
const WrittenEntries = Type.Record(EntryKey, EntryValue, {
  maxProperties: LIMITS.secretEntries.perWrite,
  additionalProperties: false,
  description: `${entriesDescription}; at most ${LIMITS.secretEntries.perWrite} in one write.`,
});
const EntryNames = (description: string) => Type.Array(Type.String(), { description });

export const Secret = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    owner_type: OwnerType,
    owner_id: Type.String(),
    created_by: Type.String(),
    latest_version: Type.Integer({ description: '0 until the first version is written.' }),
    entry_count: Type.Integer({ description: `Entries the latest version holds (at most ${LIMITS.secretEntries.perSecret}).` }),
    entry_bytes: Type.Integer({
      description: `UTF-8 bytes of the latest version's entry names and values (at most ${LIMITS.secretEntries.bytesPerSecret}).`,
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
    caller_can_read: Type.Boolean({ description: 'Whether the calling key may read entries.' }),
    caller_can_write: Type.Boolean({ description: 'Whether the calling key may write versions.' }),
  },
  { $id: 'Secret' },
);
export type Secret = Static<typeof Secret>;

export const CreateSecretBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    service_account_id: Type.Optional(Type.String({ minLength: LIMITS.id.min, maxLength: LIMITS.id.max, description: 'Owner; omit for the caller.' })),
  },
  { additionalProperties: false },
);
export type CreateSecretBody = Static<typeof CreateSecretBody>;
export const UpdateSecretBody = Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description) }, { additionalProperties: false });
export type UpdateSecretBody = Static<typeof UpdateSecretBody>;
export const ListSecretsQuery = Type.Object({ ...PageQuery, name: Type.Optional(NameFilter) }, { additionalProperties: false });
export type ListSecretsQuery = Static<typeof ListSecretsQuery>;
export const SecretList = pageOf('secrets', Secret);
export type SecretList = Static<typeof SecretList>;

/** A version's metadata: what it changed, never the entries it holds (that list grows with the secret). */
export const SecretVersion = Type.Object(
  {
    secret_id: Type.String(),
    version: Type.Integer(),
    written: EntryNames('Entry names this version set (added, or given a new value), sorted.'),
    removed: EntryNames('Entry names this version removed (remove_entries that were present), sorted.'),
    replaced: Type.Boolean({ description: 'Whether this version started from no entries (a write with replace): it holds only what it wrote.' }),
    entry_count: Type.Integer({ description: 'How many entries this version holds.' }),
    created_by: Type.String(),
    created_at: Timestamp,
    destroyed_at: NullableTimestamp,
  },
  { $id: 'SecretVersion' },
);
export type SecretVersion = Static<typeof SecretVersion>;

export const DestroyedSecretVersion = Type.Object({
  ...SecretVersion.properties,
  destroyed_entries: EntryNames(
    'Entry names whose values this version wrote and destroying it erased, from this version and every later one still showing them, sorted.',
  ),
});
export type DestroyedSecretVersion = Static<typeof DestroyedSecretVersion>;

export const SecretVersionWithEntries = Type.Object({
  ...SecretVersion.properties,
  entry_keys: EntryNames('Entry names this version holds, sorted, including those whose values were destroyed.'),
  entries: Type.Record(EntryKey, EntryValue, {
    additionalProperties: false,
    description: 'Entry names and values this version holds, without those whose values were destroyed.',
  }),
  destroyed_entries: EntryNames('Entry names this version holds whose values were erased by destroying the version that wrote them, sorted.'),
});
export type SecretVersionWithEntries = Static<typeof SecretVersionWithEntries>;

export const WriteVersionBody = Type.Object(
  {
    entries: Type.Optional(WrittenEntries),
    remove_entries: Type.Optional(Type.Array(EntryKey, { maxItems: LIMITS.secretEntries.perWrite, uniqueItems: true })),
    expected_version: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: LIMITS.secretVersion.max,
        description: 'Check-and-set: fail with 409 unless this is the latest version (0 = none yet).',
      }),
    ),
    replace: Type.Optional(Type.Boolean({ description: 'Start from no entries instead of carrying over the latest version.' })),
  },
  { additionalProperties: false },
);
export type WriteVersionBody = Static<typeof WriteVersionBody>;

export const ListSecretVersionsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type ListSecretVersionsQuery = Static<typeof ListSecretVersionsQuery>;
export const SecretVersionList = pageOf('versions', SecretVersion);
export type SecretVersionList = Static<typeof SecretVersionList>;

// Versions are PostgreSQL integers: a larger number in a path is a 400, not an out-of-range database error.
export const VersionParams = Type.Object({ id: Id, version: Type.Integer({ minimum: LIMITS.secretVersion.min, maximum: LIMITS.secretVersion.max }) });

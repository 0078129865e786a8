/**
 * Schemas of `/v1/secrets`. Entry values are marked `x-keyplane-secret`; nothing else in a response is.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { Description, Id, Name, NameFilter, NullableTimestamp, OwnerType, PageQuery, SECRET, Timestamp, pageOf } from './common';

const EntryKey = Type.String({ pattern: LIMITS.secretEntries.keyPattern });
const Entries = Type.Record(EntryKey, Type.String({ maxLength: LIMITS.secretEntries.valueMax, [SECRET]: true }), {
  maxProperties: LIMITS.secretEntries.max,
  additionalProperties: false,
  description: 'Entry names and values; keys are 1-128 characters of letters, digits and _.-',
});

export const Secret = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    owner_type: OwnerType,
    owner_id: Type.String(),
    created_by: Type.String(),
    latest_version: Type.Integer({ description: '0 until the first version is written.' }),
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

export const SecretVersion = Type.Object(
  {
    secret_id: Type.String(),
    version: Type.Integer(),
    entry_keys: Type.Array(Type.String(), { description: 'Entry names; values are returned only by the version read endpoints.' }),
    created_by: Type.String(),
    created_at: Timestamp,
    destroyed_at: NullableTimestamp,
  },
  { $id: 'SecretVersion' },
);
export type SecretVersion = Static<typeof SecretVersion>;

export const SecretVersionWithEntries = Type.Object({
  ...SecretVersion.properties,
  entries: Type.Union([Entries, Type.Null()], { description: 'Null once the version is destroyed.' }),
});
export type SecretVersionWithEntries = Static<typeof SecretVersionWithEntries>;

export const WriteVersionBody = Type.Object(
  {
    entries: Type.Optional(Entries),
    remove_entries: Type.Optional(Type.Array(EntryKey, { maxItems: LIMITS.secretEntries.max, uniqueItems: true })),
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

export const SecretVersionList = Type.Object({ versions: Type.Array(SecretVersion) });
export type SecretVersionList = Static<typeof SecretVersionList>;

// Versions are PostgreSQL integers: a larger number in a path is a 400, not an out-of-range database error.
export const VersionParams = Type.Object({ id: Id, version: Type.Integer({ minimum: LIMITS.secretVersion.min, maximum: LIMITS.secretVersion.max }) });

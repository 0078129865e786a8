/**
 * Schemas of `/v1/secrets`. Entry values are marked `x-keyplane-secret`; nothing else in a response is.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { Description, Name, NullableTimestamp, OwnerType, PageQuery, Timestamp } from '../http/schemas';

const EntryKey = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' });
const Entries = Type.Record(EntryKey, Type.String({ maxLength: 65536, 'x-keyplane-secret': true }), {
  maxProperties: 256,
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
    service_account_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Owner; omit for the caller.' })),
  },
  { additionalProperties: false },
);
export const UpdateSecretBody = Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description) }, { additionalProperties: false });
export const ListSecretsQuery = Type.Object({ ...PageQuery, name: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false });

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
    remove_entries: Type.Optional(Type.Array(EntryKey, { maxItems: 256, uniqueItems: true })),
    expected_version: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Check-and-set: fail with 409 unless this is the latest version (0 = none yet).' }),
    ),
    replace: Type.Optional(Type.Boolean({ description: 'Start from no entries instead of carrying over the latest version.' })),
  },
  { additionalProperties: false },
);
export type WriteVersionBody = Static<typeof WriteVersionBody>;

// Versions are PostgreSQL integers: a larger number in a path is a 400, not an out-of-range database error.
export const VersionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), version: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

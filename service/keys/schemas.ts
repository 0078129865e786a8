/**
 * Request and response schemas of `/v1/api-keys` and `/v1/keys/verify`. The response schema is what keeps
 * the stored hash out of every answer: only declared fields are serialised.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { Description, IdList, Labels, Name, NullableTimestamp, OwnerType, PageQuery, Role, ScopeName, Timestamp } from '../http/schemas';

export const KeyStatus = Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]);

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    owner_type: OwnerType,
    owner_id: Type.String(),
    service_account_id: Type.Union([Type.String(), Type.Null()], { description: 'The owning service account, or null for a user-owned key.' }),
    created_by: Type.String({ description: 'Id of the user or service account whose key created this key.' }),
    role: Role,
    effective_role: Role,
    scopes: Type.Array(Type.String()),
    expires_at: NullableTimestamp,
    allow_list_ids: Type.Array(Type.String()),
    labels: Type.Record(Type.String(), Type.String()),
    status: KeyStatus,
    display_prefix: Type.String({ description: 'The first and last characters of the key, for recognising it.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
    revoked_at: NullableTimestamp,
    revoke_reason: Type.Union([Type.String(), Type.Null()]),
    last_used_at: NullableTimestamp,
    last_used_ip: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKey>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    service_account_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Owner of the key; omit for the calling user.' })),
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Admins only: create the key for another user.' })),
    role: Type.Optional(Role),
    scopes: Type.Optional(Type.Array(ScopeName, { maxItems: 100, uniqueItems: true })),
    expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    allow_list_ids: Type.Optional(IdList),
    labels: Type.Optional(Labels),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

export const CreatedApiKey = Type.Object({
  api_key: ApiKey,
  secret: Type.String({ 'x-keyplane-secret': true, description: 'The key itself. Returned by this response only, never again.' }),
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const UpdateApiKeyBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    scopes: Type.Optional(Type.Array(ScopeName, { maxItems: 100, uniqueItems: true })),
    expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    allow_list_ids: Type.Optional(IdList),
    labels: Type.Optional(Labels),
  },
  { additionalProperties: false },
);
export type UpdateApiKeyBody = Static<typeof UpdateApiKeyBody>;

export const RevokeApiKeyBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }, { additionalProperties: false });

export const ListApiKeysQuery = Type.Object(
  {
    ...PageQuery,
    owner_type: Type.Optional(OwnerType),
    owner_id: Type.Optional(Type.String({ maxLength: 64 })),
    service_account_id: Type.Optional(Type.String({ maxLength: 64 })),
    created_by: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(KeyStatus),
    name_prefix: Type.Optional(Type.String({ maxLength: 128 })),
    label: Type.Optional(Type.Array(Type.String({ pattern: '^[^=]+=.*$', maxLength: 330 }), { maxItems: 16, description: 'KEY=VALUE; repeat for several.' })),
  },
  { additionalProperties: false },
);
export type ListApiKeysQuery = Static<typeof ListApiKeysQuery>;

export const ApiKeyList = Type.Object({ api_keys: Type.Array(ApiKey), next_page_token: Type.Union([Type.String(), Type.Null()]) });

export const VerifyBody = Type.Object(
  {
    key: Type.String({ maxLength: 256, 'x-keyplane-secret': true, description: 'The key presented to your service.' }),
    required_scopes: Type.Optional(Type.Array(ScopeName, { maxItems: 100, uniqueItems: true })),
    client_ip: Type.Optional(Type.String({ maxLength: 64, description: 'Where the key was presented from; required for keys with allow lists.' })),
  },
  { additionalProperties: false },
);
export type VerifyBody = Static<typeof VerifyBody>;

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  reason: Type.Optional(
    Type.Union([
      Type.Literal('unknown'),
      Type.Literal('revoked'),
      Type.Literal('expired'),
      Type.Literal('ip_not_allowed'),
      Type.Literal('scope_missing'),
      Type.Literal('owner_disabled'),
    ]),
  ),
  key_id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  owner_type: Type.Optional(OwnerType),
  owner_id: Type.Optional(Type.String()),
  role: Type.Optional(Role),
  scopes: Type.Optional(Type.Array(Type.String())),
  expires_at: Type.Optional(NullableTimestamp),
  missing_scopes: Type.Optional(Type.Array(Type.String())),
});
export type VerifyResponse = Static<typeof VerifyResponse>;

/**
 * Request and response schemas of `/v1/api-keys`. The response schema is what keeps the stored hash out of
 * every answer: only declared fields are serialised.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { API_KEY_SORTS } from '../api-key-sorts';
import { KEY_STATUSES } from '../key-status';
import { LIMITS } from '../limits';
import {
  Description,
  IdFilter,
  IdList,
  Labels,
  Name,
  NameFilter,
  NullableTimestamp,
  OwnerType,
  PageQuery,
  Role,
  SECRET,
  ScopeNames,
  Timestamp,
  literals,
  pageOf,
} from './common';
import { Delivered, Delivery } from './delivery';

export const KeyStatus = literals(KEY_STATUSES);

/** A key's own rate limit (`null`: none). */
export const RateLimit = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: LIMITS.keyRateLimit.max, description: 'Uses allowed per window, on each node.' }),
    window_seconds: Type.Integer({
      minimum: LIMITS.keyRateLimit.windowMinSeconds,
      maximum: LIMITS.keyRateLimit.windowMaxSeconds,
      description: 'The window, in seconds; windows start at whole multiples of it.',
    }),
  },
  { additionalProperties: false },
);
export type RateLimit = Static<typeof RateLimit>;
const OptionalRateLimit = Type.Optional(Type.Union([RateLimit, Type.Null()]));

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    owner_type: OwnerType,
    owner_id: Type.String(),
    service_account_id: Type.Union([Type.String(), Type.Null()], { description: 'The owning service account, or null for a user-owned key.' }),
    created_by: Type.String({ description: 'Id of the user or service account whose key created this key.' }),
    created_by_key: Type.Union([Type.String(), Type.Null()], {
      description: 'The key that created this key (null for keys made from the store itself, and keys made before it was recorded).',
    }),
    role: Role,
    effective_role: Role,
    scopes: Type.Array(Type.String()),
    expires_at: NullableTimestamp,
    allow_list_ids: Type.Array(Type.String()),
    labels: Type.Record(Type.String(), Type.String()),
    rate_limit: Type.Union([RateLimit, Type.Null()], {
      description: 'Uses allowed per window; past it, the key is answered 429 rate_limited, and verify says rate_limited. null: no limit.',
    }),
    status: KeyStatus,
    display_prefix: Type.String({ description: 'The first and last characters of the key, for recognising it.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
    revoked_at: NullableTimestamp,
    revoke_reason: Type.Union([Type.String(), Type.Null()]),
    last_used_at: NullableTimestamp,
    last_used_ip: Type.Union([Type.String(), Type.Null()], {
      description: 'The address Keyplane saw the last use come from: the key’s own caller, or for a use through POST /v1/keys/verify the verifying service.',
    }),
    last_used_claimed_ip: Type.Union([Type.String(), Type.Null()], {
      description:
        'For a last use through POST /v1/keys/verify, the client_ip the verifying service reported (its claim, not checked by Keyplane); otherwise null.',
    }),
    secret_version: Type.Integer({ minimum: 1, description: 'Which secret the key is on: 1 at creation, one more at each rotation.' }),
    rotated_at: Type.Union([Timestamp, Type.Null()], { description: 'When the key was last rotated; null if it never was.' }),
    previous_secret_expires_at: Type.Union([Timestamp, Type.Null()], {
      description:
        'While the previous secret still works after a rotation with an overlap: the instant it stops (refused from that instant on). null when there is no previous secret, or its overlap is over.',
    }),
    previous_display_prefix: Type.Union([Type.String(), Type.Null()], {
      description: 'The display_prefix of the previous secret while it still works (see previous_secret_expires_at); otherwise null.',
    }),
  },
  { $id: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKey>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    service_account_id: Type.Optional(
      Type.String({ minLength: LIMITS.id.min, maxLength: LIMITS.id.max, description: 'Owner of the key; omit for the calling user.' }),
    ),
    user_id: Type.Optional(Type.String({ minLength: LIMITS.id.min, maxLength: LIMITS.id.max, description: 'Admins only: create the key for another user.' })),
    role: Type.Optional(Role),
    scopes: Type.Optional(ScopeNames),
    expires_at: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.timeText.max }), Type.Null()])),
    allow_list_ids: Type.Optional(IdList),
    labels: Type.Optional(Labels),
    rate_limit: OptionalRateLimit,
    delivery: Type.Optional(Delivery),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

/**
 * The answer of a create or a rotation. `secret` is present only when the secret is delivered in the response,
 * and only in the first answer: a replay of the same `Idempotency-Key` says `replayed: true` and omits it.
 */
export const CreatedApiKey = Type.Object({
  api_key: ApiKey,
  secret: Type.Optional(
    Type.String({
      [SECRET]: true,
      description: 'The key itself, when no delivery was asked for. Returned by this response only, never again (not by a replay either).',
    }),
  ),
  delivery: Delivered,
  replayed: Type.Boolean({ description: 'True when this answer repeats an earlier request with the same Idempotency-Key.' }),
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const UpdateApiKeyBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    scopes: Type.Optional(ScopeNames),
    expires_at: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.timeText.max }), Type.Null()])),
    allow_list_ids: Type.Optional(IdList),
    labels: Type.Optional(Labels),
    rate_limit: OptionalRateLimit,
  },
  { additionalProperties: false },
);
export type UpdateApiKeyBody = Static<typeof UpdateApiKeyBody>;

export const RotateApiKeyBody = Type.Object(
  {
    overlap_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: LIMITS.rotationOverlap.maxSeconds,
        description: 'How long the previous secret keeps working; 0 (the default) ends it at once.',
      }),
    ),
    delivery: Type.Optional(Delivery),
  },
  { additionalProperties: false },
);
export type RotateApiKeyBody = Static<typeof RotateApiKeyBody>;

export const RevokeApiKeyBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: LIMITS.revokeReason.min, maxLength: LIMITS.revokeReason.max })) },
  { additionalProperties: false },
);
export type RevokeApiKeyBody = Static<typeof RevokeApiKeyBody>;

export const ListApiKeysQuery = Type.Object(
  {
    ...PageQuery,
    owner_type: Type.Optional(OwnerType),
    owner_id: Type.Optional(IdFilter),
    service_account_id: Type.Optional(IdFilter),
    created_by: Type.Optional(IdFilter),
    status: Type.Optional(KeyStatus),
    name_prefix: Type.Optional(NameFilter),
    sort: Type.Optional(
      literals(API_KEY_SORTS, {
        description:
          'Order by a date, oldest first, or newest first with a leading -; keys without that date (never used, never expires) come last either way, and ties go by id. Without sort, keys come in creation (id) order. A page_token continues only the sort that gave it.',
      }),
    ),
    idempotency_key: Type.Optional(
      Type.String({
        minLength: LIMITS.idempotencyKey.min,
        maxLength: LIMITS.idempotencyKey.max,
        pattern: LIMITS.idempotencyKey.pattern,
        description: 'The key the calling principal created with this Idempotency-Key (within its window), if any.',
      }),
    ),
    id: Type.Optional(
      Type.Array(IdFilter, {
        maxItems: LIMITS.idFilters.max,
        description: 'Only the keys with these ids (repeat for several); ids of no key are left out of the page.',
      }),
    ),
    label: Type.Optional(
      Type.Array(Type.String({ pattern: '^[^=]+=.*$', maxLength: LIMITS.labelFilters.textMax }), {
        maxItems: LIMITS.labelFilters.max,
        description: 'KEY=VALUE; repeat for several.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ListApiKeysQuery = Static<typeof ListApiKeysQuery>;

export const ApiKeyList = pageOf('api_keys', ApiKey);
export type ApiKeyList = Static<typeof ApiKeyList>;

/**
 * Request and response types of the service API, taken from the service's own typebox schemas with
 * `import type`: a changed route schema breaks callers at compile time, and no service code is loaded at run
 * time. Where a route declares its schema inline (list queries and list answers), the type is spelled out here
 * beside the route it mirrors.
 * @module
 */
import type { Static } from '@sinclair/typebox';
import type {
  CreateAllowListBody as CreateAllowListBodySchema,
  IpAllowList,
  UpdateAllowListBody as UpdateAllowListBodySchema,
} from '../service/allow-lists/routes';
import type { AuditEvent } from '../service/audit/routes';
import type {
  ApiKey,
  CreateApiKeyBody,
  CreatedApiKey,
  KeyStatus as KeyStatusSchema,
  ListApiKeysQuery,
  RevokeApiKeyBody as RevokeApiKeyBodySchema,
  UpdateApiKeyBody,
  VerifyBody,
  VerifyResponse,
} from '../service/keys/schemas';
import type { Whoami as WhoamiSchema } from '../service/keys/verify-routes';
import type { CreateScopeBody as CreateScopeBodySchema, Scope } from '../service/scopes/routes';
import type {
  CreateSecretBody as CreateSecretBodySchema,
  ListSecretsQuery as ListSecretsQuerySchema,
  Secret,
  SecretVersion,
  SecretVersionWithEntries,
  UpdateSecretBody as UpdateSecretBodySchema,
  WriteVersionBody,
} from '../service/secrets/schemas';
import type {
  CreateServiceAccountBody as CreateServiceAccountBodySchema,
  ServiceAccount,
  UpdateServiceAccountBody as UpdateServiceAccountBodySchema,
} from '../service/service-accounts/routes';
import type { CreateUserBody as CreateUserBodySchema, UpdateUserBody as UpdateUserBodySchema, User } from '../service/users/routes';

export type {
  ApiKey,
  AuditEvent,
  CreateApiKeyBody,
  CreatedApiKey,
  IpAllowList,
  ListApiKeysQuery,
  Scope,
  Secret,
  SecretVersion,
  SecretVersionWithEntries,
  ServiceAccount,
  UpdateApiKeyBody,
  User,
  VerifyBody,
  VerifyResponse,
  WriteVersionBody,
};

export type Role = ApiKey['role'];
export type OwnerType = ApiKey['owner_type'];
export type KeyStatus = Static<typeof KeyStatusSchema>;
export type RevokeApiKeyBody = Static<typeof RevokeApiKeyBodySchema>;
export type Whoami = Static<typeof WhoamiSchema>;

export type CreateServiceAccountBody = Static<typeof CreateServiceAccountBodySchema>;
export type UpdateServiceAccountBody = Static<typeof UpdateServiceAccountBodySchema>;
export type CreateUserBody = Static<typeof CreateUserBodySchema>;
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>;
export type CreateAllowListBody = Static<typeof CreateAllowListBodySchema>;
export type UpdateAllowListBody = Static<typeof UpdateAllowListBodySchema>;
export type CreateScopeBody = Static<typeof CreateScopeBodySchema>;
export type CreateSecretBody = Static<typeof CreateSecretBodySchema>;
export type UpdateSecretBody = Static<typeof UpdateSecretBodySchema>;
export type ListSecretsQuery = Static<typeof ListSecretsQuerySchema>;

/** `PageQuery` in service/http/schemas.ts. */
export interface PageParams {
  page_size?: number;
  page_token?: string;
}

/** One page of a listing; `next_page_token` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_page_token: string | null;
}

/** `GET /v1/service-accounts` (service/service-accounts/routes.ts, ListQuery). */
export interface ListServiceAccountsQuery extends PageParams {
  name?: string;
  name_prefix?: string;
}

/** `GET /v1/users` (service/users/routes.ts, ListQuery). */
export interface ListUsersQuery extends PageParams {
  role?: Role;
  email?: string;
}

/** `GET /v1/audit-events` (service/audit/routes.ts, Query). */
export interface ListAuditEventsQuery extends PageParams {
  action?: string;
  actor_id?: string;
  key_id?: string;
  target_id?: string;
  outcome?: AuditEvent['outcome'];
  /** RFC 3339; events at or after. */
  since?: string;
  /** RFC 3339; events before. */
  until?: string;
}

/**
 * Request and response types of the service API: the contract's schemas (contract/api), taken with
 * `import type`, so a changed schema breaks callers at compile time and no schema code loads at run time.
 * @module
 */
export type { AuditOutcome } from '../contract/audit-outcomes';
export type { ErrorCode } from '../contract/error-codes';
export type { KeyStatus } from '../contract/key-status';
export type { OwnerType } from '../contract/owners';
export type { Role } from '../contract/roles';
export type {
  AllowListList,
  ApiKey,
  ApiKeyList,
  AuditEvent,
  AuditEventList,
  ConsoleSignInLink,
  CreateAllowListBody,
  CreateApiKeyBody,
  CreatedApiKey,
  Delivered,
  Delivery,
  CreateScopeBody,
  CreateSecretBody,
  CreateServiceAccountBody,
  CreateUserBody,
  IpAllowList,
  ListAllowListsQuery,
  ListApiKeysQuery,
  ListAuditEventsQuery,
  ListSecretsQuery,
  ListServiceAccountsQuery,
  ListUsersQuery,
  RevokeApiKeyBody,
  RotateApiKeyBody,
  Scope,
  ScopeList,
  Secret,
  SecretList,
  SecretVersion,
  SecretVersionList,
  SecretVersionWithEntries,
  ListSecretVersionsQuery,
  DestroyedSecretVersion,
  ServiceAccount,
  ServiceAccountList,
  UpdateAllowListBody,
  UpdateApiKeyBody,
  UpdateSecretBody,
  UpdateServiceAccountBody,
  UpdateUserBody,
  User,
  UserList,
  VerifyBody,
  VerifyResponse,
  Whoami,
  WriteVersionBody,
} from '../contract/api';

/** The paging parameters every list query takes (`PageQuery` in contract/api/common.ts). */
export interface PageParams {
  page_size?: number;
  page_token?: string;
}

/** One page of a listing; `next_page_token` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_page_token: string | null;
}

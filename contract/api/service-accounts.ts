/**
 * Schemas of `/v1/service-accounts`: identities for machines, whose role caps their keys. Each has an owner
 * (a user) and a short list of managers (users); with admins, they are the only ones who may change it, mint
 * keys for it or act on its secrets (service/service-accounts/stewards.ts).
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { Description, Id, Name, NameFilter, PageQuery, Role, Timestamp, pageOf } from './common';

const OwnerUserId = Type.Union([Id, Type.Null()], {
  description: 'The user who owns the account: with admins, the only one who may change its owner or managers, or delete it. null: admins only.',
});
const ManagerUserIds = Type.Array(Id, {
  maxItems: LIMITS.serviceAccountManagers.max,
  uniqueItems: true,
  description: 'Users who, like its owner, may change the account, mint keys for it and act on its secrets.',
});

export const ServiceAccount = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    role: Role,
    disabled: Type.Boolean(),
    owner_user_id: OwnerUserId,
    manager_user_ids: Type.Array(Type.String(), { description: 'Sorted.' }),
    created_by: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'ServiceAccount' },
);
export type ServiceAccount = Static<typeof ServiceAccount>;

export const CreateServiceAccountBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    role: Type.Optional(Role),
    owner_user_id: Type.Optional(OwnerUserId),
    manager_user_ids: Type.Optional(ManagerUserIds),
  },
  { additionalProperties: false },
);
export type CreateServiceAccountBody = Static<typeof CreateServiceAccountBody>;

export const UpdateServiceAccountBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean()),
    owner_user_id: Type.Optional(OwnerUserId),
    manager_user_ids: Type.Optional(ManagerUserIds),
  },
  { additionalProperties: false },
);
export type UpdateServiceAccountBody = Static<typeof UpdateServiceAccountBody>;

export const ListServiceAccountsQuery = Type.Object(
  { ...PageQuery, name: Type.Optional(NameFilter), name_prefix: Type.Optional(NameFilter) },
  { additionalProperties: false },
);
export type ListServiceAccountsQuery = Static<typeof ListServiceAccountsQuery>;

export const ServiceAccountList = pageOf('service_accounts', ServiceAccount);
export type ServiceAccountList = Static<typeof ServiceAccountList>;

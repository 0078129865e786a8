/**
 * Schemas of `/v1/service-accounts`: identities for machines, whose role caps their keys.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { Description, Name, NameFilter, PageQuery, Role, Timestamp, pageOf } from './common';

export const ServiceAccount = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    role: Role,
    disabled: Type.Boolean(),
    created_by: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'ServiceAccount' },
);
export type ServiceAccount = Static<typeof ServiceAccount>;

export const CreateServiceAccountBody = Type.Object(
  { name: Name, description: Type.Optional(Description), role: Type.Optional(Role) },
  { additionalProperties: false },
);
export type CreateServiceAccountBody = Static<typeof CreateServiceAccountBody>;

export const UpdateServiceAccountBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description), role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()) },
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

/**
 * Schemas of `/v1/ip-allow-lists`: named sets of CIDRs that keys attach to (normalised as contract/cidr.ts
 * says).
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { Description, Name, PageQuery, Role, Timestamp, pageOf } from './common';

const Cidrs = Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.cidr.textMax }), {
  maxItems: LIMITS.cidrsPerList.max,
  description: 'IPv4 or IPv6 CIDRs or addresses; stored normalised.',
});

export const IpAllowList = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    cidrs: Type.Array(Type.String()),
    /** The role a key needs to change the list: the highest role among the unrevoked keys that use it, and at least developer. */
    least_role_to_change: Role,
    created_by: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'IpAllowList' },
);
export type IpAllowList = Static<typeof IpAllowList>;

export const CreateAllowListBody = Type.Object({ name: Name, description: Type.Optional(Description), cidrs: Cidrs }, { additionalProperties: false });
export type CreateAllowListBody = Static<typeof CreateAllowListBody>;

export const UpdateAllowListBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description), cidrs: Type.Optional(Cidrs) },
  { additionalProperties: false },
);
export type UpdateAllowListBody = Static<typeof UpdateAllowListBody>;

export const ListAllowListsQuery = Type.Object(PageQuery, { additionalProperties: false });
export type ListAllowListsQuery = Static<typeof ListAllowListsQuery>;

export const AllowListList = pageOf('ip_allow_lists', IpAllowList);
export type AllowListList = Static<typeof AllowListList>;

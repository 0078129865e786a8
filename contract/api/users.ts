/**
 * Schemas of `/v1/users`: the people whose role caps every key they create.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { Name, PageQuery, Role, Timestamp, pageOf } from './common';

const Email = Type.String({ minLength: LIMITS.email.min, maxLength: LIMITS.email.max, pattern: LIMITS.email.pattern });

export const User = Type.Object(
  { id: Type.String(), email: Type.String(), name: Type.String(), role: Role, disabled: Type.Boolean(), created_at: Timestamp, updated_at: Timestamp },
  { $id: 'User' },
);
export type User = Static<typeof User>;

export const CreateUserBody = Type.Object({ email: Email, name: Name, role: Role }, { additionalProperties: false });
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  { email: Type.Optional(Email), name: Type.Optional(Name), role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ListUsersQuery = Type.Object(
  { ...PageQuery, role: Type.Optional(Role), email: Type.Optional(Type.String({ maxLength: LIMITS.email.max })) },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const UserList = pageOf('users', User);
export type UserList = Static<typeof UserList>;

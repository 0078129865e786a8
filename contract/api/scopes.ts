/**
 * Schemas of `/v1/scopes`: the scope catalogue (built-in `keyplane.*` scopes and the ones admins register).
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { Description, ScopeName, Timestamp } from './common';

export const Scope = Type.Object({ name: Type.String(), description: Type.String(), builtin: Type.Boolean(), created_at: Timestamp }, { $id: 'Scope' });
export type Scope = Static<typeof Scope>;

export const CreateScopeBody = Type.Object({ name: ScopeName, description: Description }, { additionalProperties: false });
export type CreateScopeBody = Static<typeof CreateScopeBody>;

export const ScopeNameParams = Type.Object({ name: ScopeName });

/** The whole catalogue, unpaged: it is small. */
export const ScopeList = Type.Object({ scopes: Type.Array(Scope) });
export type ScopeList = Static<typeof ScopeList>;

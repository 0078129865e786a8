/**
 * `POST /v1/keys/verify`, which other services call to check a presented key, and `GET /v1/whoami`, the
 * calling key and its principal.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { ApiKey } from './api-keys';
import { NullableTimestamp, OwnerType, Role, SECRET, ScopeNames, literals } from './common';
import { MATCHED_SECRETS } from '../key-status';
import { VERIFY_FAILURES } from '../verify-failures';

export const VerifyBody = Type.Object(
  {
    key: Type.String({ maxLength: LIMITS.presentedKey.max, [SECRET]: true, description: 'The key presented to your service.' }),
    required_scopes: Type.Optional(ScopeNames),
    client_ip: Type.Optional(
      Type.String({ maxLength: LIMITS.clientIp.max, description: 'Where the key was presented from; required for keys with allow lists.' }),
    ),
  },
  { additionalProperties: false },
);
export type VerifyBody = Static<typeof VerifyBody>;

export const MatchedSecret = literals(MATCHED_SECRETS, {
  description: 'Which of the key’s secrets was presented: the current one, or the previous one during a rotation’s overlap.',
});

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  reason: Type.Optional(literals(VERIFY_FAILURES)),
  key_id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  owner_type: Type.Optional(OwnerType),
  owner_id: Type.Optional(Type.String()),
  role: Type.Optional(Role),
  scopes: Type.Optional(Type.Array(Type.String())),
  expires_at: Type.Optional(NullableTimestamp),
  missing_scopes: Type.Optional(Type.Array(Type.String())),
  retry_after_seconds: Type.Optional(Type.Integer({ description: 'With rate_limited: when the key may be used again.' })),
  matched_secret: Type.Optional(MatchedSecret),
});
export type VerifyResponse = Static<typeof VerifyResponse>;

export const Whoami = Type.Object({
  api_key: ApiKey,
  principal: Type.Object({
    type: OwnerType,
    id: Type.String(),
    name: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    role: Role,
  }),
  effective_role: Role,
  matched_secret: MatchedSecret,
});
export type Whoami = Static<typeof Whoami>;

/**
 * Request and response schemas of `/v1/console/…`: signing the web console in and out, and one-time sign-in
 * links. A session acts exactly as the key that opened it (service/console/sessions.ts).
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { SECRET, Timestamp } from './common';

export const ConsoleSignInBody = Type.Object(
  {
    api_key: Type.Optional(Type.String({ maxLength: LIMITS.presentedKey.max, [SECRET]: true, description: 'An API key (kp_…) to sign in as.' })),
    sign_in_token: Type.Optional(Type.String({ maxLength: LIMITS.presentedKey.max, [SECRET]: true, description: 'The token of a one-time sign-in link.' })),
  },
  { additionalProperties: false, description: 'Exactly one of api_key and sign_in_token.' },
);
export type ConsoleSignInBody = Static<typeof ConsoleSignInBody>;

export const ConsoleSession = Type.Object(
  {
    key_id: Type.String({ description: 'The API key the session acts as.' }),
    expires_at: Timestamp,
  },
  { additionalProperties: false },
);
export type ConsoleSession = Static<typeof ConsoleSession>;

export const ConsoleSignInLink = Type.Object(
  {
    path: Type.String({ description: 'Where to open the link on this service: its path and fragment, which carries the token.' }),
    expires_at: Timestamp,
  },
  { additionalProperties: false },
);
export type ConsoleSignInLink = Static<typeof ConsoleSignInLink>;

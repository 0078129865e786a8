/**
 * Where a new secret goes, for `POST /v1/api-keys` and `POST /v1/api-keys/{id}/rotate`. Without `delivery`
 * the secret is returned in the response, once. With `secret_store`, the service writes it as one entry of a
 * secret in the same transaction as the key (both commit, or neither); with `pgp_public_key`, the service
 * encrypts it and returns only the encrypted message. In those two modes the plaintext never leaves the service.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { Id, literals } from './common';

/** The entry a key's secret is written to when `entry_key` is not given. */
export const DEFAULT_DELIVERY_ENTRY_KEY = 'api_key';

export const SecretStoreTarget = Type.Object(
  {
    secret_id: Id,
    entry_key: Type.Optional(
      Type.String({ pattern: LIMITS.secretEntries.keyPattern, description: `The entry to write; default "${DEFAULT_DELIVERY_ENTRY_KEY}".` }),
    ),
  },
  { additionalProperties: false },
);
export type SecretStoreTarget = Static<typeof SecretStoreTarget>;

export const Delivery = Type.Object(
  {
    secret_store: Type.Optional(SecretStoreTarget),
    pgp_public_key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: LIMITS.pgpPublicKey.max,
        description: 'One OpenPGP public key, ASCII-armored or base64 of the binary key; the secret is encrypted to it.',
      }),
    ),
  },
  { additionalProperties: false, description: 'At most one of secret_store and pgp_public_key; omit both to receive the secret in the response.' },
);
export type Delivery = Static<typeof Delivery>;

export const DELIVERY_MODES = ['response', 'secret_store', 'pgp'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const Delivered = Type.Object(
  {
    mode: literals(DELIVERY_MODES),
    secret_store: Type.Optional(
      Type.Object({
        secret_id: Type.String(),
        entry_key: Type.String(),
        version: Type.Integer({ description: 'The secret version that first holds the new entry.' }),
      }),
    ),
    pgp: Type.Optional(
      Type.Object({
        encrypted_secret: Type.String({ description: 'The secret as an ASCII-armored OpenPGP message.' }),
        key_fingerprint: Type.String({ description: 'Fingerprint of the public key it is encrypted to, upper-case hex.' }),
      }),
    ),
  },
  { description: 'Where the secret went.' },
);
export type Delivered = Static<typeof Delivered>;

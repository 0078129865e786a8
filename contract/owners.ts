/**
 * Who owns a key, secret or other resource: a user or a service account. Ids carry their kind in a prefix
 * (service/ids.ts).
 * @module
 */
export const OWNER_TYPES = ['user', 'service_account'] as const;

export type OwnerType = (typeof OWNER_TYPES)[number];

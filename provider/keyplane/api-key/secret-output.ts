/**
 * @module keyplane/api-key/secret-output
 * Where a key's secret goes, as the service takes it (contract/api/delivery.ts) and as the state shows it.
 * The service delivers: with pgp_key it returns only the encrypted message, with output_to_secret_store it
 * writes the entry in the key's own transaction, so the provider never holds the plaintext in those modes
 * and has nothing to undo when a delivery fails.
 */
import { KeyplaneApiError } from '../../../client';
import type { PlanLookups } from '../plan-lookups';
import type { CreatedApiKey } from '../../../contract/api/api-keys';
import type { Delivery } from '../../../contract/api/delivery';
import { DEFAULT_ENTRY_KEY, type ApiKeyState } from './schema';

export function versionId(secretId: string, version: number): string {
  return `${secretId}/${version}`;
}

/** The `delivery` of a create or a rotation for this configuration; undefined: the secret in the answer. */
export function deliveryOf(c: Pick<ApiKeyState, 'pgp_key' | 'output_to_secret_store'>): Delivery | undefined {
  if (c.pgp_key !== null) return { pgp_public_key: c.pgp_key };
  const o = c.output_to_secret_store;
  if (o) return { secret_store: { secret_id: o.secret_id, entry_key: o.entry_key ?? DEFAULT_ENTRY_KEY } };
  return undefined;
}

export type SecretOutputs = Pick<ApiKeyState, 'secret' | 'encrypted_secret' | 'key_fingerprint' | 'secret_store_version_id'>;

/**
 * The state's secret outputs from the service's answer. A response-mode answer without the secret (a replay:
 * the first answer was lost) has none to give: undefined, and the caller gets a fresh one by rotating.
 */
export function outputsOf(created: CreatedApiKey): SecretOutputs | undefined {
  const d = created.delivery;
  const none: SecretOutputs = { secret: null, encrypted_secret: null, key_fingerprint: null, secret_store_version_id: null };
  switch (d.mode) {
    case 'pgp':
      return d.pgp ? { ...none, encrypted_secret: d.pgp.encrypted_secret, key_fingerprint: d.pgp.key_fingerprint } : undefined;
    case 'secret_store':
      return d.secret_store ? { ...none, secret_store_version_id: versionId(d.secret_store.secret_id, d.secret_store.version) } : undefined;
    case 'response':
      return created.secret === undefined ? undefined : { ...none, secret: created.secret };
  }
}

/** Why the provider's key cannot write the secret, or undefined when it can. Other errors are thrown. */
export async function cannotWrite(lookups: PlanLookups, secretId: string): Promise<string | undefined> {
  try {
    const s = await lookups.secret(secretId);
    if (!s.caller_can_write)
      return `The provider's key may not write versions of secret ${secretId} (${s.name}). It needs the admin role, ownership of the secret, or the keyplane.secrets.write scope.`;
    return undefined;
  } catch (err) {
    if (err instanceof KeyplaneApiError && (err.status === 404 || err.status === 403))
      return `Secret ${secretId} does not exist or the provider's key may not see it (${err.message}). Create it first (keyplane_secret) and give its id.`;
    throw err;
  }
}

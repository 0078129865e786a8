/**
 * @module keyplane/api-key/secret-output
 * output_to_secret_store: the key goes into a new version of a Keyplane secret, never into state. The version
 * is named SECRET_ID/VERSION in state so destroy and a move can destroy exactly the version this key wrote.
 */
import { KeyplaneApiError, type KeyplaneClient } from '../../../client';
import { isNotFound } from '../client-errors';

export interface SecretOutput {
  secret_id: string;
  entry_key: string;
}

export function versionId(secretId: string, version: number): string {
  return `${secretId}/${version}`;
}

export function parseVersionId(id: string): { secretId: string; version: number } | undefined {
  const i = id.lastIndexOf('/');
  const version = Number(id.slice(i + 1));
  return i > 0 && Number.isInteger(version) && version > 0 ? { secretId: id.slice(0, i), version } : undefined;
}

/** Why the provider's key cannot write the secret, or undefined when it can. Other errors are thrown. */
export async function cannotWrite(client: KeyplaneClient, secretId: string): Promise<string | undefined> {
  try {
    const s = await client.getSecret(secretId);
    if (!s.caller_can_write)
      return `The provider's key may not write versions of secret ${secretId} (${s.name}). It needs the admin role, ownership of the secret, or the keyplane.secrets.write scope.`;
    return undefined;
  } catch (err) {
    if (err instanceof KeyplaneApiError && (err.status === 404 || err.status === 403))
      return `Secret ${secretId} does not exist or the provider's key may not see it (${err.message}). Create it first (keyplane_secret) and give its id.`;
    throw err;
  }
}

/** Writes the key as a new version; resolves with its version id. */
export async function writeKey(client: KeyplaneClient, out: SecretOutput, secret: string): Promise<string> {
  const v = await client.writeSecretVersion(out.secret_id, { entries: { [out.entry_key]: secret } });
  return versionId(out.secret_id, v.version);
}

/** The key as the given version holds it (for moving it), or undefined when the version no longer has it. */
export async function readKey(client: KeyplaneClient, id: string, entryKey: string): Promise<string | undefined> {
  const parsed = parseVersionId(id);
  if (!parsed) return undefined;
  const v = await client.readSecretVersion(parsed.secretId, parsed.version);
  return v.entries?.[entryKey] ?? undefined;
}

/** Destroys the version; one already gone (or its secret deleted) is fine. */
export async function destroyVersion(client: KeyplaneClient, id: string): Promise<void> {
  const parsed = parseVersionId(id);
  if (!parsed) return;
  try {
    await client.destroySecretVersion(parsed.secretId, parsed.version);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
}

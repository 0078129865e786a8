/**
 * @module keyplane/api-key/plan-checks
 * Everything about a key that can be checked before it exists, so a bad value fails at plan instead of half
 * way through apply: pgp_key (validate: no service needed), pgp_key with output_to_secret_store, expiry in the
 * future, scopes in the catalogue, allow lists and the owning service account existing, the secret writable.
 */
import { KeyplaneApiError, type KeyplaneClient } from '../../../client';
import { type Diagnostics, isUnknown, parseRFC3339 } from '../../sdk/framework';
import { parsePgpKey } from './pgp';
import { cannotWrite } from './secret-output';

const at = (name: string) => [{ attr: name }];

/** The PGP key, parsed and checked; an unknown value is skipped (checked again when known). */
export async function checkPgpKey(pgpKey: unknown, diags: Diagnostics): Promise<void> {
  if (typeof pgpKey !== 'string') return;
  const parsed = await parsePgpKey(pgpKey);
  if (!parsed.ok) diags.addAttributeError(at('pgp_key'), parsed.summary, parsed.detail);
}

export function checkPgpOrStore(pgpKey: unknown, block: unknown, diags: Diagnostics): void {
  if (pgpKey === null || block === null || block === undefined) return;
  diags.addAttributeError(
    at('pgp_key'),
    'Conflicting Secret Outputs',
    'pgp_key and output_to_secret_store are both set. The key goes to one place: encrypted to pgp_key (encrypted_secret in state), or into the secret store. Remove one of them.',
  );
}

/**
 * Expiry as an instant, at the service's precision: it keeps milliseconds and drops finer digits, so
 * "…00.1234Z" and the "…00.123Z" it stores are the same expiry (else apply would look inconsistent).
 */
export function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const x = parseRFC3339(a);
  const y = parseRFC3339(b);
  return x !== undefined && y !== undefined && Math.floor(x) === Math.floor(y);
}

export function checkExpiryInFuture(expiresAt: string, diags: Diagnostics, now = Date.now()): void {
  const ms = parseRFC3339(expiresAt);
  if (ms !== undefined && ms <= now) {
    diags.addAttributeError(at('expires_at'), 'Expiry In The Past', `expires_at is ${expiresAt}, before now. Set a future time, or omit it for a key that never expires.`);
  }
}

export async function checkScopes(client: KeyplaneClient, scopes: string[], diags: Diagnostics): Promise<void> {
  if (scopes.length === 0) return;
  let catalogue;
  try {
    catalogue = await client.listScopes();
  } catch (err) {
    return lookupFailed(diags, 'scopes', 'the scope catalogue', err);
  }
  const known = new Set(catalogue.map((s) => s.name));
  const missing = scopes.filter((s) => !known.has(s));
  if (missing.length > 0) {
    diags.addAttributeError(at('scopes'), 'Unknown Scope', `${missing.map((s) => JSON.stringify(s)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the scope catalogue. Register custom scopes first (keyplane_scopes lists them; keyplane scopes create), or fix the spelling.`);
  }
}

export async function checkAllowLists(client: KeyplaneClient, ids: string[], diags: Diagnostics): Promise<void> {
  for (const id of ids) {
    try {
      await client.getAllowList(id);
    } catch (err) {
      if (err instanceof KeyplaneApiError && err.status === 404) diags.addAttributeError(at('allow_list_ids'), 'Unknown IP Allow List', `IP allow list ${JSON.stringify(id)} does not exist. Create it first (keyplane_ip_allow_list) and refer to its id.`);
      else lookupFailed(diags, 'allow_list_ids', `IP allow list ${JSON.stringify(id)}`, err);
    }
  }
}

export async function checkServiceAccount(client: KeyplaneClient, id: string, diags: Diagnostics): Promise<void> {
  try {
    await client.getServiceAccount(id);
  } catch (err) {
    if (err instanceof KeyplaneApiError && err.status === 404) diags.addAttributeError(at('service_account_id'), 'Unknown Service Account', `Service account ${JSON.stringify(id)} does not exist. Create it first (keyplane_service_account) and refer to its id.`);
    else lookupFailed(diags, 'service_account_id', `service account ${JSON.stringify(id)}`, err);
  }
}

/** A check that could not be made (no permission, service unavailable) fails the plan, saying which and why. */
function lookupFailed(diags: Diagnostics, attribute: string, what: string, err: unknown): void {
  const why = err instanceof KeyplaneApiError ? `the service answered ${err.status} ${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  diags.addAttributeError(at(attribute), 'Cannot Check The Plan', `Looking up ${what} failed: ${why}. Check that the provider's key may read it and that the service is reachable, then plan again.`);
}

export async function checkSecretWritable(client: KeyplaneClient, secretId: string, diags: Diagnostics): Promise<void> {
  const why = await cannotWrite(client, secretId);
  if (why) diags.addAttributeError([{ attr: 'output_to_secret_store' }, { attr: 'secret_id' }], 'Secret Not Writable', why);
}

/** Known strings of a planned set, or undefined while it is unknown. */
export function knownStrings(v: unknown): string[] | undefined {
  if (isUnknown(v) || !Array.isArray(v) || v.some((e) => typeof e !== 'string')) return undefined;
  return v as string[];
}

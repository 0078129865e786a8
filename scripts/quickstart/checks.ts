/**
 * What the quickstart proves after the apply: both secrets can be read back where they belong (the secret
 * store, through the client; the PGP message, with `keyplane pgp decrypt`), neither is in the state, and
 * both authenticate as the keys Terraform made. The secrets stay in memory: only their absence is printed.
 */
import { readFileSync, statSync } from 'node:fs';
import { KeyplaneApiError, KeyplaneClient, KeyplaneConnectionError } from '../../client';
import { isWellFormedKey } from '../../contract/key-format';
import { keyplane, terraform } from './children';
import { fail, say, shellWord, step } from './console';
import type { Paths } from './paths';
import { stringOutput } from './terraform';

/** The secret store entry the example writes the CI key to (examples/quickstart/main.tf). */
export const ENTRY_KEY = 'KEYPLANE_API_KEY';
/** Any piece of a secret this long found in the state counts as a leak. */
const PIECE = 12;

/** The secret store version an output names, `SECRET_ID/VERSION`. */
export function storeVersion(versionId: string): { secretId: string; version: number } {
  const slash = versionId.lastIndexOf('/');
  const secretId = versionId.slice(0, slash);
  const version = versionId.slice(slash + 1);
  if (slash <= 0 || !/^[0-9]+$/.test(version)) fail(`ci_key_secret_store_version is "${versionId}", not SECRET_ID/VERSION`);
  return { secretId, version: Number(version) };
}

/** How many distinct PIECE-character pieces of each secret occur in `text`. */
export function leakedPieces(text: string, secrets: readonly string[]): number {
  let n = 0;
  for (const s of secrets) for (let i = 0; i + PIECE <= s.length; i++) if (text.includes(s.slice(i, i + PIECE))) n++;
  return n;
}

function clientError(err: unknown): string {
  if (err instanceof KeyplaneApiError || err instanceof KeyplaneConnectionError) return err.message;
  throw err;
}

export interface Proven {
  secretId: string;
  version: number;
}

export async function prove(p: Paths, endpoint: string, adminKey: string, out: Record<string, unknown>): Promise<Proven> {
  step('Checking: the secrets are readable where they belong, absent from the state, and the keys work');
  const { secretId, version } = storeVersion(stringOutput(out, 'ci_key_secret_store_version'));
  const admin = new KeyplaneClient({ endpoint, apiKey: adminKey });
  let ciSecret: string | undefined;
  try {
    ciSecret = (await admin.readSecretVersion(secretId, version)).entries?.[ENTRY_KEY];
  } catch (err) {
    fail(`cannot read version ${version} of ${secretId}: ${clientError(err)}`);
  } finally {
    admin.close();
  }
  if (ciSecret === undefined) fail(`version ${version} of ${secretId} has no entry ${ENTRY_KEY}`);
  say(`read entry ${ENTRY_KEY} of version ${version} of ${secretId} from the secret store (not shown)`);

  say(`$ terraform output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key ${shellWord(`${p.relData}/pgp/private.asc`)}`);
  const oncallSecret = keyplane(p, ['pgp', 'decrypt', '--private-key', p.privateKey], {
    capture: true,
    input: stringOutput(out, 'oncall_encrypted_secret'),
  }).replace(/\n+$/, '');
  say('(decrypted; not shown)');
  if (!isWellFormedKey(ciSecret) || !isWellFormedKey(oncallSecret)) fail('a secret read back is not a well-formed Keyplane key');

  const text = readFileSync(p.state, 'utf8') + terraform(p, ['show', '-json'], { capture: true });
  const leaks = leakedPieces(text, [ciSecret, oncallSecret]);
  if (leaks !== 0) fail(`the state holds ${leaks} pieces of a key's secret`);
  say(`no ${PIECE}-character piece of either secret in terraform.tfstate (${statSync(p.state).size} bytes) or terraform show -json`);

  for (const [secret, output, name] of [
    [ciSecret, 'ci_key_id', 'the CI key from the secret store'],
    [oncallSecret, 'oncall_key_id', 'the decrypted oncall key'],
  ] as const) {
    const expected = stringOutput(out, output);
    const client = new KeyplaneClient({ endpoint, apiKey: secret });
    let actual: string;
    try {
      actual = (await client.whoami()).api_key.id;
    } catch (err) {
      fail(`${name} does not authenticate: ${clientError(err)}`);
    } finally {
      client.close();
    }
    if (actual !== expected) fail(`${name} authenticates as ${actual}, not as ${output} ${expected}`);
  }
  say("both keys authenticate as the keys Terraform made (GET /v1/whoami from 127.0.0.1, which the CI key's allow list permits)");
  return { secretId, version };
}

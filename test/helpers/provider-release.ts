/**
 * A provider release directory as `npm run release` lays it out (service/registry/releases.ts has the
 * names), signed by a throwaway OpenPGP key: for the registry's tests. `packages` maps OS_ARCH to the zip's
 * bytes; the registry never opens a zip, Terraform does.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { PROVIDER_NAME } from '../../contract/release-files';
import { BINDINGS, BINDINGS_DIR, BINDINGS_SUMS } from '../../scripts/release/bindings';

export const MANIFEST = '{"version":1,"metadata":{"protocol_versions":["6.0"]}}\n';

export interface SigningKeyPair {
  publicKey: string;
  privateKey: string;
}

/** A throwaway signing key (RSA is what the public registry takes; ECC keeps the tests fast and Terraform accepts it). */
export async function signingKeyPair(): Promise<SigningKeyPair> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Keyplane Release Test', email: 'release@example.com' }],
    format: 'armored',
  });
  return { publicKey, privateKey };
}

export async function detachedSignature(data: Uint8Array, privateKey: string): Promise<Uint8Array> {
  const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  return (await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: key, detached: true, format: 'binary' })) as Uint8Array;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** A release file's name: `SUFFIX` is `OS_ARCH.zip`, `SHA256SUMS`, `SHA256SUMS.sig` or `manifest.json`. */
export function releaseName(version: string, suffix: string): string {
  return `${PROVIDER_NAME}_${version}_${suffix}`;
}

/** Writes the release of `version` into `dir`; returns the SHA256SUMS text. */
export async function writeRelease(dir: string, version: string, packages: Record<string, Uint8Array>, privateKey: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (const [platform, bytes] of Object.entries(packages)) {
    const name = releaseName(version, `${platform}.zip`);
    writeFileSync(join(dir, name), bytes);
    lines.push(`${sha256(bytes)}  ${name}`);
  }
  const manifest = releaseName(version, 'manifest.json');
  writeFileSync(join(dir, manifest), MANIFEST);
  lines.push(`${sha256(MANIFEST)}  ${manifest}`);
  const sums = `${lines.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join('\n')}\n`;
  writeFileSync(join(dir, releaseName(version, 'SHA256SUMS')), sums);
  writeFileSync(join(dir, releaseName(version, 'SHA256SUMS.sig')), await detachedSignature(Buffer.from(sums), privateKey));
  return sums;
}

/** The bindings folder `npm run release` writes beside the provider's files (scripts/release/bindings.ts), with stand-in tarballs. */
export async function writeBindings(dir: string, version: string, privateKey: string): Promise<string[]> {
  const folder = join(dir, BINDINGS_DIR);
  mkdirSync(folder, { recursive: true });
  const names = BINDINGS.map((b) => `keyplane-${b}-${version}.tgz`);
  const lines = names.map((name) => {
    const bytes = Buffer.from(`tarball ${name}`);
    writeFileSync(join(folder, name), bytes);
    return `${sha256(bytes)}  ${name}\n`;
  });
  const sums = Buffer.from(lines.join(''));
  writeFileSync(join(folder, BINDINGS_SUMS), sums);
  writeFileSync(join(folder, `${BINDINGS_SUMS}.sig`), await detachedSignature(sums, privateKey));
  return names;
}

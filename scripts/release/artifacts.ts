/**
 * The names and fixed contents of a release's files, as Terraform and its registries expect them
 * (docs/releases.md lists them): one zip per platform holding one executable, the registry manifest, the
 * SHA256SUMS over the zips and the manifest, and its detached signature.
 */
import { createHash } from 'node:crypto';
import { APP_PROTOCOL_VERSION } from '../../provider/sdk/transport/handshake';
import { PROVIDER_ADDRESS } from '../../provider/keyplane/address';
import type { Os } from './platforms';

/** `terraform-provider-TYPE`, TYPE being the last part of the provider's address. */
export const PROVIDER_NAME = `terraform-provider-${PROVIDER_ADDRESS.split('/').pop()}`;

/** The executable inside a zip: Terraform runs any file named terraform-provider-TYPE followed by `_…`. */
export const executableName = (version: string, os: Os): string => `${PROVIDER_NAME}_v${version}${os === 'windows' ? '.exe' : ''}`;

export const zipName = (version: string, target: string): string => `${PROVIDER_NAME}_${version}_${target}.zip`;
export const manifestName = (version: string): string => `${PROVIDER_NAME}_${version}_manifest.json`;
export const sumsName = (version: string): string => `${PROVIDER_NAME}_${version}_SHA256SUMS`;
export const signatureName = (version: string): string => `${sumsName(version)}.sig`;

/** The registry manifest: the plugin protocol's major versions the provider speaks (the registry's default is 5.0). */
export const MANIFEST = JSON.stringify({ version: 1, metadata: { protocol_versions: [`${APP_PROTOCOL_VERSION}.0`] } });

/** `sha256sum` output for `files`, sorted by name. */
export function sha256sums(files: { name: string; data: Buffer }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${createHash('sha256').update(f.data).digest('hex')}  ${f.name}\n`)
    .join('');
}

/**
 * The names and fixed contents of a release's files, as Terraform and its registries expect them
 * (docs/releases.md lists them): one zip per platform holding one executable, the registry manifest, the
 * SHA256SUMS over the zips and the manifest, and its detached signature.
 */
import { createHash } from 'node:crypto';
import { APP_PROTOCOL_VERSION } from '../../provider/sdk/transport/handshake';

export { executableName, manifestName, PROVIDER_NAME, signatureName, sumsName, zipName } from '../../contract/release-files';

/** The registry manifest: the plugin protocol's major versions the provider speaks (the registry's default is 5.0). */
export const MANIFEST = JSON.stringify({ version: 1, metadata: { protocol_versions: [`${APP_PROTOCOL_VERSION}.0`] } });

/** Where `npm run release` writes a release, and keeps the runtime packages it fetched (relative to the repository). */
export const RELEASE_DIR = 'dist/release';
export const RUNTIME_CACHE_DIR = 'dist/release-cache';

/**
 * The folder of a test release (never of a published one) holding providers other than Keyplane's built as
 * its executable is, for the end-to-end tests (test-provider.ts); not listed in SHA256SUMS.
 */
export const TEST_PROVIDERS_DIR = 'test-providers';

/** `sha256sum` output for `files`, sorted by name. */
export function sha256sums(files: { name: string; data: Buffer }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${createHash('sha256').update(f.data).digest('hex')}  ${f.name}\n`)
    .join('');
}

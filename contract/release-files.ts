/**
 * The names of a provider release's files, as Terraform and its registries expect them: written by the
 * release build (scripts/release/artifacts.ts), read by `keyplane provider install --release`
 * (cli/provider-release.ts) and by the service's registry (service/registry/releases.ts).
 * @module
 */
import { PROVIDER_TYPE } from './provider-address';

/** `terraform-provider-TYPE`: Terraform runs any file so named followed by `_…`. */
export const PROVIDER_NAME = `terraform-provider-${PROVIDER_TYPE}`;

/** The executable inside a zip; `.exe` on Windows. */
export const executableName = (version: string, os: string): string => `${PROVIDER_NAME}_v${version}${os === 'windows' ? '.exe' : ''}`;
/** One zip per platform (`OS_ARCH`). */
export const zipName = (version: string, platform: string): string => `${PROVIDER_NAME}_${version}_${platform}.zip`;
export const manifestName = (version: string): string => `${PROVIDER_NAME}_${version}_manifest.json`;
export const sumsName = (version: string): string => `${PROVIDER_NAME}_${version}_SHA256SUMS`;
export const signatureName = (version: string): string => `${sumsName(version)}.sig`;

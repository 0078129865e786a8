/**
 * The Keyplane layer on the Terraform workspace helper (test/helpers/terraform): a real `keyplane server`
 * (test/helpers/cli.ts: `server init` and `server start` on a temp SQLite dir, with its bootstrap admin key)
 * and workspaces whose dev_overrides run the provider against it: the bundle `npm run build` made
 * (dist/provider/keyplane/main.js, checked against the sources by test/helpers/build.ts), or with
 * KEYPLANE_TEST_PROVIDER set, the released executable (test/helpers/provider-build.ts), then with no `node` on
 * the PATH Terraform and the provider get.
 *
 * @example
 * const service = await startKeyplaneService();
 * const ws = keyplaneWorkspace(service);
 * ws.writeConfig('resource "keyplane_api_key" "ci" { name = "ci" }');
 * await ws.apply();
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyplaneClient } from '../../client';
import { built } from './build';
import { type CliService, startCliService } from './cli';
import { providerBuild, providerEnv, releasedExecutable } from './provider-build';
import { type ProviderUnderTest, type Workspace, createWorkspace } from './terraform';

export const PROVIDER_SOURCE = 'keyplane/keyplane';
export const EXECUTABLE = 'terraform-provider-keyplane';

let providerDir: string | undefined;

/** The provider executable under test: the development bundle, or the released executable (test/helpers/provider-build.ts). */
export function keyplaneExecutable(): string {
  const build = providerBuild();
  return build.kind === 'release' ? releasedExecutable(build.dir) : built('dist/provider/keyplane/main.js');
}

/**
 * A directory holding `terraform-provider-keyplane` for dev_overrides: a link to the provider under test
 * (keyplaneExecutable). One per process, removed at exit.
 */
export function keyplaneProvider(): string {
  if (!providerDir) {
    const main = keyplaneExecutable();
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-provider-'));
    symlinkSync(main, join(dir, EXECUTABLE));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    providerDir = dir;
  }
  return providerDir;
}

export interface KeyplaneService extends CliService {
  /** A client acting as the bootstrap admin. */
  client: KeyplaneClient;
}

/** A real `keyplane server` on a temp SQLite dir, with its admin key. */
export async function startKeyplaneService(): Promise<KeyplaneService> {
  const svc = await startCliService();
  return Object.assign(svc, { client: new KeyplaneClient({ endpoint: svc.endpoint, apiKey: svc.adminKey, retries: 0 }) });
}

/**
 * A workspace running the Keyplane provider against `service`: KEYPLANE_ENDPOINT and KEYPLANE_API_KEY are the
 * admin's unless `env` says otherwise (`undefined` removes one). `alongside`: more providers in the same
 * configuration, such as the conformance provider (test/helpers/conformance.ts conformanceUnderTest).
 */
export function keyplaneWorkspace(
  service: Pick<KeyplaneService, 'env'>,
  env: Record<string, string | undefined> = {},
  alongside: { providers: ProviderUnderTest[]; env?: Record<string, string> } = { providers: [] },
): Workspace {
  return createWorkspace({
    name: 'keyplane',
    providers: [{ source: PROVIDER_SOURCE, name: 'keyplane', dir: keyplaneProvider() }, ...alongside.providers],
    env: { ...service.env, ...providerEnv(), ...alongside.env, ...env },
  });
}

/** Every 12-character substring of `secret` found in `text` (none, when the secret stayed out). */
export function secretFragmentsIn(text: string, secret: string, size = 12): string[] {
  const found = new Set<string>();
  for (let i = 0; i + size <= secret.length; i++) {
    const piece = secret.slice(i, i + size);
    if (text.includes(piece)) found.add(piece);
  }
  return [...found];
}

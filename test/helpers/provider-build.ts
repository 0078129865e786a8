/**
 * Which build of the Keyplane provider the end-to-end tests run, chosen by KEYPLANE_TEST_PROVIDER:
 *
 * - unset or `dev`: the development bundle `npm run build` made (dist/provider/keyplane/main.js, run by this
 *   machine's Node through its `#!/usr/bin/env node` line);
 * - `release`: the released executable for this machine's platform in dist/release/, as `npm run release`
 *   wrote it (a Node single executable application, docs/releases.md);
 * - any other value: the path of a release directory holding it (`npm run test:e2e:release` builds one into
 *   dist/test-release/).
 *
 * A release is checked before use: this version's zip for this platform, listed with its SHA-256 in the
 * release's SHA256SUMS, and built after the last change to any source of the provider or of the release
 * build (a release older than the code would test old code). Its executable is extracted once per zip into
 * dist/test-provider/ and shared by every test file and worker of the run. The test providers built beside
 * it (scripts/release/test-provider.ts: the conformance provider, as the release builds Keyplane's) are
 * checked the same way against their own sources, and run from where they are.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { listedSum } from '../../cli/provider-release';
import { sumsName, zipName } from '../../contract/release-files';
import { RELEASE_DIR, TEST_PROVIDERS_DIR } from '../../scripts/release/artifacts';
import { nativeTarget } from '../../scripts/release/platforms';
import { readZip } from '../../scripts/release/zip';
import { ROOT } from './root';

export const PROVIDER_BUILD_ENV = 'KEYPLANE_TEST_PROVIDER';

export type ProviderBuild = { kind: 'dev' } | { kind: 'release'; dir: string };

/** The build KEYPLANE_TEST_PROVIDER names. */
export function providerBuild(): ProviderBuild {
  const value = process.env[PROVIDER_BUILD_ENV]?.trim();
  if (!value || value === 'dev') return { kind: 'dev' };
  return { kind: 'release', dir: value === 'release' ? join(ROOT, RELEASE_DIR) : resolve(ROOT, value) };
}

/** The sources whose change makes a release stale: the provider's (as the development bundle lists them) and the release build's. */
const RELEASE_INPUTS = ['dist/provider/keyplane/main.js', 'dist/scripts/release/main.js'];
/** The program that builds test providers as the release builds Keyplane's (its sources include the release build's). */
const TEST_PROVIDER_BUILD = 'dist/scripts/release/test-provider.js';
const MANIFEST = 'dist/build-manifest.json';

const HINT = 'run `npm run test:e2e:release` (it builds one into dist/test-release), or `npm run release -- --unsigned --platform PLATFORM`';

/**
 * The released zip for this platform in `dir`, checked against SHA256SUMS and against the modification times
 * of the sources (of the repository at `root`).
 */
export function checkedReleaseZip(dir: string, root = ROOT): { path: string; sha256: string; zip: Buffer } {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const platform = nativeTarget();
  if (!platform) throw new Error(`${PROVIDER_BUILD_ENV}: no release platform for ${process.platform}/${process.arch}`);
  const name = zipName(version, platform);
  const path = join(dir, name);
  const sumsPath = join(dir, sumsName(version));
  if (!existsSync(path)) throw new Error(`${PROVIDER_BUILD_ENV}: ${dir} has no ${name}: ${HINT}`);
  if (!existsSync(sumsPath)) throw new Error(`${PROVIDER_BUILD_ENV}: ${dir} has no ${sumsName(version)}: ${HINT}`);
  const zip = readFileSync(path);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const listed = listedSum(readFileSync(sumsPath, 'utf8'), name);
  if (listed !== sha256)
    throw new Error(`${PROVIDER_BUILD_ENV}: ${path} does not match its line in ${sumsPath} (SHA-256 ${sha256}, listed ${listed ?? 'nothing'})`);

  checkNewerThanSources(path, RELEASE_INPUTS, root, HINT);
  return { path, sha256, zip };
}

/**
 * Throws unless the file at `path` was written after the last change to every source of the programs
 * `outputs` (as the build manifest of the repository at `root` lists them): a build older than the code would
 * test old code. `hint` says how to build it afresh.
 */
function checkNewerThanSources(path: string, outputs: string[], root: string, hint: string): void {
  // The build manifest lists what each program is built from; a source added since is imported by one listed, which changed then too.
  const manifest = existsSync(join(root, MANIFEST))
    ? (JSON.parse(readFileSync(join(root, MANIFEST), 'utf8')) as Record<string, { sources: Record<string, string> }>)
    : {};
  const missing = outputs.filter((o) => !manifest[o]);
  if (missing.length > 0) throw new Error(`${PROVIDER_BUILD_ENV}: ${MANIFEST} does not list ${missing.join(', ')}: run \`npm run build\``);
  const builtTime = statSync(path).mtimeMs;
  const sources = outputs.flatMap((o) => Object.keys(manifest[o]!.sources));
  const newer = sources.filter((source) => !existsSync(join(root, source)) || statSync(join(root, source)).mtimeMs > builtTime);
  if (newer.length > 0) {
    throw new Error(`${PROVIDER_BUILD_ENV}: ${path} is older than ${[...new Set(newer)].slice(0, 3).join(', ')}: it may not hold the current code; ${hint}`);
  }
}

const TEST_PROVIDER_HINT =
  'run `npm run test:e2e:release` (it builds them into dist/test-release), or after `npm run release -- --out DIR`, `node dist/scripts/release/test-provider.js --out DIR ENTRY=NAME`';

/**
 * The test provider `name` built beside the release in `dir` (dir/test-providers/, scripts/release/test-provider.ts),
 * checked to be newer than every source of its development bundle `devBundle` (as the build manifest lists it:
 * the same entry, so the same sources) and of the build that made it.
 */
export function releasedTestProvider(dir: string, name: string, devBundle: string, root = ROOT): string {
  const path = join(dir, TEST_PROVIDERS_DIR, name);
  if (!existsSync(path)) throw new Error(`${PROVIDER_BUILD_ENV}: ${dir} has no ${TEST_PROVIDERS_DIR}/${name}: ${TEST_PROVIDER_HINT}`);
  checkNewerThanSources(path, [devBundle, TEST_PROVIDER_BUILD], root, TEST_PROVIDER_HINT);
  return path;
}

const EXTRACTED = join(ROOT, 'dist', 'test-provider');

/**
 * The executable of the release in `dir`, extracted into dist/test-provider/SHA/ (SHA: the zip's) with the
 * mode the zip gives it. Written under a temporary name and renamed, so a worker never runs a half-written
 * file (two workers may both extract it); extractions of other zips are removed.
 */
export function releasedExecutable(dir: string): string {
  const { sha256, zip } = checkedReleaseZip(dir);
  const entries = readZip(zip);
  if (entries.length !== 1) throw new Error(`${PROVIDER_BUILD_ENV}: the release zip holds ${entries.length} files, not one executable`);
  const entry = entries[0]!;
  const id = sha256.slice(0, 16);
  const target = join(EXTRACTED, id, entry.name);
  if (existsSync(target)) return target;
  if (existsSync(EXTRACTED)) for (const old of readdirSync(EXTRACTED)) if (old !== id) rmSync(join(EXTRACTED, old), { recursive: true, force: true });
  mkdirSync(join(target, '..'), { recursive: true });
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, entry.data, { mode: entry.mode });
  renameSync(temp, target);
  return target;
}

/**
 * The environment every provider under test runs in: with a release, a PATH without `node` (pathWithoutNode),
 * as on a machine with Terraform and no Node; nothing for the development bundles, which need `node` on the
 * PATH (`#!/usr/bin/env node`).
 */
export function providerEnv(): Record<string, string> {
  return providerBuild().kind === 'release' ? { PATH: pathWithoutNode(process.env.PATH ?? '') } : {};
}

/** `path` (a PATH value) without the directories that hold a `node`: what a machine with no Node installed has. */
export function pathWithoutNode(path: string): string {
  return path
    .split(delimiter)
    .filter((d) => d && !existsSync(join(d, 'node')))
    .join(delimiter);
}

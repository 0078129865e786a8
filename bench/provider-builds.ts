/**
 * The two builds of the Keyplane provider a bench can run side by side: `dev`, the bundle `npm run build`
 * makes (dist/provider/keyplane/main.js) run by this Node through the launcher `keyplane provider install`
 * writes (cli/provider-mirror.ts), and `release`, the single executable `npm run release` writes for this
 * platform (scripts/release/build.ts), which embeds its own Node.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launcherName, launcherScript, providerExecutable } from '../cli/provider-mirror';
import { nativeTarget, PLATFORMS } from '../scripts/release/platforms';
import { fileFromTgz } from '../scripts/release/tar';
import { readZip } from '../scripts/release/zip';
import { checkedReleaseZip } from '../test/helpers/provider-build';

export const PROVIDER_BUILDS = ['dev', 'release'] as const;
export type ProviderBuildName = (typeof PROVIDER_BUILDS)[number];

const ROOT = join(__dirname, '../..');
export const DEFAULT_RELEASE_DIR = join(ROOT, 'dist', 'release');
const RUNTIME_CACHE = join(ROOT, 'dist', 'release-cache');
const BUILD_RELEASE = `npm run release -- --unsigned --platform ${nativeTarget() ?? 'OS_ARCH'}`;

/** Why the release in `dir` cannot be benched (none for this platform, or older than the code), or undefined. */
export function releaseProblem(dir: string): string | undefined {
  try {
    checkedReleaseZip(dir, ROOT);
    return undefined;
  } catch (err) {
    return `${(err as Error).message.replace(/^KEYPLANE_TEST_PROVIDER: /, '').replace(/[:;] run `npm run test:e2e:release`.*$/, '')}; build one with \`${BUILD_RELEASE}\``;
  }
}

/**
 * The builds `--provider` names (comma-separated). Without it: both when `releaseDir` holds a current release,
 * else dev alone, with a note on stderr saying how to build the release. A release named but unusable throws.
 */
export function selectProviderBuilds(value: string | undefined, releaseDir: string): ProviderBuildName[] {
  if (value === undefined) {
    const problem = releaseProblem(releaseDir);
    if (problem) process.stderr.write(`note: measuring the dev build only: ${problem}\n`);
    return problem ? ['dev'] : ['dev', 'release'];
  }
  const names = value.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(PROVIDER_BUILDS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--provider takes ${PROVIDER_BUILDS.join(', ')} separated by commas, not ${value}`);
  const problem = names.includes('release') ? releaseProblem(releaseDir) : undefined;
  if (problem) throw new Error(`--provider release: ${problem}`);
  return [...new Set(names)] as ProviderBuildName[];
}

/** The executable of the release in `releaseDir` for this platform, checked (releaseProblem) and taken out of its zip into `dir`. */
export function releaseExecutable(releaseDir: string, dir: string): string {
  const [entry, ...more] = readZip(checkedReleaseZip(releaseDir, ROOT).zip);
  if (!entry || more.length > 0) throw new Error(`${releaseDir}: the release zip holds ${more.length + (entry ? 1 : 0)} files, not one executable`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, entry.name);
  writeFileSync(path, entry.data, { mode: entry.mode });
  return path;
}

/** Writes the dev build's launcher into `dir` (as `keyplane provider install --launcher` writes it) and returns its path. */
export function writeDevLauncher(dir: string, version: string): string {
  const executable = providerExecutable(ROOT);
  if (!existsSync(executable)) throw new Error(`${executable} is missing: run \`npm run build\``);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, launcherName(version));
  writeFileSync(path, launcherScript({ node: process.execPath, executable, version }), { mode: 0o755 });
  return path;
}

/**
 * The Node the release embeds for this platform, taken out of its runtime package in dist/release-cache
 * (`npm run release` keeps it there) into `dir`; undefined when the package is not there. The release itself
 * cannot run `-e 0`: a single executable runs its own script whatever its arguments.
 */
export function embeddedRuntime(dir: string): { node: string; version: string } | undefined {
  const runtime = PLATFORMS.find((p) => p.target === nativeTarget())?.runtime;
  const tgz = runtime && join(RUNTIME_CACHE, `${runtime.name}-${runtime.version}.tgz`);
  if (!runtime || !tgz || !existsSync(tgz)) return undefined;
  const node = join(dir, `node-${runtime.version}`);
  writeFileSync(node, fileFromTgz(readFileSync(tgz), runtime.binary), { mode: 0o755 });
  return { node, version: runtime.version };
}

/**
 * Running `npm run release` (scripts/release) from the end-to-end tests: the built command, and a describe
 * that runs only when the Node runtime packages can be had (dist/release-cache, or the npm registry), failing
 * in CI (CI set) and skipping loudly elsewhere otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOB_MAKERS, PLATFORMS } from '../../scripts/release/platforms';
import { sha512Integrity } from '../../scripts/release/runtime-packages';
import { built } from './build';
import { ROOT } from './cli';
import { requireBuildProject } from './project';
import { describeTerraform } from './terraform';

const CACHE = join(ROOT, 'dist', 'release-cache');

/** Every runtime package a full release needs is in the cache, verified, or the registry answers. */
function runtimesReachable(): boolean {
  const packages = [...PLATFORMS.map((p) => p.runtime), ...Object.values(BLOB_MAKERS)];
  const cached = packages.every((p) => {
    const file = join(CACHE, `${p.name}-${p.version}.tgz`);
    return existsSync(file) && sha512Integrity(readFileSync(file)) === p.integrity;
  });
  if (cached) return true;
  const pin = PLATFORMS[0]!.runtime;
  const view = spawnSync('npm', ['view', `${pin.name}@${pin.version}`, 'dist.integrity'], { encoding: 'utf8', timeout: 60_000 });
  return view.status === 0 && view.stdout.trim() === pin.integrity;
}

/** describeTerraform when the runtimes can be had; else a failure in CI and a loud skip elsewhere. */
export function describeRelease(name: string, fn: () => void): void {
  requireBuildProject(`release ("${name}")`);
  if (runtimesReachable()) {
    describeTerraform(name, fn);
    return;
  }
  const why = 'the Node runtime packages cannot be fetched from the npm registry (npm view failed) and are not in dist/release-cache';
  if (process.env.CI) throw new Error(`${why}; CI must run the release tests ("${name}")`);
  console.warn(`\n!!!!!!!!\n!!! ${why}: SKIPPING the release tests ("${name}")\n!!!!!!!!\n`);
  describe.skip(name, fn);
}

/** `node dist/scripts/release/main.js ARGS`, with no signing key from the caller's environment. */
export function release(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const base = { ...process.env };
  delete base.KEYPLANE_RELEASE_SIGNING_KEY_FILE;
  delete base.SOURCE_DATE_EPOCH;
  const res = spawnSync(process.execPath, [built('dist/scripts/release/main.js'), ...args], { env: { ...base, ...env }, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

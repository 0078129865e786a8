/**
 * Provider executables for end-to-end tests, bundled once per source version and shared by every test file
 * and Jest worker. The cache lives under dist/ (ignored by git) inside the repository, so a bundle finds the
 * modules scripts/bundle.js leaves external (openpgp) in node_modules. A bundle is built in a staging
 * directory and renamed into place: dev_overrides executes whatever `terraform-provider-*` it finds, so the
 * final directory never holds a half-written file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './cli';

export interface CachedBundle {
  /** Folder name under dist/bundle-cache. */
  name: string;
  /** Entry point, relative to the repository root. */
  entry: string;
  /** File name of the executable (terraform-provider-TYPE). */
  executable: string;
  /** Folders whose files (tests excluded) decide when to rebuild; the lock file and bundler always count. */
  sources: readonly string[];
}

function sourceHash(dirs: readonly string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.test.ts')) hash.update(relative(ROOT, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  for (const file of ['package-lock.json', 'package.json', 'scripts/bundle.js']) hash.update(readFileSync(join(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Bundles of sources edited away more than a day ago: no run still uses them. */
function pruneOldBundles(cache: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(cache)) {
    const p = join(cache, name);
    try {
      if (statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
    } catch {
      // another worker removed it first
    }
  }
}

const built = new Map<string, Promise<string>>();

/** The directory holding the bundled executable, building it when this source version has none yet. */
export function cachedBundle(spec: CachedBundle): Promise<string> {
  let dir = built.get(spec.name);
  if (!dir) {
    dir = (async () => {
      const cache = join(ROOT, 'dist', 'bundle-cache', spec.name);
      const target = join(cache, sourceHash(spec.sources));
      if (existsSync(join(target, spec.executable))) return target;
      mkdirSync(cache, { recursive: true });
      pruneOldBundles(cache);
      const stage = join(cache, `stage-${randomUUID()}`);
      const { bundle } = require('../../scripts/bundle.js') as { bundle(entries: { entry: string; outfile: string }[]): Promise<string[]> };
      await bundle([{ entry: spec.entry, outfile: join(stage, spec.executable) }]);
      try {
        renameSync(stage, target);
      } catch {
        rmSync(stage, { recursive: true, force: true }); // another worker got there first: same sources, same bundle
      }
      return target;
    })();
    built.set(spec.name, dir);
  }
  return dir;
}

/**
 * What `npm run build` made, for the tests that run it (the CLI, the bundled providers, the server fixture):
 * never rebuilt at test time, but checked against dist/build-manifest.json (scripts/bundle.js writes it) so
 * that a missing or stale file fails the test with what to run, instead of testing old code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root';
import { requireBuildProject } from './project';

const MANIFEST = 'dist/build-manifest.json';
const HINT = 'run `npm run build` (npm test and npm run test:e2e do)';

interface Entry {
  /** A bundle's own hash: a tsc run after the bundler would have replaced it with tsc's output. */
  sha256?: string;
  sources: Record<string, string>;
}

let manifest: Record<string, Entry> | undefined;
const checked = new Map<string, string>();
const hashes = new Map<string, string>();

const sha256 = (path: string): string => {
  let h = hashes.get(path);
  if (h === undefined) {
    h = existsSync(join(ROOT, path))
      ? createHash('sha256')
          .update(readFileSync(join(ROOT, path)))
          .digest('hex')
      : 'missing';
    hashes.set(path, h);
  }
  return h;
};

/** The absolute path of `outfile` (relative to the repository), once it is known to be built from the current sources. */
export function built(outfile: string): string {
  requireBuildProject(outfile);
  const done = checked.get(outfile);
  if (done) return done;
  const path = join(ROOT, outfile);
  if (!existsSync(path)) throw new Error(`${outfile} is missing: ${HINT}`);
  if (!manifest) {
    if (!existsSync(join(ROOT, MANIFEST))) throw new Error(`${MANIFEST} is missing: ${HINT}`);
    manifest = JSON.parse(readFileSync(join(ROOT, MANIFEST), 'utf8')) as Record<string, Entry>;
  }
  const entry = manifest[outfile];
  if (!entry) throw new Error(`${MANIFEST} does not list ${outfile}: ${HINT}`);
  if (entry.sha256 && entry.sha256 !== sha256(outfile)) throw new Error(`${outfile} is no longer what the bundler wrote (tsc ran after it?): ${HINT}`);
  const changed = Object.entries(entry.sources)
    .filter(([source, hash]) => sha256(source) !== hash)
    .map(([source]) => source);
  if (changed.length > 0) {
    const more = changed.length > 3 ? ` and ${changed.length - 3} more` : '';
    throw new Error(`${outfile} is stale: ${changed.slice(0, 3).join(', ')}${more} changed since it was built; ${HINT}`);
  }
  checked.set(outfile, path);
  return path;
}

/**
 * Where the keyplane package is and its version, from its package.json: the one place that finds it, for
 * the CLI (from cli/ sources or dist/cli) and the generators (scripts/generate). The provider bundle inlines
 * its own copy of the version instead (provider/keyplane/provider.ts), to read no file at start.
 * @module
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The keyplane package's root (real path): the nearest folder at or above `from` whose package.json is keyplane's. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'keyplane') return realpathSync(dir);
    } catch {
      // not here
    }
    if (dir === dirname(dir)) throw new Error(`cannot find the keyplane package above ${from}`);
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

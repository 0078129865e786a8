/**
 * The package version, read from package.json: one level up from the sources, two from dist/cli.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageVersion(): string {
  for (const candidate of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'keyplane' && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return '0.0.0';
}

/**
 * The console's built files (scripts/bundle.js writes them to dist/console/), read once into memory with
 * their content types and ETags. The set is fixed at start: a request names one of them or gets 404, so no
 * path from a request ever reaches the filesystem.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * dist/console: beside dist/service when this file runs compiled (dist/service/console/assets.js), or under
 * the repository's dist/ when it runs from its source (the unit tests).
 */
export function defaultAssetsDir(): string {
  const up = resolve(__dirname, '..', '..');
  return basename(up) === 'dist' ? join(up, 'console') : join(up, 'dist', 'console');
}

/** The files by name (`index.html`, `console.js`, …); empty when the console was not built. */
export function loadAssets(dir: string): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue; // source maps and anything else stay unserved
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

/**
 * The console's screenshots are documentation users read first: every picture the screenshot script takes
 * (scripts/screenshots/shots.ts) is in docs/console/, is a real PNG of the script's window width, and is shown
 * by docs/console/README.md with its alt text; the README shows the API Keys page. Whether the script still
 * reaches every page is test/e2e/console.screenshots.browser.test.ts's.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS } from '../../scripts/screenshots/shots';
import { ROOT } from '../helpers/root';

const DOCS = join(ROOT, 'docs/console');

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test.each(SHOTS.map((s) => [s.file, s.alt]))('docs/console/%s is a PNG the console README shows as "%s"', (file, alt) => {
  const path = join(DOCS, file);
  expect(existsSync(path)).toBe(true);
  const { width, height } = pngSize(readFileSync(path));
  expect(width).toBeGreaterThan(200);
  expect(width).toBeLessThanOrEqual(1280);
  expect(height).toBeGreaterThan(100);
  expect(readFileSync(join(DOCS, 'README.md'), 'utf8')).toContain(`![${alt}](${file})`);
});

test('docs/console holds no picture the script does not take (a stale one would show a console that is gone)', () => {
  const pictures = readdirSync(DOCS).filter((f) => f.endsWith('.png'));
  expect(pictures.sort()).toEqual(SHOTS.map((s) => s.file).sort());
});

test('the README shows the API Keys page', () => {
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/!\[[^\]]+\]\(docs\/console\/api-keys\.png\)/);
});

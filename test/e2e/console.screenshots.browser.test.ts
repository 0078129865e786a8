/**
 * `npm run docs:screenshots` still reaches every page of the console: run against the build into a
 * temporary directory, it must take every picture of scripts/screenshots/shots.ts, each a PNG, and leave no
 * service running. (Whether docs/console holds them is test/repository/console-screenshots.test.ts's.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOTS } from '../../scripts/screenshots/shots';
import { describeBrowser } from '../helpers/browser';
import { built } from '../helpers/build';
import { ROOT } from '../helpers/root';

describeBrowser('the console screenshot script', () => {
  test('takes every picture against a throwaway service', () => {
    built('dist/console');
    const out = mkdtempSync(join(tmpdir(), 'keyplane-shots-'));
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/screenshots/main.js'), '--out', out], { encoding: 'utf8', timeout: 240_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout.trim().split('\n')).toEqual(SHOTS.map((s) => join(out, s.file)));
      expect(readdirSync(out).sort()).toEqual(SHOTS.map((s) => s.file).sort());
      for (const s of SHOTS) expect(readFileSync(join(out, s.file)).subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

/**
 * The formatter and linter run by the tests, so a change that `npm run lint` would refuse fails `npm test`
 * too. Biome's own check (`biome ci`) writes nothing; `npm run format` fixes the formatting.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

test('biome ci (format and lint) passes on the repository', () => {
  const biome = join(ROOT, 'node_modules', '.bin', 'biome');
  const r = spawnSync(biome, ['ci', '--colors=off', '--max-diagnostics=50', '.'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`biome ci failed (run npm run format, then npm run lint):\n${r.stdout}${r.stderr}`);
});

/**
 * How many Jest workers each way of running the tests starts, as Jest's own config reader computes it: never
 * more than the machine has cores. Jest reads a percentage above 100% as a plain count, so "150%" meant 150
 * workers, and the e2e tests timed out starting servers on a 2-core machine (jest.config.js says why cores).
 */
import { availableParallelism } from 'node:os';
import { readConfigs } from 'jest-config';
import { ROOT } from '../helpers/root';

const scripts: Record<string, string> = require('../../package.json').scripts;

async function workers(maxWorkers: string | undefined): Promise<number> {
  const argv = { $0: 'jest', _: [], ...(maxWorkers === undefined ? {} : { maxWorkers }) };
  const { globalConfig } = await readConfigs(argv as Parameters<typeof readConfigs>[0], [ROOT]);
  return globalConfig.maxWorkers;
}

const runs = Object.entries(scripts)
  .filter(([, command]) => /\bjest\b/.test(command))
  .map(([name, command]) => [name, /--maxWorkers[= ](\S+)/.exec(command)?.[1]] as const);

test('the scripts that run Jest are the five test scripts', () => {
  expect(runs.map(([name]) => name).sort()).toEqual(['test', 'test:e2e', 'test:e2e:release', 'test:postgres', 'test:unit']);
});

test.each(runs)('npm run %s starts at most one worker per core', async (_, maxWorkers) => {
  const n = await workers(maxWorkers);
  expect(n).toBeGreaterThanOrEqual(1);
  expect(n).toBeLessThanOrEqual(availableParallelism());
});

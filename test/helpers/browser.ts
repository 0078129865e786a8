/**
 * Headless Chromium for the console's browser tests: Debian's `chromium` package driven by playwright-core
 * (whose own browser download cannot work here). Without the browser, `describeBrowser` throws in CI (CI
 * set), so the test file fails, and elsewhere warns loudly and skips, as test/helpers/postgres.ts does for
 * PostgreSQL; .ci/run installs the package when it is missing.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../../scripts/chromium';

export { CHROMIUM, CHROMIUM_ARGS, launchChromium } from '../../scripts/chromium';

export const MISSING_MESSAGE = `Chromium not found at ${CHROMIUM}: SKIPPING browser tests`;

export function describeBrowser(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    throw new Error(`Chromium was not found at ${CHROMIUM}; CI must run the browser tests ("${name}"). Install Debian's chromium package.`);
  }
  console.warn(`\n!!!!!!!!\n!!! ${MISSING_MESSAGE} ("${name}"). Install Debian's chromium package to run them.\n!!!!!!!!\n`);
  describe.skip(name, fn);
}

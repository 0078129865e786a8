/**
 * `npm run docs:screenshots [-- --out DIR]`: photographs every page of the web console for docs/console/
 * (the default DIR), against a throwaway service holding an example organisation (seed.ts), in headless
 * Chromium (scripts/chromium.ts). Needs `npm run build` first. Times on the pages are those of the run, so
 * the pictures change each time they are taken; docs/console/README.md shows them, and
 * test/e2e/console.screenshots.browser.test.ts checks the script still reaches every page.
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from '../chromium';
import { seed } from './seed';
import { startService } from './service';
import { SHOTS } from './shots';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');

function outDir(argv: string[]): string {
  const at = argv.indexOf('--out');
  if (at === -1) return join(ROOT, 'docs/console');
  const dir = argv[at + 1];
  if (!dir) throw new Error('--out needs a directory');
  return resolve(dir);
}

async function main(): Promise<void> {
  const out = outDir(process.argv.slice(2));
  if (!existsSync(CLI) || !existsSync(join(ROOT, 'dist/console'))) throw new Error('run `npm run build` first: the CLI and the console are taken from dist/');
  mkdirSync(out, { recursive: true });
  const service = await startService(CLI, { email: 'avery@example.com', name: 'Avery Admin' });
  const browser = await launchChromium();
  try {
    const seeded = await seed(service.endpoint, service.adminKey);
    for (const shot of SHOTS) {
      // A fresh context per picture: one view's dialogs and state never leak into the next.
      const context = await browser.newContext({ viewport: { width: 1280, height: shot.height ?? 800 }, deviceScaleFactor: 1, colorScheme: 'light' });
      try {
        const page = await context.newPage();
        await page.goto(`${service.endpoint}/`);
        if (shot.file !== 'sign-in.png') {
          await page.getByLabel('API key').fill(service.adminKey);
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByRole('heading', { name: 'API Keys' }).waitFor();
          await page.getByRole('table', { name: 'API keys' }).waitFor();
        } else {
          await page.getByRole('button', { name: 'Sign in' }).waitFor();
        }
        const view = await shot.open(page, seeded);
        const file = join(out, shot.file);
        const options = { path: file, animations: 'disabled' as const, mask: view?.mask ?? [], maskColor: '#111' };
        if (view?.element) await view.element.screenshot(options);
        else await page.screenshot(options); // the window, not the whole page: a long list shows its top, as a user first sees it
        process.stdout.write(`${file}\n`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await service.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

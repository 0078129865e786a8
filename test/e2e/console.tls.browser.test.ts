/**
 * The console served over HTTPS (`keyplane server start --tls-cert --tls-key`) in a real browser: the session
 * cookie is `__Host-` prefixed and `Secure` as well as HttpOnly and SameSite=Strict, the browser keeps it so
 * and sends it back, and no script can read it. The certificate is a throwaway self-signed one, which the
 * browser context is told to accept (test/helpers/self-signed.ts).
 */
import type { Browser } from 'playwright-core';
import { describeBrowser, launchChromium } from '../helpers/browser';
import { built } from '../helpers/build';
import { type CliService, startCliService } from '../helpers/cli';

describeBrowser('the console over TLS in Chromium', () => {
  let svc: CliService;
  let browser: Browser;

  beforeAll(async () => {
    built('dist/console');
    svc = await startCliService([], { tls: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (svc) expect(await svc.stop()).toBe(0);
  });

  test('the session cookie is __Host- prefixed, Secure, HttpOnly and SameSite=Strict, and opens the pages', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(`${svc.endpoint}/`);
      expect(svc.endpoint).toMatch(/^https:/);
      await page.getByLabel('API key').fill(svc.adminKey);
      const [signedIn] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/v1/console/sessions')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect(signedIn.status()).toBe(201);
      expect(await signedIn.headerValue('set-cookie')).toMatch(/^__Host-keyplane_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
      await page.getByRole('table', { name: 'API keys' }).getByRole('button', { name: 'bootstrap admin key', exact: true }).waitFor();
      const cookies = await context.cookies();
      expect(cookies.map((c) => ({ name: c.name, secure: c.secure, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path, domain: c.domain }))).toEqual([
        { name: '__Host-keyplane_session', secure: true, httpOnly: true, sameSite: 'Strict', path: '/', domain: 'localhost' },
      ]);
      expect(await page.evaluate('document.cookie')).toBe('');
      // A reload is signed in by the cookie alone.
      await page.reload();
      await page.getByRole('heading', { name: 'API Keys' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

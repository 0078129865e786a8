/**
 * The console's browser tests share one shape: a real service (`keyplane server start`), headless Chromium
 * (test/helpers/browser.ts), a fresh browser context per test, the API called with bearer keys as any other
 * client would, and sign-in by pasting a key. `useConsole()` registers the hooks of one test file.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { built } from './build';
import { type CliService, startCliService } from './cli';

export interface ApiAnswer {
  status: number;
  body: any;
}

export interface ConsoleFixture {
  svc(): CliService;
  /** Calls the API with a bearer key (the bootstrap admin's unless given). */
  api(method: string, path: string, body?: unknown, key?: string): Promise<ApiAnswer>;
  /** POST /v1/keys/verify, as the admin. */
  verify(key: string, clientIp?: string): Promise<{ valid: boolean; reason?: string; [field: string]: unknown }>;
  /** A new browser context, allowed to read back the clipboard the page writes. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs `page` in by pasting `key` (the admin's unless given) and waits for the API Keys page. */
  signIn(page: Page, key?: string): Promise<void>;
}

export function useConsole(): ConsoleFixture {
  let svc: CliService;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    built('dist/console');
    svc = await startCliService();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (svc) expect(await svc.stop()).toBe(0);
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  async function api(method: string, path: string, body?: unknown, key = svc.adminKey): Promise<ApiAnswer> {
    const res = await fetch(`${svc.endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  }

  return {
    svc: () => svc,
    api,
    verify: async (key, clientIp) => (await api('POST', '/v1/keys/verify', { key, ...(clientIp ? { client_ip: clientIp } : {}) })).body,
    async newPage() {
      const context = await browser.newContext();
      contexts.push(context);
      // Copy writes the clipboard from the click; reading it back is the test's own permission.
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: svc.endpoint });
      return { context, page: await context.newPage() };
    },
    async signIn(page, key = svc.adminKey) {
      await page.goto(`${svc.endpoint}/`);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    },
  };
}

/**
 * Everything of the page a secret could linger in: its HTML, its text, the values of its inputs, both web
 * storages, the cookies (the page's and the context's) and its URL.
 */
export async function pageTraces(page: Page): Promise<string> {
  return JSON.stringify([
    await page.content(),
    // Evaluated in the page (a string: these tests compile without the DOM's types).
    await page.evaluate(`({
      text: document.body.textContent,
      values: [...document.querySelectorAll('input, textarea')].map((e) => e.value),
      local: { ...localStorage },
      session: { ...sessionStorage },
      cookie: document.cookie,
      url: location.href,
    })`),
    await page.context().cookies(),
  ]);
}

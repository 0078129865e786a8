/**
 * Headless Chromium as this repository drives it: Debian's `chromium` package through playwright-core, whose
 * own browser download cannot work offline. The console's browser tests (test/helpers/browser.ts) and the
 * screenshot script (scripts/screenshots/main.ts) launch it the same way.
 * @module
 */
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** No sandbox (tests run as root in a container), nothing fetched from the network behind the caller's back. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

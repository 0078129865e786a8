/**
 * Each screenshot of docs/console/: its file, what it shows (the alt text docs/console/README.md gives it),
 * and how a user gets there from the signed-in API Keys page. Reached by role and accessible name, as the
 * browser tests reach the controls, so a renamed control breaks the script loudly rather than silently
 * photographing the wrong page.
 * @module
 */
import type { Locator, Page } from 'playwright-core';
import type { Seeded } from './seed';

export interface Shot {
  file: string;
  alt: string;
  /** A taller window for a view that would otherwise scroll inside itself. */
  height?: number;
  /** Opens the view from a fresh, signed-in API Keys page; returns what to photograph (the page when absent) and what to black out. */
  open(page: Page, seeded: Seeded): Promise<{ element?: Locator; mask?: Locator[] } | undefined>;
}

const nav = (page: Page, title: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: title }).click();

async function details(page: Page, seeded: Seeded) {
  await page.getByRole('table', { name: 'API keys' }).getByRole('button', { name: seeded.detailsKeyName, exact: true }).click();
  const sheet = page.getByRole('dialog', { name: 'API Key Details' });
  await sheet.getByText(seeded.detailsKeyName, { exact: true }).first().waitFor();
  return sheet;
}

async function fillCreate(page: Page) {
  await page.getByRole('button', { name: 'Create API Key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API Key' });
  await dialog.getByLabel('Name', { exact: true }).fill('payments-webhook');
  await dialog.getByLabel('Description').fill('Signs outgoing payment webhooks');
  await dialog.getByRole('checkbox', { name: 'billing.read' }).check();
  await dialog.getByRole('radio', { name: 'Restrict to trusted IP addresses only' }).check();
  await dialog.getByRole('group', { name: 'Select IP Allow List' }).getByRole('checkbox', { name: 'office' }).check();
  return dialog;
}

/** A whole page opened from the navigation, photographed once `ready` shows its content has arrived. */
function navShot(file: string, alt: string, title: string, ready: (page: Page, seeded: Seeded) => Locator): Shot {
  return {
    file,
    alt,
    async open(page, seeded) {
      await nav(page, title);
      await ready(page, seeded).waitFor();
      return undefined;
    },
  };
}

export const SHOTS: readonly Shot[] = [
  {
    file: 'sign-in.png',
    alt: 'Sign-in page: paste an API key, or use a one-time link from keyplane console',
    open: async () => undefined,
  },
  {
    file: 'api-keys.png',
    alt: 'API Keys page: each key with its status, owner, creator, and when it was created, last used and expires',
    async open(page) {
      await page.getByLabel('Status').selectOption('');
      await page.getByRole('table', { name: 'API keys' }).getByText('terraform-ci-2025').waitFor();
      return undefined;
    },
  },
  {
    file: 'api-key-details.png',
    alt: 'API Key Details sheet: every field of a key, with Rotate API Key and Revoke API Key',
    async open(page, seeded) {
      return { element: await details(page, seeded) };
    },
  },
  {
    file: 'create-api-key.png',
    alt: 'Create API Key dialog: name, description, owner, role, scopes, expiry, IP address access and where the secret goes',
    height: 1600,
    async open(page) {
      return { element: await fillCreate(page) };
    },
  },
  {
    file: 'api-key-created.png',
    alt: 'The new secret, shown once with Copy and the warning that it will not be shown again (blacked out here)',
    async open(page) {
      const dialog = await fillCreate(page);
      await dialog.getByRole('button', { name: 'Generate Key' }).click();
      const shown = page.getByRole('dialog', { name: /created/ });
      await shown.waitFor();
      // The picture must not carry a working key, even of a throwaway service.
      return { element: shown, mask: [shown.getByRole('textbox')] };
    },
  },
  {
    file: 'rotate-api-key.png',
    alt: 'Rotate API Key dialog: how long the current secret keeps working, and where the new one goes',
    async open(page, seeded) {
      const sheet = await details(page, seeded);
      await sheet.getByRole('button', { name: 'Rotate API Key' }).click();
      const dialog = page.getByRole('dialog', { name: `Rotate API key “${seeded.detailsKeyName}”` });
      await dialog.waitFor();
      return { element: dialog };
    },
  },
  {
    file: 'revoke-api-key.png',
    alt: 'Revoke API Key confirmation, naming the key',
    async open(page, seeded) {
      await page.getByRole('button', { name: `Revoke ${seeded.detailsKeyName}`, exact: true }).click();
      return { element: page.getByRole('alertdialog', { name: new RegExp(`Revoke API key “${seeded.detailsKeyName}”`) }) };
    },
  },
  navShot('service-accounts.png', 'Service accounts page', 'Service accounts', (page, seeded) =>
    page.getByRole('button', { name: seeded.serviceAccountName, exact: true }),
  ),
  {
    file: 'service-account-details.png',
    alt: "Service Account Details: every field and the account's API keys",
    async open(page, seeded) {
      await nav(page, 'Service accounts');
      await page.getByRole('button', { name: seeded.serviceAccountName, exact: true }).click();
      const sheet = page.getByRole('dialog', { name: 'Service Account Details' });
      await sheet.getByText('terraform-ci', { exact: true }).first().waitFor();
      return { element: sheet };
    },
  },
  navShot('ip-allow-lists.png', 'IP allow lists page: each list and its CIDRs', 'IP allow lists', (page) => page.getByText('198.51.100.16/28')),
  navShot('scopes.png', 'Scopes page: the built-in and custom scopes', 'Scopes', (page) => page.getByText('billing.write')),
  navShot('audit-log.png', 'Audit log page: newest first, filtered by action, actor, outcome and time', 'Audit log', (page) => page.getByRole('table').first()),
];

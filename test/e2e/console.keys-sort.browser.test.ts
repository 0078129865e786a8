/**
 * The API Keys page's order and Owner filter in a real browser (headless Chromium) against a real service:
 * the Created, Last used and Expires headers sort the list both ways and say so with aria-sort, newest
 * created first until one is pressed; Owner narrows the list to the signed-in principal's keys or one
 * service account's; and a change of either starts again at page 1 of however many pages.
 */
import type { Page } from 'playwright-core';
import { describeBrowser } from '../helpers/browser';
import { useConsole } from '../helpers/console-browser';

describeBrowser('API Keys order and owner in Chromium', () => {
  const { api, newPage, signIn } = useConsole();

  /** The key names the table shows once they equal `want` (an answer arrives after the click that asked for it). */
  async function showing(page: Page, want: string[]) {
    const names = () => page.getByRole('table', { name: 'API keys' }).locator('tbody th').allTextContents();
    for (let i = 0; i < 100 && JSON.stringify(await names()) !== JSON.stringify(want); i++) await page.waitForTimeout(50);
    expect(await names()).toEqual(want);
  }
  /** aria-sort of the Created, Last used and Expires headers (null: not the sorted column). */
  const ariaSort = (page: Page) =>
    Promise.all(['Created', 'Last used', 'Expires'].map((h) => page.getByRole('columnheader', { name: h, exact: true }).getAttribute('aria-sort')));
  const sortBy = (page: Page, header: string) => page.getByRole('button', { name: `Sort by ${header}` }).click();

  test('the date headers sort both ways with aria-sort; Owner shows only that owner’s keys', async () => {
    const team = (await api('POST', '/v1/service-accounts', { name: 'sort-team', role: 'viewer' })).body;
    const make = async (name: string, expires_at?: string) =>
      (await api('POST', '/v1/api-keys', { name, service_account_id: team.id, ...(expires_at ? { expires_at } : {}) })).body;
    // Created alpha, bravo, charlie; used bravo then alpha, charlie never; expiring charlie, alpha, bravo never.
    const alpha = await make('alpha', '2099-03-01T00:00:00Z');
    const bravo = await make('bravo');
    await make('charlie', '2099-01-01T00:00:00Z');
    expect((await api('GET', '/v1/whoami', undefined, bravo.secret)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect((await api('GET', '/v1/whoami', undefined, alpha.secret)).status).toBe(200);
    // Uses are written in batches (service/keys/last-used.ts): wait until both are.
    for (let i = 0; i < 100; i++) {
      const keys = (await api('GET', `/v1/api-keys?service_account_id=${team.id}`)).body.api_keys as { last_used_at: string | null }[];
      if (keys.filter((k) => k.last_used_at).length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await api('POST', '/v1/api-keys', { name: 'admin-own' })).status).toBe(201);

    const { page } = await newPage();
    await signIn(page);
    await page.getByLabel('Owner').selectOption({ label: 'sort-team' });
    await showing(page, ['charlie', 'bravo', 'alpha']);
    expect(await ariaSort(page)).toEqual(['descending', null, null]);

    await sortBy(page, 'Created');
    await showing(page, ['alpha', 'bravo', 'charlie']);
    expect(await ariaSort(page)).toEqual(['ascending', null, null]);

    // Another column starts newest first; never used comes last either way.
    await sortBy(page, 'Last used');
    await showing(page, ['alpha', 'bravo', 'charlie']);
    expect(await ariaSort(page)).toEqual([null, 'descending', null]);
    await sortBy(page, 'Last used');
    await showing(page, ['bravo', 'alpha', 'charlie']);
    expect(await ariaSort(page)).toEqual([null, 'ascending', null]);

    await sortBy(page, 'Expires');
    await showing(page, ['alpha', 'charlie', 'bravo']);
    expect(await ariaSort(page)).toEqual([null, null, 'descending']);
    await sortBy(page, 'Expires');
    await showing(page, ['charlie', 'alpha', 'bravo']);
    expect(await ariaSort(page)).toEqual([null, null, 'ascending']);
    // The header's text stays the column's name; the arrow is drawn, not written.
    expect(await page.getByRole('columnheader', { name: 'Expires', exact: true }).textContent()).toBe('Expires');

    // Me: the admin's own keys only, whoever made the others.
    await page.getByLabel('Owner').selectOption({ label: 'Me' });
    await sortBy(page, 'Created');
    await sortBy(page, 'Created');
    await showing(page, ['bootstrap admin key', 'admin-own']);
    await expect(page.getByRole('table', { name: 'API keys' }).locator('tbody td:nth-child(3)').allTextContents()).resolves.toEqual([
      'Administrator',
      'Administrator',
    ]);

    await page.getByLabel('Owner').selectOption({ label: 'Anyone' });
    await page.getByLabel('Search by name').fill('a');
    await showing(page, ['alpha', 'admin-own']);
  });

  test('a developer’s Me is its own keys; the accounts it can read are offered', async () => {
    const dana = (await api('POST', '/v1/users', { email: 'dana.sort@example.com', name: 'Dana Sort', role: 'developer' })).body;
    const key = (await api('POST', '/v1/api-keys', { name: 'dana-first', user_id: dana.id, role: 'developer' })).body.secret;
    expect((await api('POST', '/v1/api-keys', { name: 'dana-second' }, key)).status).toBe(201);
    expect((await api('POST', '/v1/service-accounts', { name: 'dana-team', role: 'viewer' }, key)).status).toBe(201);
    const { page } = await newPage();
    await signIn(page, key);
    const owner = page.getByLabel('Owner');
    for (let i = 0; i < 100 && !(await owner.locator('option', { hasText: 'dana-team' }).count()); i++) await page.waitForTimeout(50);
    expect(await owner.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Anyone', 'Me', 'dana-team', 'sort-team']));
    await owner.selectOption({ label: 'Me' });
    await showing(page, ['dana-second', 'dana-first']);
  });

  test('pages through more than a page in the order chosen; a new order or owner starts at page 1', async () => {
    const many = (await api('POST', '/v1/service-accounts', { name: 'sort-many', role: 'viewer' })).body;
    const name = (i: number) => `many-${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 27; i++) expect((await api('POST', '/v1/api-keys', { name: name(i), service_account_id: many.id })).status).toBe(201);
    const range = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => name(from < to ? from + i : from - i));

    const { page } = await newPage();
    await signIn(page);
    await page.getByLabel('Owner').selectOption({ label: 'sort-many' });
    await showing(page, range(26, 2));
    await page.getByRole('button', { name: 'Next page' }).click();
    await showing(page, range(1, 0));
    await page.getByText('Page 2', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await sortBy(page, 'Created');
    await page.getByText('Page 1', { exact: true }).waitFor();
    await showing(page, range(0, 24));
    await page.getByRole('button', { name: 'Next page' }).click();
    await showing(page, range(25, 26));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await showing(page, range(0, 24));
    await page.getByRole('button', { name: 'Next page' }).click();
    await showing(page, range(25, 26));

    await page.getByLabel('Owner').selectOption({ label: 'sort-team' });
    await page.getByText('Page 1', { exact: true }).waitFor();
    await showing(page, ['alpha', 'bravo', 'charlie']);
  });
});

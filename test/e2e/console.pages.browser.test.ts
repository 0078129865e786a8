/**
 * The console's pages beyond API Keys, in a real browser (headless Chromium, test/helpers/browser.ts) against
 * a real service started with `keyplane server start`: the Audit log and its filters, Service accounts with
 * their keys, IP allow lists with CIDRs checked as they are typed, and the Scopes catalogue. Each page is
 * also seen by a viewer, who must find no button they may not press. Controls are found by role and
 * accessible name, as people using a screen reader find them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeBrowser, launchChromium } from '../helpers/browser';
import { built } from '../helpers/build';
import { type CliService, startCliService } from '../helpers/cli';

describeBrowser('the console pages in Chromium', () => {
  let svc: CliService;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let viewerKey: string;
  let developerKey: string;

  /** Calls the API with a bearer key, as a service using Keyplane would. */
  async function api(method: string, path: string, body?: unknown, key = svc.adminKey): Promise<{ status: number; body: any }> {
    const res = await fetch(`${svc.endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  }

  beforeAll(async () => {
    built('dist/console');
    svc = await startCliService();
    browser = await launchChromium();
    const vera = await api('POST', '/v1/users', { email: 'vera@example.com', name: 'Vera Viewer', role: 'viewer' });
    viewerKey = (await api('POST', '/v1/api-keys', { name: 'vera key', user_id: vera.body.id, role: 'viewer' })).body.secret;
    const dana = await api('POST', '/v1/users', { email: 'dana@example.com', name: 'Dana Developer', role: 'developer' });
    developerKey = (await api('POST', '/v1/api-keys', { name: 'dana key', user_id: dana.body.id, role: 'developer' })).body.secret;
  });
  afterAll(async () => {
    await browser?.close();
    if (svc) expect(await svc.stop()).toBe(0);
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  async function signIn(key = svc.adminKey): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${svc.endpoint}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    return page;
  }

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Console' });
  async function open(page: Page, title: string) {
    await nav(page).getByRole('button', { name: title }).click();
    await page.getByRole('heading', { name: title, level: 2 }).waitFor();
  }

  /** The texts of one column of a table once they equal `want` (an answer arrives after the input that asked for it). */
  async function column(page: Page, table: ReturnType<Page['getByRole']>, selector: string, want: string[]) {
    const read = () => table.locator(selector).allTextContents();
    for (let i = 0; i < 100 && JSON.stringify(await read()) !== JSON.stringify(want); i++) await page.waitForTimeout(50);
    expect(await read()).toEqual(want);
  }

  describe('Audit log', () => {
    test('lists events newest first, filters by action, actor, outcome and time, and pages', async () => {
      const since = new Date(Date.now() - 60_000);
      for (let i = 0; i < 53; i++) expect((await api('POST', '/v1/scopes', { name: `audit.page${i}`, description: 'paging' })).status).toBe(201);
      expect((await api('POST', '/v1/service-accounts', { name: 'by-dana' }, developerKey)).status).toBe(201);
      expect((await api('GET', '/v1/whoami', undefined, 'kp_not_a_key')).status).toBe(401);

      const page = await signIn();
      await open(page, 'Audit log');
      const table = page.getByRole('table', { name: 'Audit events' });
      await table.waitFor();
      expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Time', 'Action', 'Outcome', 'Actor', 'Key', 'Target', 'Address', 'Details']);

      const action = page.getByLabel('Action');
      await action.fill('scope.create');
      await action.press('Enter');
      const creates = (n: number) => Array<string>(n).fill('scope.create');
      await column(page, table, 'tbody th', creates(50));
      // Newest first: the first row is the last scope made.
      await expect(table.getByRole('row').nth(1).textContent()).resolves.toContain('audit.page52');
      await page.getByRole('button', { name: 'Next page' }).click();
      await column(page, table, 'tbody th', creates(3));
      expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Previous page' }).click();
      await column(page, table, 'tbody th', creates(50));

      await action.fill('');
      await action.press('Enter');
      await page.getByLabel('Actor').selectOption({ label: 'Dana Developer' });
      await column(page, table, 'tbody th', ['service_account.create']);
      await expect(table.locator('tbody tr').first().textContent()).resolves.toContain('Dana Developer');

      await page.getByLabel('Actor').selectOption({ label: 'Anyone' });
      await page.getByLabel('Outcome').selectOption({ label: 'Failure' });
      // Failed sign-ins of the service's own start may be there too: every row is a failure, ours among them.
      // The unfiltered list holds auth.failed rows as well, so wait for the filtered answer itself: no success.
      const outcomes = () => table.locator('tbody td:nth-child(3)').allTextContents();
      for (let i = 0; i < 100; i++) {
        const now = await outcomes();
        if (now.length > 0 && !now.includes('success')) break;
        await page.waitForTimeout(50);
      }
      await expect(outcomes()).resolves.toEqual(expect.not.arrayContaining(['success']));
      await expect(table.getByRole('row', { name: /auth\.failed/ }).count()).resolves.toBeGreaterThan(0);

      // Time: every scope above was made after `since` (a minute before, the input holds minutes).
      await page.getByLabel('Outcome').selectOption({ label: 'Any' });
      await action.fill('scope.create');
      await action.press('Enter');
      const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await page.getByLabel('From').fill(local(since));
      await column(page, table, 'tbody th', creates(50));
      await page.getByLabel('From').fill(local(new Date(Date.now() + 3_600_000)));
      await page.getByText('No events match.').waitFor();
      await page.getByLabel('From').fill('');
      await column(page, table, 'tbody th', creates(50));
      await page.getByLabel('Before').fill(local(since));
      await page.getByText('No events match.').waitFor();
    });

    test('is shown to admins and holders of keyplane.audit.read only', async () => {
      const viewer = await signIn(viewerKey);
      await expect(nav(viewer).getByRole('button').allTextContents()).resolves.toEqual(['API Keys', 'Service accounts', 'IP allow lists', 'Scopes']);
      const me = (await api('GET', '/v1/whoami', undefined, viewerKey)).body;
      const auditor = await api('POST', '/v1/api-keys', { name: 'auditor', user_id: me.principal.id, role: 'viewer', scopes: ['keyplane.audit.read'] });
      expect(auditor.status).toBe(201);
      const page = await signIn(auditor.body.secret);
      await open(page, 'Audit log');
      await page.getByRole('table', { name: 'Audit events' }).waitFor();
    });
  });

  describe('Service accounts', () => {
    test('Create Service Account opens its details; its keys are listed there', async () => {
      const page = await signIn();
      await open(page, 'Service accounts');
      await page.getByRole('button', { name: 'Create Service Account' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create Service Account' });
      await dialog.getByLabel('Name').fill('ci-deployer');
      await dialog.getByLabel('Description').fill('deploys from CI');
      expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual(['admin', 'developer', 'viewer']);
      await dialog.getByLabel('Role').selectOption('developer');
      await dialog.getByRole('button', { name: 'Create' }).click();
      const sheet = page.getByRole('dialog', { name: 'Service Account Details' });
      await sheet.waitFor();
      await sheet.getByText('deploys from CI').waitFor();
      await sheet.getByText('This service account has no keys.').waitFor();
      await sheet.getByRole('button', { name: 'Close' }).click();

      const accounts = (await api('GET', '/v1/service-accounts?name=ci-deployer')).body.service_accounts;
      expect(accounts).toMatchObject([{ name: 'ci-deployer', role: 'developer', description: 'deploys from CI' }]);
      expect((await api('POST', '/v1/api-keys', { name: 'deploy key', service_account_id: accounts[0].id })).status).toBe(201);

      await page.getByLabel('Search by name').fill('ci-');
      const table = page.getByRole('table', { name: 'Service accounts' });
      await column(page, table, 'tbody th', ['ci-deployer']);
      await expect(
        table
          .getByRole('row', { name: /ci-deployer/ })
          .getByRole('cell')
          .allTextContents(),
      ).resolves.toEqual(expect.arrayContaining(['enabled', 'developer', 'Administrator']));
      await page.getByRole('button', { name: 'ci-deployer', exact: true }).click();
      const keys = sheet.getByRole('table', { name: 'API keys of ci-deployer' });
      await keys.waitFor();
      await expect(keys.locator('tbody th').allTextContents()).resolves.toEqual(['deploy key']);
    });

    test('a refusal from the API is shown at the field it names', async () => {
      expect((await api('POST', '/v1/service-accounts', { name: 'taken-name' })).status).toBe(201);
      const page = await signIn();
      await open(page, 'Service accounts');
      await page.getByRole('button', { name: 'Create Service Account' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create Service Account' });
      await dialog.getByLabel('Name').fill('taken-name');
      await dialog.getByRole('button', { name: 'Create' }).click();
      // Next to Name: the note stands right under the Name field.
      await dialog.locator('#sa-name + p.error[role=alert]').getByText('a service account named taken-name exists').waitFor();
    });

    test('a developer is offered no role above their own', async () => {
      const page = await signIn(developerKey);
      await open(page, 'Service accounts');
      await page.getByRole('button', { name: 'Create Service Account' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create Service Account' });
      expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual(['developer', 'viewer']);
    });
  });

  describe('IP allow lists', () => {
    test('an invalid CIDR is named as it is typed and nothing is sent; a valid list is created and edited', async () => {
      const page = await signIn();
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/v1/ip-allow-lists') && r.method() !== 'GET') posts.push(`${r.method()} ${r.url()}`);
      });
      await open(page, 'IP allow lists');
      await page.getByRole('button', { name: 'Create IP Allow List' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create IP Allow List' });
      await dialog.getByLabel('Name').fill('office');
      const cidrs = dialog.getByLabel('CIDRs');
      await cidrs.pressSequentially('10.0.0.0/8\n10.0.0.300/24');
      await dialog.getByRole('alert').getByText('Line 2: "10.0.0.300/24" is not an IPv4 or IPv6 address or CIDR').waitFor();
      expect(await cidrs.getAttribute('aria-invalid')).toBe('true');
      // The shorthand the service refuses (contract/cidr.ts), not merely what a regular expression would.
      await cidrs.fill('10.1/16');
      await dialog.getByText('Line 1: "10.1/16" is not an IPv4 or IPv6 address or CIDR').waitFor();
      await dialog.getByRole('button', { name: 'Create' }).click();
      await page.waitForTimeout(300);
      expect(posts).toEqual([]);
      await expect(dialog.isVisible()).resolves.toBe(true);

      await cidrs.fill('10.0.0.0/8\n192.168.1.7/24\n2001:DB8::/32');
      await dialog.getByText('Line 2: 192.168.1.7/24 has bits set after its prefix and is stored as 192.168.1.0/24').waitFor();
      expect(await cidrs.getAttribute('aria-invalid')).toBe('false');
      expect(await dialog.getByText(/is not an IPv4 or IPv6/).count()).toBe(0);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(posts).toHaveLength(1);
      const table = page.getByRole('table', { name: 'IP allow lists' });
      const row = table.getByRole('row', { name: /office/ });
      await row.getByText('10.0.0.0/8, 192.168.1.0/24, 2001:db8::/32').waitFor();

      await row.getByRole('button', { name: 'Edit office' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit IP Allow List “office”' });
      await expect(edit.getByLabel('CIDRs').inputValue()).resolves.toBe('10.0.0.0/8\n192.168.1.0/24\n2001:db8::/32');
      await edit.getByLabel('CIDRs').fill('10.0.0.0/8\nfe80::1%eth0');
      await edit.getByText(/Line 2: "fe80::1%eth0" has an IPv6 zone/).waitFor();
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.waitForTimeout(300);
      expect(posts).toHaveLength(1);
      await edit.getByLabel('CIDRs').fill('10.0.0.0/8\n172.16.0.0/12');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await row.getByText('10.0.0.0/8, 172.16.0.0/12').waitFor();
      const stored = (await api('GET', '/v1/ip-allow-lists')).body.ip_allow_lists.find((l: { name: string }) => l.name === 'office');
      expect(stored.cidrs).toEqual(['10.0.0.0/8', '172.16.0.0/12']);
    });

    test('a refusal from the API is shown at the field it names', async () => {
      const page = await signIn();
      await open(page, 'IP allow lists');
      await page.getByRole('button', { name: 'Create IP Allow List' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create IP Allow List' });
      await dialog.getByLabel('CIDRs').fill('10.0.0.0/8');
      // No name: the service refuses it (400 naming `name`), and the note stands under the Name field.
      await dialog.getByRole('button', { name: 'Create' }).click();
      const note = dialog.locator('#al-name + p.error[role=alert]');
      await note.waitFor();
      expect(await note.textContent()).toMatch(/name/);
    });

    test('Edit appears only on the lists the caller’s role may change', async () => {
      const guarded = await api('POST', '/v1/ip-allow-lists', { name: 'guarded', cidrs: ['10.9.0.0/16'] });
      expect((await api('POST', '/v1/api-keys', { name: 'admin behind guarded', role: 'admin', allow_list_ids: [guarded.body.id] })).status).toBe(201);
      expect((await api('POST', '/v1/ip-allow-lists', { name: 'open-list', cidrs: ['10.8.0.0/16'] })).status).toBe(201);
      const page = await signIn(developerKey);
      await open(page, 'IP allow lists');
      const table = page.getByRole('table', { name: 'IP allow lists' });
      await table.getByRole('row', { name: /guarded/ }).waitFor();
      expect(await page.getByRole('button', { name: 'Create IP Allow List' }).count()).toBe(1);
      expect(await table.getByRole('button', { name: 'Edit open-list' }).count()).toBe(1);
      expect(await table.getByRole('button', { name: 'Edit guarded' }).count()).toBe(0);
    });
  });

  describe('Scopes', () => {
    test('the catalogue lists built-in and custom scopes; an admin adds one', async () => {
      const page = await signIn();
      await open(page, 'Scopes');
      const table = page.getByRole('table', { name: 'Scopes' });
      /** The cells of a scope's row, once the row is there. */
      const cells = async (name: RegExp) => {
        const row = table.getByRole('row', { name });
        await row.waitFor();
        return row.getByRole('cell').allTextContents();
      };
      await expect(cells(/keyplane\.audit\.read/)).resolves.toEqual(expect.arrayContaining(['Read the audit log.', 'Built-in']));
      await page.getByRole('button', { name: 'Add Scope' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add Scope' });
      const name = dialog.getByLabel('Name');
      await name.fill('Billing.Read');
      await dialog
        .getByRole('alert')
        .getByText(/Lower-case letters/)
        .waitFor();
      await dialog.getByLabel('Description').fill('Read invoices.');
      await dialog.getByRole('button', { name: 'Add' }).click();
      await page.waitForTimeout(200);
      expect((await api('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).not.toContain('Billing.Read');

      // A name of the right shape the service still refuses: its answer stands at the Name field.
      await name.fill('keyplane.mine');
      await dialog.getByRole('button', { name: 'Add' }).click();
      await dialog
        .locator('#scope-name-problem + p.error[role=alert]')
        .getByText(/reserved for built-in scopes/)
        .waitFor();

      await name.fill('billing.read');
      await dialog.getByRole('button', { name: 'Add' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(cells(/billing\.read/)).resolves.toEqual(expect.arrayContaining(['Read invoices.', 'Custom']));
    });
  });

  test('a viewer reads every page and finds no button to create, edit or add', async () => {
    expect((await api('POST', '/v1/ip-allow-lists', { name: 'viewer-sees', cidrs: ['10.7.0.0/16'] })).status).toBe(201);
    expect((await api('POST', '/v1/service-accounts', { name: 'viewer-sees-sa' })).status).toBe(201);
    const page = await signIn(viewerKey);
    await open(page, 'Service accounts');
    await page
      .getByRole('table', { name: 'Service accounts' })
      .getByRole('row', { name: /viewer-sees-sa/ })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Create Service Account' }).count()).toBe(0);
    await open(page, 'IP allow lists');
    await page
      .getByRole('table', { name: 'IP allow lists' })
      .getByRole('row', { name: /viewer-sees/ })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Create IP Allow List' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    await open(page, 'Scopes');
    await page
      .getByRole('table', { name: 'Scopes' })
      .getByRole('row', { name: /keyplane\.audit\.read/ })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Add Scope' }).count()).toBe(0);
    // Only navigation, sign-out, paging and opening details remain.
    const buttons = await page.getByRole('button').allTextContents();
    expect(buttons.filter((b) => !['API Keys', 'Service accounts', 'IP allow lists', 'Scopes', 'Sign out'].includes(b))).toEqual([]);
  });
});

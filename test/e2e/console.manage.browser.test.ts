/**
 * Changing and deleting in the console, in a real browser (headless Chromium) against a real service: a
 * service account edited by its owner and its managers and deleted by a steward, IP allow lists and custom
 * scopes deleted. Every deletion asks first (Cancel keeps the thing, Delete removes it, both checked through
 * the API), a refusal from the service stays in the confirmation, and who sees Edit and Delete follows
 * contract/stewardship.ts and the roles. Controls are found by role and accessible name.
 */
import type { Locator, Page } from 'playwright-core';
import { describeBrowser } from '../helpers/browser';
import { useConsole } from '../helpers/console-browser';

describeBrowser('changing and deleting in the console', () => {
  const { api, newPage, signIn, verify } = useConsole();
  const users: Record<'dana' | 'mo' | 'nora' | 'vera' | 'rita', { id: string; key: string }> = {} as never;

  beforeAll(async () => {
    const people = [
      ['dana', 'Dana Owner', 'developer'],
      ['mo', 'Mo Manager', 'developer'],
      ['nora', 'Nora Neither', 'developer'],
      ['vera', 'Vera Viewer', 'viewer'],
      ['rita', 'Rita Demoted', 'developer'],
    ] as const;
    for (const [handle, name, role] of people) {
      const user = await api('POST', '/v1/users', { email: `${handle}@example.com`, name, role });
      expect(user.status).toBe(201);
      const key = await api('POST', '/v1/api-keys', { name: `${handle} key`, user_id: user.body.id, role });
      expect(key.status).toBe(201);
      users[handle] = { id: user.body.id, key: key.body.secret };
    }
  });

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Console' });
  async function open(page: Page, title: string) {
    await nav(page).getByRole('button', { name: title }).click();
    await page.getByRole('heading', { name: title, level: 2 }).waitFor();
  }
  async function signedIn(key?: string): Promise<Page> {
    const { page } = await newPage();
    await signIn(page, key);
    return page;
  }
  /** Opens the details sheet of the service account named `name`. */
  async function details(page: Page, name: string): Promise<Locator> {
    await open(page, 'Service accounts');
    await page.getByLabel('Search by name').fill(name);
    await page.getByRole('table', { name: 'Service accounts' }).getByRole('button', { name, exact: true }).click();
    const sheet = page.getByRole('dialog', { name: 'Service Account Details' });
    await sheet.getByText(name, { exact: true }).first().waitFor();
    return sheet;
  }
  const accountNamed = async (name: string) => (await api('GET', `/v1/service-accounts?name=${name}`)).body.service_accounts[0];
  /** Presses Tab until `target` has the focus; fails if it never comes (a control Tab cannot reach). */
  async function tabTo(page: Page, target: Locator, most = 80) {
    for (let i = 0; i < most; i++) {
      if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab did not reach ${target}`);
  }

  describe('Service accounts', () => {
    test('its owner edits it and names a manager; the manager edits it but neither deletes it nor names managers', async () => {
      expect((await api('POST', '/v1/service-accounts', { name: 'dana-bot', role: 'viewer' }, users.dana.key)).status).toBe(201);
      const page = await signedIn(users.dana.key);
      const sheet = await details(page, 'dana-bot');
      expect(await sheet.getByRole('button', { name: 'Delete Service Account' }).count()).toBe(1);
      await sheet.getByRole('button', { name: 'Edit', exact: true }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Service Account “dana-bot”' });
      // None above the owner's own role.
      expect(await edit.getByLabel('Role').locator('option').allTextContents()).toEqual(['developer', 'viewer']);
      await edit.getByLabel('Description').fill('edited by its owner');
      await edit.getByLabel('Role').selectOption('developer');
      const managers = edit.getByRole('group', { name: 'Managers' });
      await managers.getByRole('checkbox', { name: 'Mo Manager (mo@example.com)' }).check();
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await sheet.getByText('edited by its owner').waitFor();
      await sheet.getByText('Mo Manager', { exact: true }).waitFor();
      expect(await accountNamed('dana-bot')).toMatchObject({
        description: 'edited by its owner',
        role: 'developer',
        owner_user_id: users.dana.id,
        manager_user_ids: [users.mo.id],
      });

      const mo = await signedIn(users.mo.key);
      const moSheet = await details(mo, 'dana-bot');
      expect(await moSheet.getByRole('button', { name: 'Delete Service Account' }).count()).toBe(0);
      await moSheet.getByRole('button', { name: 'Edit', exact: true }).click();
      const moEdit = mo.getByRole('dialog', { name: 'Edit Service Account “dana-bot”' });
      await moEdit.getByLabel('Name').waitFor();
      expect(await moEdit.getByLabel('Owner').count()).toBe(0);
      expect(await moEdit.getByRole('group', { name: 'Managers' }).count()).toBe(0);
      await moEdit.getByRole('checkbox', { name: 'Disabled' }).check();
      await moEdit.getByRole('button', { name: 'Save' }).click();
      await moEdit.waitFor({ state: 'detached' });
      await moSheet.getByText('disabled', { exact: true }).waitFor();
      expect(await accountNamed('dana-bot')).toMatchObject({ disabled: true, owner_user_id: users.dana.id, manager_user_ids: [users.mo.id] });

      // Enabled again by its owner, whose list still holds the older copy: the sheet reads the account afresh.
      await sheet.getByRole('button', { name: 'Close' }).click();
      const again = await details(page, 'dana-bot');
      await again.getByText('disabled', { exact: true }).waitFor();
      await again.getByRole('button', { name: 'Edit', exact: true }).click();
      await expect(edit.getByRole('checkbox', { name: 'Disabled' }).isChecked()).resolves.toBe(true);
      await edit.getByRole('checkbox', { name: 'Disabled' }).uncheck();
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      expect((await accountNamed('dana-bot')).disabled).toBe(false);
    });

    test('a developer who is neither its owner nor a manager, and a viewer, find no Edit or Delete', async () => {
      expect((await api('POST', '/v1/service-accounts', { name: 'not-nora-bot', role: 'viewer' }, users.dana.key)).status).toBe(201);
      for (const key of [users.nora.key, users.vera.key]) {
        const page = await signedIn(key);
        const sheet = await details(page, 'not-nora-bot');
        await sheet.getByRole('button', { name: 'Close' }).waitFor();
        expect(await sheet.getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);
        expect(await sheet.getByRole('button', { name: 'Delete Service Account' }).count()).toBe(0);
      }
    });

    test('Delete Service Account asks first, naming it and its keys; Cancel keeps it, Delete removes it and revokes its keys', async () => {
      const account = await api('POST', '/v1/service-accounts', { name: 'doomed-bot', role: 'developer' });
      const key = await api('POST', '/v1/api-keys', { name: 'doomed key', service_account_id: account.body.id });
      expect(key.status).toBe(201);
      const page = await signedIn();
      const sheet = await details(page, 'doomed-bot');
      await sheet.getByRole('button', { name: 'Delete Service Account' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete service account “doomed-bot”?' });
      await expect(confirm.textContent()).resolves.toContain('every active API key it owns or created is revoked at once (reason owner_deleted)');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect((await api('GET', `/v1/service-accounts/${account.body.id}`)).status).toBe(200);
      await expect(verify(key.body.secret)).resolves.toMatchObject({ valid: true });

      await sheet.getByRole('button', { name: 'Delete Service Account' }).click();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await sheet.waitFor({ state: 'detached' });
      await page.getByText('No service accounts match.').waitFor();
      expect((await api('GET', `/v1/service-accounts/${account.body.id}`)).status).toBe(404);
      expect((await api('GET', `/v1/api-keys/${key.body.api_key.id}`)).body).toMatchObject({ status: 'revoked', revoke_reason: 'owner_deleted' });
      await expect(verify(key.body.secret)).resolves.toMatchObject({ valid: false });
    });

    test('a refused deletion is shown in the confirmation, which stays open', async () => {
      const account = await api('POST', '/v1/service-accounts', { name: 'handed-over-bot' }, users.dana.key);
      const page = await signedIn(users.dana.key);
      const sheet = await details(page, 'handed-over-bot');
      // While the sheet is open, an admin hands the account to someone else: Dana is no longer its steward.
      expect((await api('PATCH', `/v1/service-accounts/${account.body.id}`, { owner_user_id: users.nora.id })).status).toBe(200);
      await sheet.getByRole('button', { name: 'Delete Service Account' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete service account “handed-over-bot”?' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm
        .getByRole('alert')
        .getByText(/only an admin or its owner may do that/)
        .waitFor();
      await expect(confirm.isVisible()).resolves.toBe(true);
      expect((await api('GET', `/v1/service-accounts/${account.body.id}`)).status).toBe(200);
    });
  });

  describe('IP allow lists', () => {
    test('Delete asks first, naming the list; Cancel keeps it, Delete removes it', async () => {
      const list = await api('POST', '/v1/ip-allow-lists', { name: 'short-lived', cidrs: ['10.20.0.0/16'] });
      const page = await signedIn();
      await open(page, 'IP allow lists');
      const table = page.getByRole('table', { name: 'IP allow lists' });
      await table.getByRole('button', { name: 'Delete short-lived' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete IP allow list “short-lived”?' });
      await confirm.getByText('10.20.0.0/16', { exact: false }).waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect((await api('GET', `/v1/ip-allow-lists/${list.body.id}`)).status).toBe(200);
      await table.getByRole('row', { name: /short-lived/ }).waitFor();

      await table.getByRole('button', { name: 'Delete short-lived' }).click();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm.waitFor({ state: 'detached' });
      await table.getByRole('row', { name: /short-lived/ }).waitFor({ state: 'detached' });
      expect((await api('GET', `/v1/ip-allow-lists/${list.body.id}`)).status).toBe(404);
    });

    test('a list a key uses is refused, and the refusal stays in the dialog', async () => {
      const list = await api('POST', '/v1/ip-allow-lists', { name: 'in-use', cidrs: ['10.21.0.0/16'] });
      const key = await api('POST', '/v1/api-keys', { name: 'behind in-use', role: 'developer', allow_list_ids: [list.body.id] });
      expect(key.status).toBe(201);
      const page = await signedIn();
      await open(page, 'IP allow lists');
      await page.getByRole('table', { name: 'IP allow lists' }).getByRole('button', { name: 'Delete in-use' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete IP allow list “in-use”?' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm.getByRole('alert').getByText(`IP allow list ${list.body.id} is attached to key ${key.body.api_key.id}; detach it first`).waitFor();
      await expect(confirm.isVisible()).resolves.toBe(true);
      expect((await api('GET', `/v1/ip-allow-lists/${list.body.id}`)).status).toBe(200);
    });

    test('a role lowered while the page is open is refused, and the refusal stays in the dialog', async () => {
      const list = await api('POST', '/v1/ip-allow-lists', { name: 'rita-list', cidrs: ['10.22.0.0/16'] });
      const page = await signedIn(users.rita.key);
      await open(page, 'IP allow lists');
      const remove = page.getByRole('table', { name: 'IP allow lists' }).getByRole('button', { name: 'Delete rita-list' });
      await remove.waitFor();
      expect((await api('PATCH', `/v1/users/${users.rita.id}`, { role: 'viewer' })).status).toBe(200);
      await remove.click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete IP allow list “rita-list”?' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm.getByRole('alert').getByText('deleting an IP allow list needs the developer role; this key acts as viewer').waitFor();
      expect((await api('GET', `/v1/ip-allow-lists/${list.body.id}`)).status).toBe(200);
    });
  });

  describe('Scopes', () => {
    test('an admin deletes a custom scope after confirming; built-in scopes have no Delete', async () => {
      expect((await api('POST', '/v1/scopes', { name: 'reports.old', description: 'Old reports.' })).status).toBe(201);
      const page = await signedIn();
      await open(page, 'Scopes');
      const table = page.getByRole('table', { name: 'Scopes' });
      const builtin = table.getByRole('row', { name: /keyplane\.audit\.read/ });
      await builtin.waitFor();
      expect(await builtin.getByRole('button').count()).toBe(0);
      expect(await table.getByRole('button', { name: /^Delete keyplane\./ }).count()).toBe(0);

      await table.getByRole('button', { name: 'Delete reports.old' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete scope “reports.old”?' });
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect((await api('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).toContain('reports.old');

      await table.getByRole('button', { name: 'Delete reports.old' }).click();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm.waitFor({ state: 'detached' });
      await table.getByRole('row', { name: /reports\.old/ }).waitFor({ state: 'detached' });
      expect((await api('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).not.toContain('reports.old');
    });

    test('a scope a key holds is refused, and the refusal stays in the dialog', async () => {
      expect((await api('POST', '/v1/scopes', { name: 'reports.held', description: 'Held reports.' })).status).toBe(201);
      const key = await api('POST', '/v1/api-keys', { name: 'holds reports.held', role: 'viewer', scopes: ['reports.held'] });
      expect(key.status).toBe(201);
      const page = await signedIn();
      await open(page, 'Scopes');
      await page.getByRole('table', { name: 'Scopes' }).getByRole('button', { name: 'Delete reports.held' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete scope “reports.held”?' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm.getByRole('alert').getByText(`scope reports.held is held by key ${key.body.api_key.id}`).waitFor();
      expect((await api('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).toContain('reports.held');
    });
  });

  test('a viewer finds no Delete on IP allow lists or scopes', async () => {
    expect((await api('POST', '/v1/ip-allow-lists', { name: 'vera-sees', cidrs: ['10.23.0.0/16'] })).status).toBe(201);
    expect((await api('POST', '/v1/scopes', { name: 'vera.sees', description: 'Seen by a viewer.' })).status).toBe(201);
    const page = await signedIn(users.vera.key);
    await open(page, 'IP allow lists');
    await page
      .getByRole('table', { name: 'IP allow lists' })
      .getByRole('row', { name: /vera-sees/ })
      .waitFor();
    expect(await page.getByRole('button', { name: /^(Delete|Edit)/ }).count()).toBe(0);
    await open(page, 'Scopes');
    await page
      .getByRole('table', { name: 'Scopes' })
      .getByRole('row', { name: /vera\.sees/ })
      .waitFor();
    expect(await page.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
  });

  test('the confirmation and the edit dialog by keyboard alone: Escape cancels, Enter confirms', async () => {
    expect((await api('POST', '/v1/scopes', { name: 'keyboard.gone', description: 'Deleted by keyboard.' })).status).toBe(201);
    expect((await api('POST', '/v1/service-accounts', { name: 'keyboard-bot' })).status).toBe(201);
    const page = await signedIn();
    await open(page, 'Scopes');
    const remove = page.getByRole('table', { name: 'Scopes' }).getByRole('button', { name: 'Delete keyboard.gone' });
    await tabTo(page, remove);
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('alertdialog', { name: 'Delete scope “keyboard.gone”?' });
    await confirm.waitFor();
    // Cancel, the harmless choice, has the focus first.
    await expect(confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect((await api('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).toContain('keyboard.gone');
    await tabTo(page, remove);
    await page.keyboard.press('Enter');
    await tabTo(page, confirm.getByRole('button', { name: 'Delete' }));
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    expect((await api('GET', '/v1/scopes')).body.scopes.map((s: { name: string }) => s.name)).not.toContain('keyboard.gone');

    await open(page, 'Service accounts');
    await tabTo(page, page.getByRole('button', { name: 'keyboard-bot', exact: true }));
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: 'Service Account Details' });
    await tabTo(page, sheet.getByRole('button', { name: 'Edit', exact: true }));
    await page.keyboard.press('Enter');
    const edit = page.getByRole('dialog', { name: 'Edit Service Account “keyboard-bot”' });
    await tabTo(page, edit.getByRole('textbox', { name: 'Description' }));
    await page.keyboard.type('typed, never clicked');
    await tabTo(page, edit.getByRole('button', { name: 'Save' }));
    await page.keyboard.press('Enter');
    await edit.waitFor({ state: 'detached' });
    expect((await accountNamed('keyboard-bot')).description).toBe('typed, never clicked');
  });
});

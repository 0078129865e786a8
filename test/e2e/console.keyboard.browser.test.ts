/**
 * Signing in and creating a key with the keyboard alone: Tab to move, Space and Enter to press, arrow keys within a choice.
 * The test never clicks; it finds each control by role and accessible name, as a screen reader does, and only
 * checks that Tab has brought focus to it before pressing a key.
 */
import type { Locator, Page } from 'playwright-core';
import { describeBrowser } from '../helpers/browser';
import { useConsole } from '../helpers/console-browser';

describeBrowser('the console by keyboard alone', () => {
  const { svc, api, verify, newPage } = useConsole();

  /** Presses Tab until `target` has the focus; fails if it never comes (a control Tab cannot reach). */
  async function tabTo(page: Page, target: Locator, most = 80) {
    for (let i = 0; i < most; i++) {
      if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab did not reach ${target}`);
  }

  test('Create API Key with Tab, Space, Enter and the arrow keys', async () => {
    expect((await api('POST', '/v1/scopes', { name: 'reports.read', description: 'Read reports' })).status).toBe(201);
    const office = await api('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24'] });
    const { page } = await newPage();
    await page.goto(`${svc().endpoint}/`);
    await tabTo(page, page.getByLabel('API key'));
    await page.keyboard.type(svc().adminKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();

    await tabTo(page, page.getByRole('button', { name: 'Create API Key' }));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.waitFor();
    await tabTo(page, dialog.getByRole('textbox', { name: 'Name', exact: true }));
    await page.keyboard.type('keyboard-made');
    await tabTo(page, dialog.getByRole('textbox', { name: 'Description' }));
    await page.keyboard.type('typed, never clicked');

    const role = dialog.getByRole('combobox', { name: 'Role' });
    await tabTo(page, role);
    expect(await role.inputValue()).toBe('viewer');
    await page.keyboard.press('ArrowUp');
    expect(await role.inputValue()).toBe('developer');

    await tabTo(page, dialog.getByRole('checkbox', { name: 'reports.read' }));
    await page.keyboard.press('Space');
    await tabTo(page, dialog.getByRole('checkbox', { name: 'Never expire' }));
    await page.keyboard.press('Space');
    // A radio group is one Tab stop; the arrow keys choose within it.
    await tabTo(page, dialog.getByRole('radio', { name: 'Allow all IP addresses' }));
    await page.keyboard.press('ArrowDown');
    expect(await dialog.getByRole('radio', { name: 'Restrict to trusted IP addresses only' }).isChecked()).toBe(true);
    await tabTo(page, dialog.getByRole('group', { name: 'Select IP Allow List' }).getByRole('checkbox', { name: 'office' }));
    await page.keyboard.press('Space');
    await tabTo(page, dialog.getByRole('button', { name: 'Generate Key' }));
    await page.keyboard.press('Enter');

    const shown = page.getByRole('dialog', { name: 'API key “keyboard-made” created' });
    await shown.waitFor();
    await tabTo(page, shown.getByRole('button', { name: 'Copy' }));
    await page.keyboard.press('Enter');
    await shown.getByText('Copied to the clipboard.').waitFor();
    const secret = await page.evaluate<string>('navigator.clipboard.readText()');
    await tabTo(page, shown.getByRole('button', { name: 'Done' }));
    await page.keyboard.press('Enter');
    await shown.waitFor({ state: 'detached' });

    await expect(verify(secret, '203.0.113.9')).resolves.toMatchObject({
      valid: true,
      name: 'keyboard-made',
      role: 'developer',
      scopes: ['reports.read'],
      expires_at: null,
    });
    const made = (await api('GET', '/v1/api-keys?name_prefix=keyboard-made')).body.api_keys;
    expect(made[0]).toMatchObject({ description: 'typed, never clicked', allow_list_ids: [office.body.id] });
  });
});

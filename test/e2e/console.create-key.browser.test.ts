/**
 * The Create API Key dialog in a real browser with every option: the owner (yourself or only the service
 * accounts you may manage), role, scopes from the catalogue, an expiry, an IP allow list, and the three places
 * a secret may go: shown once, written to a secret-store entry (never shown), or encrypted to a PGP key (only
 * the armored message shown). Each refusal of the API appears next to the control it names.
 */
import type { Page } from 'playwright-core';
import { describeBrowser } from '../helpers/browser';
import { useConsole } from '../helpers/console-browser';
import { pgpDecrypt, pgpKeyPair } from '../helpers/pgp';

describeBrowser('Create API Key in Chromium', () => {
  const { api, verify, newPage, signIn } = useConsole();

  /** A developer who owns one service account and manages another, and a third account that is someone else's. */
  async function developerWithAccounts() {
    const dana = await api('POST', '/v1/users', { email: `dana-${Date.now()}@example.com`, name: 'Dana Developer', role: 'developer' });
    const other = await api('POST', '/v1/users', { email: `olga-${Date.now()}@example.com`, name: 'Olga Other', role: 'developer' });
    const key = await api('POST', '/v1/api-keys', { name: 'dana key', user_id: dana.body.id, role: 'developer' });
    const deploy = await api('POST', '/v1/service-accounts', { name: 'deploy-bot', role: 'developer', owner_user_id: dana.body.id });
    const managed = await api('POST', '/v1/service-accounts', {
      name: 'report-bot',
      role: 'viewer',
      owner_user_id: other.body.id,
      manager_user_ids: [dana.body.id],
    });
    const foreign = await api('POST', '/v1/service-accounts', { name: 'billing-bot', role: 'developer', owner_user_id: other.body.id });
    for (const made of [dana, other, key, deploy, managed, foreign]) expect(made.status).toBe(201);
    return { secret: key.body.secret as string, deploy: deploy.body, managed: managed.body };
  }

  async function openCreate(page: Page) {
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.waitFor();
    return dialog;
  }

  test('every option: a service account you own, a scope, an expiry, an IP allow list, the secret into a secret-store entry', async () => {
    const dana = await developerWithAccounts();
    expect((await api('POST', '/v1/scopes', { name: 'orders.read', description: 'Read orders' })).status).toBe(201);
    const office = await api('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24'] });
    expect(office.status).toBe(201);
    // A secret of the service account Dana owns (hers to write), and the admin's own (not hers).
    const vault = await api('POST', '/v1/secrets', { name: 'deploy-vault', service_account_id: dana.deploy.id }, dana.secret);
    expect(vault.status).toBe(201);
    expect((await api('POST', '/v1/secrets', { name: 'admin-vault' })).status).toBe(201);

    const { page } = await newPage();
    await signIn(page, dana.secret);
    const dialog = await openCreate(page);
    await dialog.getByLabel('Name', { exact: true }).fill('deploy-pipeline');
    await dialog.getByLabel('Description').fill('CI deploys');
    const owner = dialog.getByLabel('Owner');
    // The choices arrive from the API after the dialog opens.
    await owner.locator('option', { hasText: 'deploy-bot' }).waitFor({ state: 'attached' });
    // Yourself and the accounts Dana owns or manages; not billing-bot, which is someone else's.
    await expect(owner.locator('option').allTextContents()).resolves.toEqual([
      'Yourself (Dana Developer)',
      'deploy-bot (service account, developer)',
      'report-bot (service account, viewer)',
    ]);
    // No role above Dana's own.
    expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual(['developer', 'viewer']);
    await owner.selectOption({ label: 'report-bot (service account, viewer)' });
    // Nor above the account's.
    expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual(['viewer']);
    await owner.selectOption({ label: 'deploy-bot (service account, developer)' });
    await dialog.getByLabel('Role').selectOption('developer');
    await dialog.getByRole('checkbox', { name: 'orders.read' }).check();
    await dialog.getByLabel('Expires at').fill('2099-12-31T23:30');
    await dialog.getByRole('radio', { name: 'Restrict to trusted IP addresses only' }).check();
    await dialog.getByRole('group', { name: 'Select IP Allow List' }).getByRole('checkbox', { name: 'office' }).check();
    await dialog.getByRole('radio', { name: 'Write it to a secret-store entry' }).check();
    // Only the secrets Dana may write are offered.
    const secretChoice = dialog.getByLabel('Secret', { exact: true });
    await expect(secretChoice.locator('option').allTextContents()).resolves.toEqual(['Choose a secret…', `deploy-vault (${vault.body.id})`]);
    await secretChoice.selectOption(vault.body.id);
    await dialog.getByLabel('Entry name (optional)').fill('ci_key');
    await dialog.getByRole('button', { name: 'Generate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “deploy-pipeline” created' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(/written to secret deploy-vault \(sec_\w+\), entry ci_key, version 1/);
    expect(await shown.getByRole('textbox').count()).toBe(0);

    const entries = await api('GET', `/v1/secrets/${vault.body.id}/versions/latest`);
    expect(entries.status).toBe(200);
    const secret = entries.body.entries.ci_key as string;
    expect(secret).toMatch(/^kp_[0-9A-Za-z]{39}$/);
    expect(await page.content()).not.toContain(secret);
    const expected = await page.evaluate<string>(`new Date('2099-12-31T23:30').toISOString()`);
    await expect(verify(secret, '203.0.113.7')).resolves.toMatchObject({
      valid: true,
      name: 'deploy-pipeline',
      owner_type: 'service_account',
      owner_id: dana.deploy.id,
      role: 'developer',
      scopes: ['orders.read'],
      expires_at: expected,
    });
    await expect(verify(secret, '198.51.100.1')).resolves.toMatchObject({ valid: false, reason: 'ip_not_allowed' });
    const made = (await api('GET', '/v1/api-keys?name_prefix=deploy-pipeline')).body.api_keys;
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ description: 'CI deploys', allow_list_ids: [office.body.id] });
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
  });

  test('encrypted to a PGP key: only the armored message is shown, and it decrypts to a key that verifies', async () => {
    const pair = await pgpKeyPair();
    const { page } = await newPage();
    await signIn(page);
    const dialog = await openCreate(page);
    await dialog.getByLabel('Name', { exact: true }).fill('pgp-delivered');
    await dialog.getByRole('radio', { name: 'Encrypt it to a PGP key' }).check();
    await dialog.getByLabel('PGP public key').fill(pair.publicKey);
    await dialog.getByRole('button', { name: 'Generate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “pgp-delivered” created' });
    const message = await shown.getByRole('textbox', { name: 'Encrypted API key' }).inputValue();
    expect(message).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(message);
    const secret = await pgpDecrypt(message, pair.privateKey);
    expect(secret).toMatch(/^kp_[0-9A-Za-z]{39}$/);
    expect(await page.content()).not.toContain(secret);
    await expect(verify(secret)).resolves.toMatchObject({ valid: true, name: 'pgp-delivered' });
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain('BEGIN PGP MESSAGE');
  });

  test('each refusal of the API is shown next to the control it names, and no key is made', async () => {
    const { page } = await newPage();
    await signIn(page);
    const dialog = await openCreate(page);
    const destination = dialog.getByRole('group', { name: 'Where the secret goes' });
    await dialog.getByLabel('Name', { exact: true }).fill('refused');

    await destination.getByRole('radio', { name: 'Encrypt it to a PGP key' }).check();
    await dialog.getByLabel('PGP public key').fill('not a key');
    await dialog.getByRole('button', { name: 'Generate Key' }).click();
    await expect(destination.getByRole('alert').textContent()).resolves.toMatch(/^delivery\.pgp_public_key could not be read as an OpenPGP public key/);
    expect(await dialog.getByRole('alert').count()).toBe(1);
    // The control itself is marked, and a screen reader reads the refusal with it.
    const pgpField = dialog.getByLabel('PGP public key');
    expect(await pgpField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await pgpField.getAttribute('aria-describedby'))!.split(' ');
    expect(await destination.getByRole('alert').getAttribute('id')).toBe(describedBy[describedBy.length - 1]);

    const vault = await api('POST', '/v1/secrets', { name: 'refusal-vault' });
    // Reopened, so the new secret is among the choices.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const again = await openCreate(page);
    const destinationAgain = again.getByRole('group', { name: 'Where the secret goes' });
    await again.getByLabel('Name', { exact: true }).fill('refused');
    await again.getByRole('radio', { name: 'Write it to a secret-store entry' }).check();
    await again.getByLabel('Secret', { exact: true }).selectOption(vault.body.id);
    await again.getByLabel('Entry name (optional)').fill('not allowed!');
    await again.getByRole('button', { name: 'Generate Key' }).click();
    await expect(destinationAgain.getByRole('alert').textContent()).resolves.toMatch(/delivery\.secret_store\.entry_key/);
    expect(await again.getByLabel('Entry name (optional)').getAttribute('aria-invalid')).toBe('true');

    // A restriction with no allow list chosen is caught before it is sent, at the allow lists.
    await again.getByRole('radio', { name: 'Show it here, once' }).check();
    await again.getByRole('radio', { name: 'Restrict to trusted IP addresses only' }).check();
    await again.getByRole('button', { name: 'Generate Key' }).click();
    await expect(again.getByRole('group', { name: 'IP address access' }).getByRole('alert').textContent()).resolves.toMatch(/at least one IP allow list/);

    expect((await api('GET', '/v1/api-keys?name_prefix=refused')).body.api_keys).toEqual([]);
  });
});

/**
 * Rotate API Key in a real browser: the new secret shown once and read back through Copy, the old one refused
 * by verify at once or kept for an overlap, a refusal shown at the control it names, the signed-in key's own
 * rotation ending its session only after its new secret was taken, one key or one rotation however often the
 * button is pressed or the answer lost (the Idempotency-Key), no Rotate for a viewer, and a key's IP allow
 * lists by name in the details sheet.
 */
import type { Page } from 'playwright-core';
import type { ApiKey } from '../../contract/api';
import { describeBrowser } from '../helpers/browser';
import { pageTraces, useConsole } from '../helpers/console-browser';

const KEY_PATTERN = /^kp_[0-9A-Za-z]{39}$/;

describeBrowser('Rotate API Key in Chromium', () => {
  const { api, verify, newPage, signIn } = useConsole();

  /** Opens a key's details sheet from the API Keys list. */
  async function openKey(page: Page, name: string) {
    await page.getByLabel('Search by name').fill(name);
    await page.getByRole('button', { name, exact: true }).click();
    const sheet = page.getByRole('dialog', { name: 'API Key Details' });
    await sheet.waitFor();
    return sheet;
  }

  async function openRotate(page: Page, name: string) {
    const sheet = await openKey(page, name);
    await sheet.getByRole('button', { name: 'Rotate API Key' }).click();
    const dialog = page.getByRole('dialog', { name: `Rotate API key “${name}”` });
    await dialog.waitFor();
    return { sheet, dialog };
  }

  /** Copies the shown secret through Copy and reads it back from the clipboard. */
  async function copySecret(page: Page, shown: ReturnType<Page['getByRole']>): Promise<string> {
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    const secret = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(secret).toMatch(KEY_PATTERN);
    return secret;
  }

  const keyNamed = async (name: string) => {
    const found = (await api('GET', `/v1/api-keys?name_prefix=${encodeURIComponent(name)}`)).body.api_keys as ApiKey[];
    return found.filter((k) => k.name === name);
  };

  // First, while the bootstrap admin key is the only admin key: the refusal depends on it.
  test('the last admin key into the secret store with no overlap: the refusal at the overlap control, nothing rotated', async () => {
    const vault = await api('POST', '/v1/secrets', { name: 'admin-vault' });
    expect(vault.status).toBe(201);
    const { page } = await newPage();
    await signIn(page);
    const { dialog } = await openRotate(page, 'bootstrap admin key');
    // Signed in with this very key: the dialog says what stopping its secret does to the session.
    await expect(dialog.locator('#rotate-session-note').textContent()).resolves.toMatch(/signed in to this console with this key.*ends this session/);
    await dialog.getByRole('radio', { name: 'Write it to a secret-store entry' }).check();
    await dialog.getByLabel('Secret', { exact: true }).selectOption(vault.body.id);
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();

    const overlap = dialog.getByRole('group', { name: 'The current secret' });
    await expect(overlap.getByRole('alert').textContent()).resolves.toMatch(/no overlap into the secret store would leave no working admin secret/);
    expect(await dialog.getByRole('alert').count()).toBe(1);
    expect(await overlap.getByRole('radio', { name: 'Stop the current secret now' }).getAttribute('aria-invalid')).toBe('true');
    // A limit the API would refuse is caught before it is sent, at the same control.
    await overlap.getByRole('radio', { name: 'Keep it working for a while' }).check();
    await dialog.getByRole('spinbutton', { name: 'Keep it working for' }).fill('169');
    await dialog.getByLabel('Unit').selectOption('hours');
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();
    await expect(overlap.getByRole('alert').textContent()).resolves.toMatch(/at most 7 days \(168 hours\)/);
    expect(await dialog.getByRole('spinbutton', { name: 'Keep it working for' }).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    const [admin] = await keyNamed('bootstrap admin key');
    expect(admin).toMatchObject({ secret_version: 1, rotated_at: null });
    expect((await api('GET', '/v1/whoami')).status).toBe(200);
  });

  test('no overlap, shown once: the copied secret verifies, the old one is refused at once, and nothing of it is left after Done', async () => {
    const made = await api('POST', '/v1/api-keys', { name: 'rot-now', role: 'developer' });
    const old = made.body.secret as string;
    const { page } = await newPage();
    await signIn(page);
    const { sheet, dialog } = await openRotate(page, 'rot-now');
    // Not the key this session was opened with: nothing about the session.
    expect(await dialog.locator('#rotate-session-note').count()).toBe(0);
    await expect(dialog.getByRole('radio', { name: 'Stop the current secret now' }).isChecked()).resolves.toBe(true);
    await expect(dialog.getByRole('radio', { name: 'Show it here, once' }).isChecked()).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “rot-now” rotated' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(/cannot be shown again.*The previous secret no longer works\./);
    const secret = await copySecret(page, shown);
    expect(await shown.getByRole('textbox', { name: 'New API key' }).inputValue()).toBe(secret);
    await expect(verify(secret)).resolves.toMatchObject({ valid: true, name: 'rot-now', role: 'developer' });
    await expect(verify(old)).resolves.toMatchObject({ valid: false });
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    // The sheet shows the key as it is now.
    await sheet.getByText(/^2, rotated /).waitFor();
    expect(await pageTraces(page)).not.toContain(secret);
    const [rotated] = await keyNamed('rot-now');
    expect(rotated).toMatchObject({ secret_version: 2, previous_secret_expires_at: null });
  });

  test('with an overlap both secrets work until it ends; closing without copying asks first', async () => {
    const made = await api('POST', '/v1/api-keys', { name: 'rot-overlap', role: 'viewer' });
    const old = made.body.secret as string;
    const { page } = await newPage();
    await signIn(page);
    const { sheet, dialog } = await openRotate(page, 'rot-overlap');
    await dialog.getByRole('radio', { name: 'Keep it working for a while' }).check();
    await dialog.getByRole('spinbutton', { name: 'Keep it working for' }).fill('2');
    await dialog.getByLabel('Unit').selectOption('hours');
    const before = Date.now();
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “rot-overlap” rotated' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(/The previous secret keeps working until /);
    await shown.getByRole('button', { name: 'Done' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Close without copying the key?' });
    await expect(confirm.textContent()).resolves.toMatch(/rotate the key again/);
    await confirm.getByRole('button', { name: 'Go back' }).click();
    await confirm.waitFor({ state: 'detached' });
    const secret = await copySecret(page, shown);
    await expect(verify(secret)).resolves.toMatchObject({ valid: true, name: 'rot-overlap' });
    await expect(verify(old)).resolves.toMatchObject({ valid: true, name: 'rot-overlap' });
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const [rotated] = await keyNamed('rot-overlap');
    expect(rotated!.secret_version).toBe(2);
    const ends = Date.parse(rotated!.previous_secret_expires_at!);
    expect(ends).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 1000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 2 * 3600_000 + 1000);
    await sheet.getByText(/the previous secret works until/).waitFor();
    expect(await pageTraces(page)).not.toContain(secret);
  });

  test('into a secret-store entry, with an overlap: where it went is shown, never the secret, and the entry verifies', async () => {
    const made = await api('POST', '/v1/api-keys', { name: 'rot-store', role: 'viewer' });
    const vault = await api('POST', '/v1/secrets', { name: 'rot-vault' });
    expect(vault.status).toBe(201);
    const { page } = await newPage();
    await signIn(page);
    const { dialog } = await openRotate(page, 'rot-store');
    await dialog.getByRole('radio', { name: 'Keep it working for a while' }).check();
    await dialog.getByRole('spinbutton', { name: 'Keep it working for' }).fill('30');
    await dialog.getByRole('radio', { name: 'Write it to a secret-store entry' }).check();
    await dialog.getByLabel('Secret', { exact: true }).selectOption(vault.body.id);
    await dialog.getByLabel('Entry name (optional)').fill('rotated_key');
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “rot-store” rotated' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(
      /written to secret rot-vault \(sec_\w+\), entry rotated_key, version 1.*previous secret keeps working until/,
    );
    expect(await shown.getByRole('textbox').count()).toBe(0);
    const secret = (await api('GET', `/v1/secrets/${vault.body.id}/versions/latest`)).body.entries.rotated_key as string;
    expect(secret).toMatch(KEY_PATTERN);
    await expect(verify(secret)).resolves.toMatchObject({ valid: true, name: 'rot-store' });
    await expect(verify(made.body.secret)).resolves.toMatchObject({ valid: true, name: 'rot-store' });
    expect(await pageTraces(page)).not.toContain(secret);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
  });

  test('rotating the signed-in key with no overlap: the new secret is shown first, then the session ends and the new secret signs in', async () => {
    const dana = await api('POST', '/v1/users', { email: `dana-${Date.now()}@example.com`, name: 'Dana Developer', role: 'developer' });
    const key = await api('POST', '/v1/api-keys', { name: 'dana own key', user_id: dana.body.id, role: 'developer' });
    const old = key.body.secret as string;
    const { context, page } = await newPage();
    await signIn(page, old);
    const { dialog } = await openRotate(page, 'dana own key');
    const note = dialog.locator('#rotate-session-note');
    await expect(note.textContent()).resolves.toMatch(/ends this session: once you have taken the new secret, you will be signed out/);
    // With an overlap the session lasts as long as it.
    await dialog.getByRole('radio', { name: 'Keep it working for a while' }).check();
    await expect(note.textContent()).resolves.toMatch(/keeps working until the current secret stops, 60 minutes after the rotation/);
    await dialog.getByRole('radio', { name: 'Stop the current secret now' }).check();
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “dana own key” rotated' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(/It opened this console session: Done signs you out\./);
    const secret = await copySecret(page, shown);
    await expect(verify(old)).resolves.toMatchObject({ valid: false });
    await expect(verify(secret)).resolves.toMatchObject({ valid: true, name: 'dana own key' });
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByText('You rotated the key this session was signed in with').waitFor();
    await page.getByLabel('API key').waitFor();
    expect(await context.cookies()).toEqual([]);
    expect(await pageTraces(page)).not.toContain(secret);
    await signIn(page, secret);
    await page.getByText('Dana Developer · developer · key dana own key').waitFor();
  });

  test('a double-click on Generate Key makes one key, and on Rotate Key one rotation; every POST carries an Idempotency-Key', async () => {
    const { page } = await newPage();
    const sent: { url: string; key: string | undefined }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/v1\/api-keys(\/[^/]+\/rotate)?$/.test(new URL(r.url()).pathname))
        sent.push({ url: new URL(r.url()).pathname, key: r.headers()['idempotency-key'] });
    });
    await signIn(page);
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const create = page.getByRole('dialog', { name: 'Create API Key' });
    await create.getByLabel('Name', { exact: true }).fill('double-click');
    await create.getByLabel('Role').selectOption('viewer');
    await create.getByRole('button', { name: 'Generate Key' }).dblclick();
    const created = page.getByRole('dialog', { name: 'API key “double-click” created' });
    await copySecret(page, created);
    await created.getByRole('button', { name: 'Done' }).click();
    await created.waitFor({ state: 'detached' });
    expect(await keyNamed('double-click')).toHaveLength(1);

    const { dialog } = await openRotate(page, 'double-click');
    await dialog.getByRole('button', { name: 'Rotate Key' }).dblclick();
    const rotated = page.getByRole('dialog', { name: 'API key “double-click” rotated' });
    await copySecret(page, rotated);
    await rotated.getByRole('button', { name: 'Done' }).click();
    const [key] = await keyNamed('double-click');
    expect(key).toMatchObject({ secret_version: 2 });

    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const s of sent) expect(s.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // One per dialog opening: the create's and the rotation's differ.
    expect(new Set(sent.map((s) => s.key)).size).toBe(new Set(sent.map((s) => s.url)).size);
  });

  test('an answer lost on the way: trying again makes no second key and no second rotation, and says the secret cannot be shown', async () => {
    const { page } = await newPage();
    await signIn(page);
    // The first POST reaches the service, which commits; its answer never reaches the page.
    let dropped = 0;
    await page.route(/\/v1\/api-keys(\/[^/]+\/rotate)?$/, async (route) => {
      if (route.request().method() !== 'POST' || dropped > 0) return route.continue();
      dropped++;
      const res = await route.fetch();
      expect(res.status()).toBeLessThan(300);
      return route.abort('connectionreset');
    });

    await page.getByRole('button', { name: 'Create API Key' }).click();
    const create = page.getByRole('dialog', { name: 'Create API Key' });
    await create.getByLabel('Name', { exact: true }).fill('lost-answer');
    await create.getByLabel('Role').selectOption('viewer');
    await create.getByRole('button', { name: 'Generate Key' }).click();
    await create.getByText('The Keyplane service could not be reached.').waitFor();
    expect(await keyNamed('lost-answer')).toHaveLength(1);
    await create.getByRole('button', { name: 'Generate Key' }).click();
    const created = page.getByRole('dialog', { name: 'API key “lost-answer” created' });
    await created.waitFor();
    expect(await keyNamed('lost-answer')).toHaveLength(1);
    await expect(created.textContent()).resolves.toMatch(/did not reach this page, and a secret is never sent twice\. Rotate the key/);
    expect(await created.getByRole('textbox').count()).toBe(0);
    await created.getByRole('button', { name: 'Done' }).click();
    await created.waitFor({ state: 'detached' });

    dropped = 0;
    const { dialog } = await openRotate(page, 'lost-answer');
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();
    await dialog.getByText('The Keyplane service could not be reached.').waitFor();
    await dialog.getByRole('button', { name: 'Rotate Key' }).click();
    const rotated = page.getByRole('dialog', { name: 'API key “lost-answer” rotated' });
    await expect(rotated.textContent()).resolves.toMatch(/Rotate the key again to get a secret you can see/);
    const [key] = await keyNamed('lost-answer');
    expect(key).toMatchObject({ secret_version: 2 });
  });

  test('a viewer sees a key’s details without Rotate API Key', async () => {
    const vera = await api('POST', '/v1/users', { email: `vera-${Date.now()}@example.com`, name: 'Vera Viewer', role: 'viewer' });
    const key = await api('POST', '/v1/api-keys', { name: 'vera key', user_id: vera.body.id, role: 'viewer' });
    const { page } = await newPage();
    await signIn(page, key.body.secret);
    const sheet = await openKey(page, 'vera key');
    await sheet.getByText('viewer', { exact: true }).first().waitFor();
    expect(await sheet.getByRole('button', { name: 'Rotate API Key' }).count()).toBe(0);
    expect(await sheet.getByRole('button', { name: 'Revoke API Key' }).count()).toBe(0);
  });

  test('the details sheet names a key’s IP allow lists, and shows the id of one it cannot read', async () => {
    const office = await api('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['203.0.113.0/24'] });
    const vpn = await api('POST', '/v1/ip-allow-lists', { name: 'vpn', cidrs: ['198.51.100.0/24'] });
    const made = await api('POST', '/v1/api-keys', { name: 'fenced', role: 'viewer', allow_list_ids: [office.body.id, vpn.body.id] });
    expect(made.status).toBe(201);
    const { page } = await newPage();
    await signIn(page);
    let sheet = await openKey(page, 'fenced');
    const lists = () =>
      sheet
        .getByRole('definition')
        .filter({ has: page.getByRole('listitem') })
        .getByRole('listitem')
        .allTextContents();
    await sheet.getByText('office', { exact: true }).waitFor();
    await expect(lists()).resolves.toEqual([`office ${office.body.id}`, `vpn ${vpn.body.id}`]);

    // A list the service will not show (gone since, or not the viewer's to read): its id alone.
    await page.route(`**/v1/ip-allow-lists/${vpn.body.id}`, (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'gone' } }) }),
    );
    await sheet.getByRole('button', { name: 'Close' }).click();
    sheet = await openKey(page, 'fenced');
    await sheet.getByText('office', { exact: true }).waitFor();
    await expect(lists()).resolves.toEqual([`office ${office.body.id}`, vpn.body.id]);
  });
});

/**
 * The web console in a real browser (headless Chromium, test/helpers/browser.ts) against a real service
 * started with `keyplane server start`: sign-in by key, the API Keys list, creating a key and reading its
 * secret back through Copy, the secret gone everywhere after Done, revocation behind a confirmation that
 * names the key, and the browser security the service promises on the wire. Controls are found by role and
 * accessible name, as people using a screen reader find them.
 */
import { describeBrowser } from '../helpers/browser';
import { keyplane } from '../helpers/cli';
import { pageTraces, useConsole } from '../helpers/console-browser';

describeBrowser('the web console in Chromium', () => {
  const { svc, api, verify, newPage, signIn } = useConsole();

  test('the page and the session cookie carry the browser security on the wire', async () => {
    const { context, page } = await newPage();
    const res = await page.goto(`${svc().endpoint}/`);
    const csp = res!.headers()['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res!.headers()['x-content-type-options']).toBe('nosniff');

    await page.getByLabel('API key').fill(svc().adminKey);
    const [signedIn, list] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/console/sessions')),
      page.waitForResponse((r) => r.url().includes('/v1/api-keys?')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(signedIn.status()).toBe(201);
    expect(signedIn.headers()['cache-control']).toBe('no-store');
    expect(await signedIn.headerValue('set-cookie')).toMatch(/^keyplane_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    const cookies = await context.cookies();
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }))).toEqual([
      { name: 'keyplane_session', httpOnly: true, sameSite: 'Strict', path: '/' },
    ]);
    // HttpOnly: no script of the page can read it.
    expect(await page.evaluate('document.cookie')).toBe('');
    // The key pasted to sign in is nowhere on the page once signed in.
    expect(await page.content()).not.toContain(svc().adminKey);
    // The API answers the console reads are per caller and never cached either.
    expect(list.status()).toBe(200);
    expect(list.headers()['cache-control']).toBe('no-store');
  });

  test('a cross-origin POST with the session cookie is refused; the same POST from the console goes through', async () => {
    const { context, page } = await newPage();
    await signIn(page);
    // context.request carries the browser context's cookies: the session cookie rides along.
    const attack = await context.request.post(`${svc().endpoint}/v1/api-keys`, {
      data: { name: 'forged' },
      headers: { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(attack.status()).toBe(403);
    expect((await attack.json()).error.code).toBe('permission_denied');
    const same = await context.request.post(`${svc().endpoint}/v1/api-keys`, {
      data: { name: 'from the console origin' },
      headers: { origin: svc().endpoint, 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status()).toBe(201);
    const forged = await api('GET', '/v1/api-keys?name_prefix=forged');
    expect(forged.body.api_keys).toEqual([]);
  });

  test('the list shows each key’s columns, filters by status, searches by name and pages', async () => {
    for (let i = 0; i < 27; i++) expect((await api('POST', '/v1/api-keys', { name: `batch-${String(i).padStart(2, '0')}` })).status).toBe(201);
    const gone = await api('POST', '/v1/api-keys', { name: 'gone-key', expires_at: '2099-01-01T00:00:00Z' });
    expect((await api('POST', `/v1/api-keys/${gone.body.api_key.id}/revoke`, { reason: 'test' })).status).toBe(200);
    const { page } = await newPage();
    await signIn(page);
    const table = page.getByRole('table', { name: 'API keys' });
    await table.waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(
      expect.arrayContaining(['Name', 'Status', 'Owner', 'Created by', 'Created', 'Last used', 'Expires']),
    );
    // Newest created first: the last key made heads the first page. Owner and creator by name, not id; no expiry reads Never.
    const newest = table.getByRole('row', { name: /batch-26/ });
    await expect(newest.getByRole('cell').allTextContents()).resolves.toEqual(expect.arrayContaining(['active', 'Administrator', 'Never']));

    // The names in the table once it shows `want` (a filter's answer arrives after the typing that asked for it).
    const names = () => table.locator('tbody th').allTextContents();
    async function showing(want: string[]) {
      for (let i = 0; i < 100 && JSON.stringify(await names()) !== JSON.stringify(want); i++) await page.waitForTimeout(50);
      expect(await names()).toEqual(want);
    }
    const batch = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `batch-${String(from + i).padStart(2, '0')}`);

    // Newest created first.
    await page.getByLabel('Search by name').fill('batch-');
    await showing(batch(2, 26).reverse());
    await page.getByRole('button', { name: 'Next page' }).click();
    await showing(batch(0, 1).reverse());
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await showing(batch(2, 26).reverse());

    await page.getByLabel('Search by name').fill('');
    await page.getByLabel('Status').selectOption({ label: 'Revoked' });
    await showing(['gone-key']);
    await page.getByLabel('Status').selectOption({ label: 'All' });
    await page.getByLabel('Search by name').fill('gone');
    await showing(['gone-key']);
    await page.getByLabel('Status').selectOption({ label: 'Active' });
    await page.getByText('No keys match.').waitFor();
  });

  test('Create API Key: the secret is copied from Copy, verifies, and after Done is nowhere', async () => {
    const { page } = await newPage();
    await signIn(page);
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.getByLabel('Name').fill('browser-made');
    await dialog.getByLabel('Description').fill('made in the console');
    expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual(['admin', 'developer', 'viewer']);
    await dialog.getByLabel('Role').selectOption('developer');
    await dialog.getByRole('checkbox', { name: 'Never expire' }).check();
    await dialog.getByRole('button', { name: 'Generate Key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key “browser-made” created' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(/cannot be shown again/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    const secret = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(secret).toMatch(/^kp_[0-9A-Za-z]{39}$/);
    expect(await shown.getByRole('textbox', { name: 'New API key' }).inputValue()).toBe(secret);
    await expect(verify(secret)).resolves.toMatchObject({ valid: true, name: 'browser-made', role: 'developer' });

    const traces = () => pageTraces(page);
    // While shown, the search below finds it: its not finding it afterwards means something.
    expect(await traces()).toContain(secret);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    // The list runs oldest first (the API's order) and earlier tests made many keys: search for the new one.
    await page.getByLabel('Search by name').fill('browser-made');
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /browser-made/ });
    await row.waitFor();
    await expect(row.getByRole('cell').allTextContents()).resolves.toContain('Never');

    expect(await traces()).not.toContain(secret);
    // Reopened, the key shows every field but its secret.
    await page.getByRole('button', { name: 'browser-made', exact: true }).click();
    await page.getByRole('dialog', { name: 'API Key Details' }).waitFor();
    expect(await traces()).not.toContain(secret);
    await page.reload();
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    expect(await traces()).not.toContain(secret);
  });

  test('closing a new key without copying it asks first', async () => {
    const { page } = await newPage();
    await signIn(page);
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.getByLabel('Name').fill('not-copied');
    await dialog.getByRole('button', { name: 'Generate Key' }).click();
    const shown = page.getByRole('dialog', { name: 'API key “not-copied” created' });
    await shown.getByRole('button', { name: 'Done' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Close without copying the key?' });
    await confirm.getByRole('button', { name: 'Go back' }).click();
    await confirm.waitFor({ state: 'detached' });
    await shown.getByRole('button', { name: 'Done' }).click();
    await confirm.getByRole('button', { name: 'Close anyway' }).click();
    await shown.waitFor({ state: 'detached' });
    // The key exists, with the expiry the dialog proposed (not Never).
    const made = (await api('GET', '/v1/api-keys?name_prefix=not-copied')).body.api_keys;
    expect(made).toHaveLength(1);
    expect(made[0].expires_at).not.toBeNull();
  });

  test('Revoke API Key asks with the key’s name, and verify refuses the key at once', async () => {
    const made = await api('POST', '/v1/api-keys', { name: 'to-revoke' });
    const secret = made.body.secret as string;
    await expect(verify(secret)).resolves.toMatchObject({ valid: true });
    const { page } = await newPage();
    await signIn(page);
    await page.getByLabel('Search by name').fill('to-revoke');
    await page.getByRole('button', { name: 'to-revoke', exact: true }).click();
    const sheet = page.getByRole('dialog', { name: 'API Key Details' });
    await sheet.getByRole('button', { name: 'Revoke API Key' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke API key “to-revoke”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect(verify(secret)).resolves.toMatchObject({ valid: true });
    await sheet.getByRole('button', { name: 'Revoke API Key' }).click();
    await confirm.getByLabel('Reason (optional)').fill('left the team');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect(verify(secret)).resolves.toMatchObject({ valid: false, reason: 'revoked' });
    await sheet.getByText('left the team').waitFor();
    expect(await sheet.getByRole('button', { name: 'Revoke API Key' }).count()).toBe(0);
  });

  test('a viewer sees the keys and no button to create or revoke', async () => {
    const user = await api('POST', '/v1/users', { email: 'viewer@example.com', name: 'Vera Viewer', role: 'viewer' });
    const key = await api('POST', '/v1/api-keys', { name: 'vera key', user_id: user.body.id, role: 'viewer' });
    const { page } = await newPage();
    await signIn(page, key.body.secret);
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create API Key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
  });

  test('a one-time sign-in link signs the browser in as the key that asked for it, once', async () => {
    const user = await api('POST', '/v1/users', { email: 'dev@example.com', name: 'Dana Developer', role: 'developer' });
    const key = await api('POST', '/v1/api-keys', { name: 'dana key', user_id: user.body.id, role: 'developer' });
    const link = await api('POST', '/v1/console/sign-in-links', {}, key.body.secret);
    expect(link.status).toBe(201);
    const { page } = await newPage();
    await page.goto(`${svc().endpoint}${link.body.path}`);
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    await page.getByText('Dana Developer · developer · key dana key').waitFor();
    // The token left the address bar at once.
    expect(page.url()).toBe(`${svc().endpoint}/`);
    const second = await newPage();
    await second.page.goto(`${svc().endpoint}${link.body.path}`);
    await second.page.getByText(/already used or expired/).waitFor();
    await second.page.getByLabel('API key').waitFor();
  });

  test('keyplane console prints a link that signs the browser in as the CLI’s key', async () => {
    const res = keyplane(['console', '-o', 'json'], svc().env);
    expect(res.status).toBe(0);
    const { url, expires_at } = JSON.parse(res.stdout);
    expect(url).toMatch(new RegExp(`^${svc().endpoint}/#sign-in=[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(expires_at) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    const { page } = await newPage();
    await page.goto(url);
    await page.getByText('Administrator · admin · key bootstrap admin key').waitFor();
    const table = keyplane(['console'], svc().env);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${svc().endpoint}/#sign-in=[A-Za-z0-9_-]{43}\n$`));
    expect(table.stderr).toMatch(/signs in once/);
  });

  test('sign-out ends the session: the cookie no longer opens anything', async () => {
    const { context, page } = await newPage();
    await signIn(page);
    const [cookie] = await context.cookies();
    const whoami = () => fetch(`${svc().endpoint}/v1/whoami`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect((await whoami()).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(await context.cookies()).toEqual([]);
    // Ended on the service, not merely forgotten by the browser.
    expect((await whoami()).status).toBe(401);
  });

  test('a signed-out visit asks for its session without a failed authentication; a reload keeps a signed-in one', async () => {
    const { page } = await newPage();
    const answers: string[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v1/')) answers.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${svc().endpoint}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // Nothing was refused as unauthenticated: the service audits and rate-limits those (failed authentications).
    expect(answers).toEqual(['404 /v1/console/session']);
    await page.getByLabel('API key').fill(svc().adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    answers.length = 0;
    await page.reload();
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    // (Answers to the page before the reload may still arrive: only the order of these two matters.)
    expect(answers).toEqual(expect.arrayContaining(['200 /v1/console/session', '200 /v1/whoami']));
    expect(answers.indexOf('200 /v1/console/session')).toBeLessThan(answers.indexOf('200 /v1/whoami'));
    expect(answers.filter((a) => a.startsWith('401'))).toEqual([]);
  });
});

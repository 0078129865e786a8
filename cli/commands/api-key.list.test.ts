/**
 * `keyplane api-key list`, `api-key list-scopes`, `--service-account-name` and the JSON shape of
 * `api-key create`, run in process against a real service over HTTP: what someone following the CLI flow
 * relies on.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/helpers/cli-in-process';
import { type HttpService, startHttpService } from '../../test/helpers/service';

let svc: HttpService;
let dir: string;
beforeAll(async () => {
  svc = await startHttpService();
  dir = mkdtempSync(join(tmpdir(), 'keyplane-cli-list-'));
});
afterAll(() => svc.close());

/** `keyplane ARGS` as the admin, its tables fitted to `columns` (stdout is not a terminal here). */
const kp = (args: string[], columns = '100') => runCli(svc.endpoint, svc.adminKey, args, { COLUMNS: columns });
const SECRET_SHAPE = /kp_[0-9A-Za-z]{39}/;

describe('api-key list', () => {
  const LONG = 'nightly-warehouse-export-to-the-analytics-cluster-in-the-secondary-region';
  let sa: { id: string; name: string };
  let used: { id: string; secret: string };
  let long: { id: string };
  beforeAll(async () => {
    sa = (await svc.call('POST', '/v1/service-accounts', { name: 'reporting-batch-jobs', role: 'developer' })).body;
    const created = JSON.parse(
      (await kp(['api-key', 'create', '--name', 'used-key', '--service-account', sa.id, '--expires-at', '2099-01-01T00:00:00Z', '-o', 'json'])).stdout,
    );
    used = { id: created.api_key.id, secret: created.secret };
    expect((await svc.call('GET', '/v1/whoami', undefined, used.secret)).status).toBe(200);
    long = JSON.parse((await kp(['api-key', 'create', '--name', LONG, '--service-account', sa.id, '-o', 'json'])).stdout).api_key;
  });

  test('the table has the columns the console shows, with names, relative dates and Never, in 100 columns', async () => {
    const res = await kp(['api-key', 'list', '--service-account', sa.id]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+OWNER\s+CREATED BY\s+CREATED\s+LAST USED\s+EXPIRES$/);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    const row = (id: string) => lines.find((l) => l.startsWith(id))!;
    // The owner is the service account by name, the creator the admin by email; times are relative.
    expect(row(used.id)).toMatch(/^key_\w{20}\s+used-key\s+active\s+reporti\S*\s+admin@\S*\s+(now|\d+s ago)\s+(now|\d+s ago)(\s+from \S+)?\s+in \d+y$/);
    expect(row(long.id)).toMatch(/\s+Never\s+Never$/);
    // The long name is cut with an ellipsis; the id never is.
    expect(row(long.id)).toMatch(new RegExp(`^${long.id}\\s+${LONG.slice(0, 5)}\\S*…\\s+active`));
    expect(res.stdout).not.toContain(LONG);
  });

  test('a wider terminal gets the last address too, and nothing cut', async () => {
    const res = await kp(['api-key', 'list', '--service-account', sa.id], '250');
    expect(res.stdout).toMatch(
      new RegExp(
        `^${used.id}\\s+used-key\\s+active\\s+reporting-batch-jobs\\s+admin@example\\.com\\s+(now|\\d+s ago)\\s+(now|\\d+s ago) from 127\\.0\\.0\\.1\\s+in \\d+y$`,
        'm',
      ),
    );
    expect(res.stdout).toContain(LONG);
    expect(res.stdout).not.toContain('…');
  });

  test('-o wide shows every column in full: ids, exact times, the address, role, prefix', async () => {
    const res = await kp(['api-key', 'list', '--service-account', sa.id, '-o', 'wide']);
    expect(res.code).toBe(0);
    const [head, ...rows] = res.stdout.trimEnd().split('\n');
    expect(head).toMatch(
      /^ID\s+NAME\s+STATUS\s+ROLE\s+OWNER\s+OWNER ID\s+CREATED BY\s+CREATED BY ID\s+CREATED\s+LAST USED\s+LAST USED FROM\s+EXPIRES\s+PREFIX\s+SCOPES\s+LABELS$/,
    );
    expect(res.stdout).toContain(LONG);
    const usedRow = rows.find((l) => l.startsWith(used.id))!;
    expect(usedRow).toContain(sa.id);
    expect(usedRow).toContain(svc.adminUserId);
    expect(usedRow).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\s+127\.0\.0\.1\s+2099-01-01T00:00:00\.000Z\s+kp_/);
    expect(rows.find((l) => l.startsWith(long.id))).toMatch(/\sNever\s+-\s+Never\s/);
  });

  test('-o json still prints the API objects, every field', async () => {
    const keys = JSON.parse((await kp(['api-key', 'list', '--service-account', sa.id, '-o', 'json'])).stdout);
    expect(keys.find((k: { id: string }) => k.id === used.id)).toMatchObject({
      created_by: svc.adminUserId,
      last_used_ip: '127.0.0.1',
      expires_at: '2099-01-01T00:00:00.000Z',
    });
  });

  test('--service-account-name lists the keys of the account with that name', async () => {
    const res = await kp(['api-key', 'list', '--service-account-name', 'reporting-batch-jobs', '-o', 'json']);
    expect(res.code).toBe(0);
    expect(
      JSON.parse(res.stdout)
        .map((k: { id: string }) => k.id)
        .sort(),
    ).toEqual([used.id, long.id].sort());
  });
});

describe('api-key list --sort', () => {
  let sa: { id: string };
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    sa = (await svc.call('POST', '/v1/service-accounts', { name: 'sorted-by-expiry', role: 'viewer' })).body;
    // Made in this order on purpose: neither expiry order is the creation order.
    for (const [name, expires] of [
      ['mid', '2099-06-01T00:00:00Z'],
      ['never', undefined],
      ['late', '2099-12-01T00:00:00Z'],
      ['soon', '2099-01-01T00:00:00Z'],
    ] as const) {
      const args = ['api-key', 'create', '--name', name, '--service-account', sa.id, '-o', 'json', ...(expires ? ['--expires-at', expires] : [])];
      ids[name] = JSON.parse((await kp(args)).stdout).api_key.id;
    }
  });
  const listed = async (...args: string[]) => {
    const res = await kp(['api-key', 'list', '--service-account', sa.id, '-o', 'json', ...args]);
    expect([res.code, res.stderr]).toEqual([0, '']);
    return (JSON.parse(res.stdout) as { name: string }[]).map((k) => k.name);
  };

  test('orders by the date asked, either way, keys that never expire last', async () => {
    expect(await listed('--sort', 'expires_at')).toEqual(['soon', 'mid', 'late', 'never']);
    expect(await listed('--sort=-expires_at')).toEqual(['late', 'mid', 'soon', 'never']);
    expect(await listed('--sort', '-created_at')).toEqual(['soon', 'late', 'never', 'mid']);
    expect(await listed()).toEqual(['mid', 'never', 'late', 'soon']);
  });

  test('--all follows every page in that order', async () => {
    expect(await listed('--sort', '-expires_at', '--page-size', '1', '--all')).toEqual(['late', 'mid', 'soon', 'never']);
  });

  test('a page token continues its sort, and is refused without it', async () => {
    const first = await kp(['api-key', 'list', '--service-account', sa.id, '-o', 'json', '--sort', 'expires_at', '--page-size', '2']);
    const token = /--page-token (\S+)/.exec(first.stderr)?.[1] ?? '';
    expect(await listed('--sort', 'expires_at', '--page-size', '2', '--page-token', token)).toEqual(['late', 'never']);
    const without = await kp(['api-key', 'list', '--service-account', sa.id, '--page-token', token]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/page_token.*another order/);
  });

  test('an order that is not one of the six is a usage error listing them', async () => {
    const res = await kp(['api-key', 'list', '--sort', 'name']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--sort.*name.*created_at, -created_at, last_used_at, -last_used_at, expires_at, -expires_at/s);
  });
});

describe('--service-account-name', () => {
  test('api-key create makes the key for the account with that name', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'deployer-by-name', role: 'developer' })).body;
    const res = await kp(['api-key', 'create', '--name', 'by-name', '--service-account-name', 'deployer-by-name', '-o', 'json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).api_key).toMatchObject({ owner_type: 'service_account', service_account_id: sa.id });
  });

  test.each([[['api-key', 'create', '--name', 'nobody-key']], [['api-key', 'list']]])(
    '%j with a name no account has fails, naming the flag, and makes nothing',
    async (args) => {
      const before = (await svc.client.listApiKeys({ page_size: 200 })).items.length;
      const res = await kp([...args, '--service-account-name', 'no-such-account']);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^error: --service-account-name "no-such-account": no service account has this name/);
      expect((await svc.client.listApiKeys({ page_size: 200 })).items.length).toBe(before);
    },
  );

  test.each([
    [
      ['api-key', 'create', '--name', 'both', '--service-account', 'sa_x', '--service-account-name', 'x'],
      /--service-account-name.*cannot be used with.*--service-account /,
    ],
    [['api-key', 'create', '--name', 'both', '--user', 'usr_x', '--service-account-name', 'x'], /--service-account-name.*cannot be used with.*--user/],
    [['api-key', 'list', '--service-account', 'sa_x', '--service-account-name', 'x'], /--service-account-name.*cannot be used with.*--service-account /],
  ])('%j is a usage error naming both flags', async (args, message) => {
    const res = await kp(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});

test('api-key list-scopes prints what scopes list prints, in every format', async () => {
  for (const format of ['table', 'json', 'yaml']) {
    const alias = await kp(['api-key', 'list-scopes', '-o', format]);
    const scopes = await kp(['scopes', 'list', '-o', format]);
    expect(alias.code).toBe(0);
    expect(alias.stdout).toBe(scopes.stdout);
  }
  expect((await kp(['api-key', 'list-scopes'])).stdout).toMatch(/^keyplane\.keys\.verify\s+true\s/m);
});

describe('api-key create -o json has one shape wherever the secret goes', () => {
  test('printed: the API answer with its secret; --secret-file: the same without it, and secret_file', async () => {
    const printed = await kp(['api-key', 'create', '--name', 'shape-printed', '-o', 'json']);
    const file = join(dir, 'shape.key');
    const filed = await kp(['api-key', 'create', '--name', 'shape-file', '--secret-file', file, '-o', 'json']);
    expect([printed.code, filed.code]).toEqual([0, 0]);
    const a = JSON.parse(printed.stdout);
    const b = JSON.parse(filed.stdout);
    expect(Object.keys(a).sort()).toEqual(['api_key', 'delivery', 'replayed', 'secret']);
    expect(Object.keys(b).sort()).toEqual(['api_key', 'delivery', 'replayed', 'secret_file']);
    expect(Object.keys(b.api_key).sort()).toEqual(Object.keys(a.api_key).sort());
    expect(a).toMatchObject({ api_key: { name: 'shape-printed' }, secret: expect.stringMatching(SECRET_SHAPE), delivery: { mode: 'response' } });
    expect(b).toMatchObject({ api_key: { name: 'shape-file' }, secret_file: file, delivery: { mode: 'response' }, replayed: false });
    expect(filed.stdout).not.toMatch(SECRET_SHAPE);
    expect(readFileSync(file, 'utf8')).toMatch(SECRET_SHAPE);
  });

  test('rotate too, and a relative --secret-file is reported as an absolute path', async () => {
    const created = JSON.parse((await kp(['api-key', 'create', '--name', 'shape-rotate', '-o', 'json'])).stdout);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const res = await kp(['api-key', 'rotate', created.api_key.id, '--secret-file', 'rotated.key', '-o', 'yaml']);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`^secret_file: ${join(dir, 'rotated.key')}$`, 'm'));
      expect(res.stdout).toMatch(/^api_key:$/m);
      expect(res.stdout).not.toMatch(/^secret:/m);
    } finally {
      process.chdir(cwd);
    }
  });
});

/**
 * The tables of every list other than `api-key list` (cli/commands/api-key.list.test.ts), run in process
 * against a real service over HTTP with long names and descriptions: at COLUMNS=100 no line is wider than
 * 100 and principals show by name; `-o wide` has every column, whole; `-o json` is the API's objects.
 */
import type { IpAllowList, Secret, ServiceAccount, User } from '../../client';
import { runCli } from '../../test/helpers/cli-in-process';
import { type HttpService, startHttpService } from '../../test/helpers/service';
import { NAME_KEEP } from '../output';

let svc: HttpService;
const LONG_NAME = 'nightly-warehouse-export-to-the-analytics-cluster-in-the-secondary-region';
const LONG_DESCRIPTION =
  'Copies the whole warehouse to the analytics cluster every night; owned by the data platform team, ask in #data-platform before changing it';
const LONG_EMAIL = 'a-rather-long-mailbox-for-the-data-platform-team@infrastructure.example.com';
let sa: ServiceAccount;
let user: User;
let list: IpAllowList;
let secret: Secret;
const SCOPE = 'warehouse.exports.nightly-analytics-cluster-secondary-region.read';

beforeAll(async () => {
  svc = await startHttpService();
  user = await svc.client.createUser({ email: LONG_EMAIL, name: 'Data Platform Team On-Call Rotation (Europe and Americas)', role: 'developer' });
  sa = await svc.client.createServiceAccount({
    name: LONG_NAME,
    description: LONG_DESCRIPTION,
    role: 'developer',
    owner_user_id: user.id,
    manager_user_ids: [user.id],
  });
  list = await svc.client.createAllowList({
    name: LONG_NAME,
    description: LONG_DESCRIPTION,
    cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '2001:db8:aaaa:bbbb::/64', '198.51.100.0/24', '203.0.113.0/24'],
  });
  await svc.client.createScope({ name: SCOPE, description: LONG_DESCRIPTION });
  secret = await svc.client.createSecret({ name: LONG_NAME, description: LONG_DESCRIPTION, service_account_id: sa.id });
  await svc.client.writeSecretVersion(secret.id, { entries: { user: 'app', password: 'hunter2' } });
  await svc.client.writeSecretVersion(secret.id, { entries: { host: 'db.internal' }, remove_entries: ['user'] });
});
afterAll(() => svc.close());

/** `keyplane ARGS` as the admin, its tables fitted to 100 columns (stdout is not a terminal here). */
const kp = async (args: string[]) => {
  const res = await runCli(svc.endpoint, svc.adminKey, args, { COLUMNS: '100' });
  expect([res.code, res.stderr]).toEqual([0, '']);
  return res.stdout;
};
const lines = (stdout: string) => stdout.trimEnd().split('\n');
const widest = (stdout: string) => Math.max(...lines(stdout).map((l) => [...l].length));
const rowOf = (stdout: string, start: string) => lines(stdout).find((l) => l.startsWith(start))!;
/** The cells of a table row: columns are two spaces apart, and no test value holds two spaces. */
const cells = (row: string) => row.split(/ {2,}/);
/** A long name cut to what the table leaves it: still at least NAME_KEEP characters, ending in an ellipsis. */
const cutName = expect.stringMatching(new RegExp(`^${LONG_NAME.slice(0, NAME_KEEP - 1)}\\S*…$`));

test('service-account list: the owner by name and the description cut first, in 100 columns', async () => {
  const table = await kp(['service-account', 'list']);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)[0]).toMatch(/^ID\s+NAME\s+ROLE\s+DISABLED\s+OWNER\s+DESCRIPTION$/);
  // The description down to its header, the owner (by email) to MIN_CUT, the name keeps the rest.
  expect(cells(rowOf(table, sa.id))).toEqual([sa.id, cutName, 'developer', 'false', 'a-rathe…', 'Copies the…']);

  const wide = await kp(['service-account', 'list', '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(
    /^ID\s+NAME\s+ROLE\s+DISABLED\s+OWNER\s+OWNER ID\s+MANAGERS\s+MANAGER IDS\s+CREATED BY\s+CREATED BY ID\s+CREATED\s+UPDATED\s+DESCRIPTION$/,
  );
  expect(rowOf(wide, sa.id)).toMatch(
    new RegExp(
      `^${sa.id}\\s+${LONG_NAME}\\s+developer\\s+false\\s+${LONG_EMAIL}\\s+${user.id}\\s+${LONG_EMAIL}\\s+${user.id}\\s+admin@example\\.com\\s+${svc.adminUserId}\\s+${sa.created_at}\\s+${sa.updated_at}\\s+${LONG_DESCRIPTION}$`,
    ),
  );

  expect(JSON.parse(await kp(['service-account', 'list', '-o', 'json']))).toEqual((await svc.client.listServiceAccounts()).items);
});

test('user list: the display name cut before the email, in 100 columns', async () => {
  const table = await kp(['user', 'list']);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)[0]).toMatch(/^ID\s+EMAIL\s+NAME\s+ROLE\s+DISABLED$/);
  const [, email, name] = rowOf(table, user.id).split(/\s{2,}/);
  expect(email!.startsWith(LONG_EMAIL.slice(0, 19))).toBe(true);
  expect([...email!].length).toBeGreaterThan([...name!].length);
  expect(rowOf(table, svc.adminUserId)).toMatch(/\sadmin@example\.com\s+Admin\s+admin\s+false$/);

  const wide = await kp(['user', 'list', '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(/^ID\s+EMAIL\s+NAME\s+ROLE\s+DISABLED\s+CREATED\s+UPDATED$/);
  expect(rowOf(wide, user.id)).toMatch(
    new RegExp(`^${user.id}\\s+${LONG_EMAIL}\\s+${user.name.replace(/[()]/g, '\\$&')}\\s+developer\\s+false\\s+${user.created_at}\\s+`),
  );

  expect(JSON.parse(await kp(['user', 'list', '-o', 'json']))).toEqual((await svc.client.listUsers()).items);
});

test.each([[['scopes', 'list']], [['api-key', 'list-scopes']]])('%j: the description cut first, the name whole, in 100 columns', async (args) => {
  const table = await kp(args);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)[0]).toMatch(/^NAME\s+BUILTIN\s+DESCRIPTION$/);
  // 66 characters of name: past NAME_KEEP, but the description gives way first.
  expect(cells(rowOf(table, SCOPE))).toEqual([SCOPE, 'false', expect.stringMatching(/^Copies the whole \S.*…$/)]);
  expect(table).toMatch(/^keyplane\.keys\.verify\s+true\s/m);

  const wide = await kp([...args, '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(/^NAME\s+BUILTIN\s+CREATED\s+DESCRIPTION$/);
  expect(rowOf(wide, SCOPE)).toMatch(/\sfalse\s+\d{4}-\d\d-\d\dT\S+Z\s+Copies the whole warehouse .*#data-platform before changing it$/);

  expect(JSON.parse(await kp([...args, '-o', 'json']))).toEqual(await svc.client.listScopes());
});

test('allow-list list: the description, then the CIDRs, give way before the name, in 100 columns', async () => {
  const table = await kp(['allow-list', 'list']);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)[0]).toMatch(/^ID\s+NAME\s+CIDRS\s+DESCRIPTION$/);
  expect(cells(rowOf(table, list.id))).toEqual([list.id, cutName, '10.0.0.…', 'Copies the…']);

  const wide = await kp(['allow-list', 'list', '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(/^ID\s+NAME\s+CIDRS\s+ROLE TO CHANGE\s+CREATED BY\s+CREATED BY ID\s+CREATED\s+UPDATED\s+DESCRIPTION$/);
  expect(rowOf(wide, list.id)).toContain(`${LONG_NAME}  ${list.cidrs.join(', ')}  developer       admin@example.com  ${svc.adminUserId}`);
  expect(rowOf(wide, list.id)).toMatch(new RegExp(`${LONG_DESCRIPTION}$`));

  expect(JSON.parse(await kp(['allow-list', 'list', '-o', 'json']))).toEqual((await svc.client.listAllowLists()).items);
});

test('audit list: relative times and the actor by name in 100 columns; exact times and every id in wide', async () => {
  const table = await kp(['audit', 'list']);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)[0]).toMatch(/^TIME\s+ACTION\s+OUTCOME\s+ACTOR\s+TARGET\s+ADDRESS$/);
  // The one long target (the scope's name) gives way; the actor, by email, and the address stay whole.
  expect(table).toMatch(new RegExp(`^(now|\\d+s ago)\\s+service_account\\.create\\s+success\\s+admin@example\\.com\\s+${sa.id}\\s+127\\.0\\.0\\.1$`, 'm'));
  expect(table).toMatch(/\sscope\.create\s+success\s+admin@example\.com\s+warehouse\.exports\.\S*…\s+127\.0\.0\.1$/m);
  expect(table).not.toMatch(new RegExp(`\\s${svc.adminUserId}\\s+127`));

  const wide = await kp(['audit', 'list', '--target', sa.id, '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(/^TIME\s+ACTION\s+OUTCOME\s+ACTOR\s+ACTOR ID\s+KEY ID\s+TARGET TYPE\s+TARGET\s+ADDRESS\s+REQUEST ID\s+DETAILS$/);
  const [event] = (await svc.client.listAuditEvents({ target_id: sa.id })).items;
  expect(lines(wide)[1]).toMatch(
    new RegExp(
      `^${event!.time}\\s+service_account\\.create\\s+success\\s+admin@example\\.com\\s+${svc.adminUserId}\\s+${event!.key_id}\\s+service_account\\s+${sa.id}\\s+127\\.0\\.0\\.1\\s+${event!.request_id}\\s`,
    ),
  );

  expect(lines(wide)[1]!.endsWith(`  ${JSON.stringify(event!.details)}`)).toBe(true);

  expect(JSON.parse(await kp(['audit', 'list', '--target', sa.id, '-o', 'json']))).toEqual((await svc.client.listAuditEvents({ target_id: sa.id })).items);
});

test('secret list: the owner by name, the update relative, the description cut first, in 100 columns', async () => {
  const table = await kp(['secret', 'list']);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)[0]).toMatch(/^ID\s+NAME\s+VERSION\s+ENTRIES\s+OWNER\s+UPDATED\s+DESCRIPTION$/);
  expect(cells(rowOf(table, secret.id))).toEqual([secret.id, cutName, '2', '2', 'nightly…', expect.stringMatching(/^(now|\d+s ago)$/), 'Copies the…']);

  const wide = await kp(['secret', 'list', '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(
    /^ID\s+NAME\s+VERSION\s+ENTRIES\s+BYTES\s+OWNER\s+OWNER TYPE\s+OWNER ID\s+CREATED BY\s+CREATED BY ID\s+CREATED\s+UPDATED\s+CAN READ\s+CAN WRITE\s+DESCRIPTION$/,
  );
  expect(rowOf(wide, secret.id)).toMatch(
    new RegExp(
      `^${secret.id}\\s+${LONG_NAME}\\s+2\\s+2\\s+\\d+\\s+${LONG_NAME}\\s+service_account\\s+${sa.id}\\s+admin@example\\.com\\s+${svc.adminUserId}\\s+${secret.created_at}\\s+\\S+Z\\s+true\\s+true\\s+${LONG_DESCRIPTION}$`,
    ),
  );

  expect(JSON.parse(await kp(['secret', 'list', '-o', 'json']))).toEqual((await svc.client.listSecrets()).items);
});

test('secret versions: counts and the creator by name in the table; entry names and exact times in wide', async () => {
  const table = await kp(['secret', 'versions', secret.id]);
  expect(widest(table)).toBeLessThanOrEqual(100);
  expect(lines(table)).toEqual([
    expect.stringMatching(/^VERSION\s+ENTRIES\s+WRITTEN\s+REMOVED\s+CREATED BY\s+CREATED\s+DESTROYED$/),
    expect.stringMatching(/^2\s+2\s+1\s+1\s+admin@example\.com\s+(now|\d+s ago)\s+-$/),
    expect.stringMatching(/^1\s+2\s+2\s+0\s+admin@example\.com\s+(now|\d+s ago)\s+-$/),
  ]);

  const wide = await kp(['secret', 'versions', secret.id, '-o', 'wide']);
  expect(lines(wide)[0]).toMatch(/^VERSION\s+ENTRIES\s+WRITTEN\s+REMOVED\s+REPLACED\s+CREATED BY\s+CREATED BY ID\s+CREATED\s+DESTROYED$/);
  expect(rowOf(wide, '2 ')).toMatch(new RegExp(`^2\\s+2\\s+host\\s+user\\s+false\\s+admin@example\\.com\\s+${svc.adminUserId}\\s+\\S+Z\\s+-$`));
  expect(rowOf(wide, '1 ')).toMatch(/^1\s+2\s+password, user\s+-\s+false\s/);

  expect(JSON.parse(await kp(['secret', 'versions', secret.id, '-o', 'json']))).toEqual((await svc.client.listSecretVersions(secret.id)).items);
});

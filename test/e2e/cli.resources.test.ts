/**
 * The other command groups against a real service: the secret store round trip, service accounts, users,
 * IP allow lists, scopes, the audit log, and paging.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { type CliService, keyplane, startCliService, tableField } from '../helpers/cli';

let svc: CliService;
beforeAll(async () => {
  svc = await startCliService();
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

const kp = (args: string[], input?: string) => keyplane(args, svc.env, { input });
function json(args: string[], input?: string) {
  const res = kp([...args, '-o', 'json'], input);
  if (res.status !== 0) throw new Error(`keyplane ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}
/** `keyplane verify ARGS -o json` of a key that does not pass: it must exit `status` (cli/errors.ts VERIFY_EXIT_CODES). */
function refusedJson(args: string[], status: number) {
  const res = kp([...args, '-o', 'json']);
  expect(res.status).toBe(status);
  return JSON.parse(res.stdout);
}

describe('secrets', () => {
  test('write, read back (whole, one entry, one version), list versions, destroy, check-and-set', () => {
    const secret = json(['secret', 'create', '--name', 'db', '--description', 'database login']);
    expect(secret).toMatchObject({ name: 'db', latest_version: 0, caller_can_read: true });
    const file = join(svc.dir, 'password.txt');
    writeFileSync(file, 'hunter2\n');

    expect(json(['secret', 'write', secret.id, '--entry', 'user=app', '--entry-file', `password=${file}`])).toMatchObject({
      version: 1,
      written: ['password', 'user'],
      entry_count: 2,
    });
    expect(json(['secret', 'write', secret.id, '--from-json', '-'], '{"host":"db.internal","user":"app2"}')).toMatchObject({ version: 2 });
    expect(json(['secret', 'write', secret.id, '--remove', 'host', '--expected-version', '2'])).toMatchObject({
      version: 3,
      removed: ['host'],
      entry_count: 2,
    });
    expect(json(['secret', 'read', secret.id])).toMatchObject({ version: 3, entry_keys: ['password', 'user'] });

    expect(kp(['secret', 'read', secret.id, '--entry', 'password'])).toMatchObject({ status: 0, stdout: 'hunter2\n' });
    expect(json(['secret', 'read', secret.id])).toMatchObject({ version: 3, entries: { password: 'hunter2', user: 'app2' } });
    expect(json(['secret', 'read', secret.id, '2']).entries).toEqual({ host: 'db.internal', password: 'hunter2', user: 'app2' });
    expect(YAML.parse(kp(['secret', 'read', secret.id, '1', '-o', 'yaml']).stdout).entries).toEqual({ password: 'hunter2', user: 'app' });
    const table = kp(['secret', 'read', secret.id]).stdout;
    expect(table).toMatch(/^KEY\s+VALUE$/m);
    expect(table).toMatch(/^password\s+hunter2$/m);
    expect(tableField(table, 'version')).toBe('3');

    expect(json(['secret', 'versions', secret.id]).map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(json(['secret', 'destroy-version', secret.id, '1'])).toMatchObject({ destroyed_at: expect.any(String), destroyed_entries: ['password', 'user'] });
    expect(json(['secret', 'read', secret.id, '1'])).toMatchObject({ entries: {}, destroyed_entries: ['password', 'user'] });
    const destroyed = kp(['secret', 'read', secret.id, '1', '--entry', 'user']);
    expect(destroyed.status).toBe(1);
    expect(destroyed.stderr).toMatch(/version 1 of secret .* is destroyed/);
    const missing = kp(['secret', 'read', secret.id, '--entry', 'nope']);
    expect(missing.status).toBe(1);
    // password was written in version 1: destroying it erased that value from the latest too; user (version 2) stays.
    expect(missing.stderr).toMatch(/has no entry "nope" \(it has: user\)/);

    const stale = kp(['secret', 'write', secret.id, '--entry', 'x=y', '--expected-version', '1']);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/expected version 1, but the latest is 3 \(field: expected_version\) \[409 version_mismatch\]/);

    expect(json(['secret', 'update', secret.id, '--description', 'moved'])).toMatchObject({ name: 'db', description: 'moved', latest_version: 3 });
    expect(json(['secret', 'list', '--name', 'db']).map((s: { id: string }) => s.id)).toEqual([secret.id]);
    expect(json(['secret', 'delete', secret.id])).toEqual({ id: secret.id, deleted: true });
    expect(kp(['secret', 'get', secret.id]).stderr).toMatch(/\[404 not_found\]/);
  });

  test('write with nothing to write is a usage error; a bad entry name is an API error naming it', () => {
    const secret = json(['secret', 'create', '--name', 'empty']);
    expect(kp(['secret', 'write', secret.id]).status).toBe(2);
    const bad = kp(['secret', 'write', secret.id, '--entry', 'bad name=x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/field: entries/);
  });
});

test('service accounts: create, list, get, update, disable, delete revokes their keys', () => {
  const sa = json(['service-account', 'create', '--name', 'batch', '--role', 'developer', '--description', 'nightly jobs']);
  expect(sa).toMatchObject({ name: 'batch', role: 'developer', disabled: false });
  const key = json(['api-key', 'create', '--name', 'batch-key', '--service-account', sa.id]);
  expect(json(['service-account', 'list', '--name-prefix', 'bat']).map((a: { id: string }) => a.id)).toEqual([sa.id]);
  expect(tableField(kp(['service-account', 'get', sa.id]).stdout, 'description')).toBe('nightly jobs');
  expect(json(['service-account', 'update', sa.id, '--role', 'viewer', '--disable'])).toMatchObject({
    role: 'viewer',
    disabled: true,
    description: 'nightly jobs',
  });
  expect(refusedJson(['verify', key.secret], 6)).toMatchObject({ valid: false, reason: 'owner_disabled' });
  expect(json(['service-account', 'update', sa.id, '--enable'])).toMatchObject({ disabled: false });
  // Owner and managers: set, replaced, cleared; a deleted user leaves the account to admins.
  const ops = json(['user', 'create', '--email', 'ops@example.com', '--name', 'Ops', '--role', 'developer']);
  expect(json(['service-account', 'update', sa.id, '--owner', ops.id, '--manager', ops.id])).toMatchObject({
    owner_user_id: ops.id,
    manager_user_ids: [ops.id],
  });
  expect(json(['service-account', 'update', sa.id, '--clear-owner', '--clear-managers'])).toMatchObject({ owner_user_id: null, manager_user_ids: [] });
  const second = json(['service-account', 'create', '--name', 'batch-2', '--owner', ops.id, '--manager', ops.id]);
  expect(second).toMatchObject({ owner_user_id: ops.id, manager_user_ids: [ops.id] });
  expect(kp(['service-account', 'update', sa.id, '--owner', 'usr_nobody']).stderr).toMatch(/\(field: owner_user_id\) \[400 invalid_argument\]/);
  expect(kp(['user', 'delete', ops.id]).status).toBe(0);
  expect(json(['service-account', 'get', second.id])).toMatchObject({ owner_user_id: null, manager_user_ids: [] });
  expect(kp(['service-account', 'delete', second.id]).status).toBe(0);
  expect(kp(['service-account', 'delete', sa.id]).stdout).toBe(`deleted ${sa.id}\n`);
  expect(json(['api-key', 'get', key.api_key.id])).toMatchObject({ status: 'revoked', revoke_reason: 'owner_deleted' });
});

test('users: create, list by role, update, delete', () => {
  const user = json(['user', 'create', '--email', 'Dev@Example.com', '--name', 'Dev', '--role', 'developer']);
  expect(user).toMatchObject({ email: 'dev@example.com', role: 'developer' });
  expect(json(['user', 'list', '--role', 'developer']).map((u: { id: string }) => u.id)).toEqual([user.id]);
  expect(json(['user', 'get', user.id]).name).toBe('Dev');
  expect(json(['user', 'update', user.id, '--role', 'viewer', '--name', 'Dev Two'])).toMatchObject({
    role: 'viewer',
    name: 'Dev Two',
    email: 'dev@example.com',
  });
  expect(kp(['user', 'create', '--email', 'dev@example.com', '--name', 'Again', '--role', 'viewer']).stderr).toMatch(/\(field: email\) \[409 already_exists\]/);
  expect(json(['user', 'delete', user.id])).toEqual({ id: user.id, deleted: true });
});

test('allow lists: CIDRs normalised, attached keys pin them, update replaces CIDRs', () => {
  const list = json(['allow-list', 'create', '--name', 'office', '--cidr', '10.1.2.3/8', '--cidr', '2001:DB8::/32']);
  expect(list.cidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  expect(kp(['allow-list', 'create', '--name', 'bad', '--cidr', '10.0.0.0/33']).stderr).toMatch(/\(field: cidrs\[0\]\) \[400 invalid_argument\]/);
  const key = json(['api-key', 'create', '--name', 'fenced', '--allow-list', list.id]);
  expect(key.api_key.allow_list_ids).toEqual([list.id]);
  expect(json(['verify', key.secret, '--client-ip', '10.9.9.9'])).toMatchObject({ valid: true });
  expect(refusedJson(['verify', key.secret, '--client-ip', '192.0.2.1'], 6)).toMatchObject({ valid: false, reason: 'ip_not_allowed' });
  expect(kp(['allow-list', 'delete', list.id]).stderr).toMatch(/\[409 conflict\]/);
  expect(json(['allow-list', 'update', list.id, '--cidr', '192.0.2.0/24'])).toMatchObject({ name: 'office', cidrs: ['192.0.2.0/24'] });
  expect(json(['verify', key.secret, '--client-ip', '192.0.2.1'])).toMatchObject({ valid: true });
  const listed = kp(['allow-list', 'list']).stdout;
  expect(listed).toMatch(new RegExp(`^${list.id}\\s+office\\s+192\\.0\\.2\\.0/24`, 'm'));
  expect(json(['api-key', 'update', key.api_key.id, '--clear-allow-lists']).allow_list_ids).toEqual([]);
  expect(json(['allow-list', 'get', list.id]).id).toBe(list.id);
  expect(json(['allow-list', 'delete', list.id])).toEqual({ id: list.id, deleted: true });
});

test('scopes: the catalogue, custom scopes, and a held scope cannot be deleted', () => {
  expect(json(['scopes', 'create', '--name', 'billing.read', '--description', 'Read invoices'])).toMatchObject({ name: 'billing.read', builtin: false });
  const scopes = json(['scopes', 'list']);
  expect(scopes).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'billing.read' }), expect.objectContaining({ name: 'keyplane.keys.verify', builtin: true })]),
  );
  expect(kp(['scopes', 'list']).stdout).toMatch(/^billing\.read\s+false\s+Read invoices$/m);
  const key = json(['api-key', 'create', '--name', 'billing', '--scope', 'billing.read']);
  expect(kp(['scopes', 'delete', 'billing.read']).stderr).toMatch(/held by key .*\[409 conflict\]/);
  json(['api-key', 'delete', key.api_key.id]);
  expect(json(['scopes', 'delete', 'billing.read'])).toEqual({ id: 'billing.read', deleted: true });
  expect(kp(['scopes', 'create', '--name', 'keyplane.mine', '--description', 'x']).stderr).toMatch(/reserved.*\(field: name\)/);
});

test('audit list: newest first, filtered, in table form too', () => {
  const sa = json(['service-account', 'create', '--name', 'audited']);
  json(['service-account', 'update', sa.id, '--description', 'changed']);
  const events = json(['audit', 'list', '--target', sa.id]);
  expect(events.map((e: { action: string }) => e.action)).toEqual(['service_account.update', 'service_account.create']);
  expect(events[0]).toMatchObject({ outcome: 'success', target_id: sa.id, address: '127.0.0.1' });
  expect(json(['audit', 'list', '--action', 'service_account.update', '--target', sa.id])).toHaveLength(1);
  const table = kp(['audit', 'list', '--target', sa.id]).stdout.trimEnd().split('\n');
  expect(table[0]).toMatch(/^TIME\s+ACTION\s+OUTCOME/);
  expect(table[1]).toMatch(/service_account\.update\s+success/);
  expect(kp(['audit', 'list', '--since', 'yesterday']).stderr).toMatch(/\(field: since\)/);
});

test('paging: one page with a hint on stderr, --page-token continues, --all follows every page', () => {
  for (let i = 0; i < 5; i++) json(['api-key', 'create', '--name', `page-${i}`]);
  const first = kp(['api-key', 'list', '--name-prefix', 'page-', '--page-size', '2', '-o', 'json']);
  expect(JSON.parse(first.stdout).map((k: { name: string }) => k.name)).toEqual(['page-0', 'page-1']);
  const token = /^more results: add --page-token (\S+) \(or --all\)$/m.exec(first.stderr)?.[1];
  expect(token).toBeDefined();
  expect(json(['api-key', 'list', '--name-prefix', 'page-', '--page-size', '2', '--page-token', token!]).map((k: { name: string }) => k.name)).toEqual([
    'page-2',
    'page-3',
  ]);
  const all = kp(['api-key', 'list', '--name-prefix', 'page-', '--page-size', '2', '--all', '-o', 'json']);
  expect(JSON.parse(all.stdout).map((k: { name: string }) => k.name)).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  expect(all.stderr).toBe('');
});

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { keyplane, startCliService, type CliService } from '../helpers/cli';

let svc: CliService;
beforeAll(async () => {
  svc = await startCliService();
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

const kp = (args: string[], env: Record<string, string | undefined> = svc.env) => keyplane(args, env);
const json = (args: string[]) => {
  const res = kp([...args, '-o', 'json']);
  expect([args.join(' '), res.status, res.stderr]).toEqual([args.join(' '), 0, expect.any(String)]);
  return JSON.parse(res.stdout);
};

test('server init wrote the admin key with mode 0600 and refuses a second init', () => {
  expect(statSync(join(svc.dir, 'admin.key')).mode & 0o777).toBe(0o600);
  expect(statSync(join(svc.dir, 'master.key')).mode & 0o777).toBe(0o600);
  const again = keyplane(['server', 'init', '--data', svc.dir]);
  expect(again.status).toBe(1);
  expect(again.stderr).toMatch(/already initialised/);
  expect(again.stdout).toBe('');
});

test('api-key create prints the secret once with a warning, in each format', () => {
  const table = kp(['api-key', 'create', '--name', 'table-key', '--label', 'team=a']);
  expect(table.status).toBe(0);
  expect(table.stderr).toMatch(/will not be shown again/);
  const secret = /secret: (kp_\w+)/.exec(table.stdout)![1]!;
  expect(kp(['verify', secret, '-o', 'json']).stdout).toContain('"valid": true');

  const asJson = json(['api-key', 'create', '--name', 'json-key', '--scope', 'keyplane.audit.read', '--expires-at', '2099-01-01T00:00:00+01:00']);
  expect(asJson.secret).toMatch(/^kp_/);
  expect(asJson.api_key).toMatchObject({ name: 'json-key', scopes: ['keyplane.audit.read'], expires_at: '2098-12-31T23:00:00.000Z' });

  const asYaml = YAML.parse(kp(['api-key', 'create', '--name', 'yaml-key', '-o', 'yaml']).stdout);
  expect(asYaml.api_key.name).toBe('yaml-key');
  expect(asYaml.secret).toMatch(/^kp_/);

  const listed = kp(['api-key', 'list', '-o', 'json']).stdout;
  for (const s of [secret, asJson.secret, asYaml.secret]) expect(listed).not.toContain(s);
});

test('--secret-file keeps the secret off the terminal, mode 0600', () => {
  const file = join(svc.dir, 'k.secret');
  const res = kp(['api-key', 'create', '--name', 'file-key', '--secret-file', file, '-o', 'json']);
  expect(res.status).toBe(0);
  const secret = readFileSync(file, 'utf8').trim();
  expect(secret).toMatch(/^kp_/);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(res.stdout + res.stderr).not.toContain(secret);
  expect(JSON.parse(res.stdout).name).toBe('file-key');
});

test('a key through its whole life: update, revoke, rejected, delete', () => {
  const sa = json(['service-account', 'create', '--name', 'deployer', '--role', 'developer']);
  const created = json(['api-key', 'create', '--name', 'life', '--service-account', sa.id]);
  const id = created.api_key.id;
  expect(json(['api-key', 'update', id, '--description', 'changed', '--label', 'env=prod'])).toMatchObject({ name: 'life', description: 'changed', labels: { env: 'prod' } });
  expect(json(['api-key', 'get', id]).service_account_id).toBe(sa.id);
  expect(json(['api-key', 'list', '--service-account', sa.id]).map((k: any) => k.id)).toEqual([id]);
  expect(kp(['whoami', '-o', 'json'], { ...svc.env, KEYPLANE_API_KEY: created.secret }).status).toBe(0);
  expect(json(['api-key', 'revoke', id, '--reason', 'rotated'])).toMatchObject({ status: 'revoked', revoke_reason: 'rotated' });
  expect(json(['verify', created.secret])).toMatchObject({ valid: false, reason: 'revoked' });
  const refused = kp(['whoami'], { ...svc.env, KEYPLANE_API_KEY: created.secret });
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/revoked.*401 unauthenticated/);
  expect(kp(['api-key', 'delete', id]).status).toBe(0);
  expect(kp(['api-key', 'get', id]).stderr).toMatch(/does not exist.*404/);
});

test('API errors exit 1 with the message and the field', () => {
  const res = kp(['api-key', 'create', '--name', 'old', '--expires-at', '2001-01-01T00:00:00Z']);
  expect(res.status).toBe(1);
  expect(res.stderr).toMatch(/in the past.*field: expires_at/);
  expect(res.stdout).toBe('');
  const scope = kp(['api-key', 'create', '--name', 'x', '--scope', 'nope.read']);
  expect(scope.stderr).toMatch(/field: scopes\[0\]/);
});

test('usage errors and malformed keys exit 2 before any network call', () => {
  expect(kp(['api-key', 'frobnicate']).status).toBe(2);
  expect(kp(['api-key', 'create']).stderr).toMatch(/--name/);
  expect(kp(['api-key', 'create']).status).toBe(2);
  const typo = svc.adminKey.slice(0, 10) + (svc.adminKey[10] === 'a' ? 'b' : 'a') + svc.adminKey.slice(11);
  const bad = kp(['whoami'], { KEYPLANE_ENDPOINT: 'http://127.0.0.1:9', KEYPLANE_API_KEY: typo });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/KEYPLANE_API_KEY is not a well-formed Keyplane key \(checksum/);
  expect(kp(['verify', 'kp_nope']).status).toBe(2);
  const none = kp(['whoami'], {});
  expect(none.status).toBe(2);
  expect(none.stderr).toMatch(/KEYPLANE_ENDPOINT/);
});

test('flags override the environment; --help works everywhere', () => {
  const res = kp(['--endpoint', svc.endpoint, '--api-key', svc.adminKey, 'whoami', '-o', 'json'], { KEYPLANE_ENDPOINT: 'http://127.0.0.1:9' });
  expect(res.status).toBe(0);
  expect(JSON.parse(res.stdout).effective_role).toBe('admin');
  for (const args of [['--help'], ['api-key', '--help'], ['api-key', 'create', '--help'], ['secret', 'write', '--help'], ['server', 'start', '--help']]) {
    const help = kp(args);
    expect([args.join(' '), help.status]).toEqual([args.join(' '), 0]);
    expect(help.stdout).toMatch(/Usage: keyplane/);
  }
});

test('secrets: write, read back, versions, destroy', () => {
  const secret = json(['secret', 'create', '--name', 'db']);
  json(['secret', 'write', secret.id, '--entry', 'user=app', '--entry', 'password=hunter2']);
  json(['secret', 'write', secret.id, '--entry', 'host=db.internal']);
  expect(kp(['secret', 'read', secret.id, '--entry', 'password']).stdout).toBe('hunter2\n');
  expect(json(['secret', 'read', secret.id]).entries).toEqual({ host: 'db.internal', password: 'hunter2', user: 'app' });
  expect(json(['secret', 'versions', secret.id]).map((v: any) => v.version)).toEqual([2, 1]);
  expect(json(['secret', 'destroy-version', secret.id, '1']).destroyed_at).not.toBeNull();
  const stale = kp(['secret', 'write', secret.id, '--entry', 'x=y', '--expected-version', '1']);
  expect(stale.status).toBe(1);
  expect(stale.stderr).toMatch(/version_mismatch/);
});

test('users, allow lists, scopes and the audit log', () => {
  const user = json(['user', 'create', '--email', 'dev@example.com', '--name', 'Dev', '--role', 'developer']);
  expect(json(['user', 'update', user.id, '--role', 'viewer']).role).toBe('viewer');
  const list = json(['allow-list', 'create', '--name', 'office', '--cidr', '10.1.2.3/8', '--cidr', '2001:DB8::/32']);
  expect(list.cidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  expect(json(['scopes', 'create', '--name', 'billing.read', '--description', 'Read invoices']).builtin).toBe(false);
  expect(json(['scopes', 'list']).map((s: any) => s.name)).toContain('billing.read');
  const events = json(['audit', 'list', '--action', 'user.update']);
  expect(events[0]).toMatchObject({ action: 'user.update', target_id: user.id, outcome: 'success' });
  expect(kp(['user', 'delete', user.id]).status).toBe(0);
});

/**
 * `keyplane api-key …`, `verify` and `whoami` against a real service started with `keyplane server start`:
 * the secret shown once, every output format parsed, a key's whole life, and API errors naming the field.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
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

const kp = (args: string[], env: Record<string, string | undefined> = svc.env) => keyplane(args, env);

/** Runs a command that must succeed and parses its JSON output. */
function json(args: string[], env?: Record<string, string>) {
  const res = kp([...args, '-o', 'json'], env);
  if (res.status !== 0) throw new Error(`keyplane ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

describe('api-key create shows the secret once', () => {
  test('table: the key and a secret line on stdout, the warning on stderr', () => {
    const res = kp(['api-key', 'create', '--name', 'table-key', '--label', 'team=a', '--description', 'for tables']);
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(/^warning: the secret is shown only this once/m);
    expect(res.stderr).not.toMatch(/kp_[0-9A-Za-z]{39}/);
    expect(tableField(res.stdout, 'name')).toBe('table-key');
    expect(tableField(res.stdout, 'labels')).toBe('team=a');
    expect(tableField(res.stdout, 'status')).toBe('active');
    const secret = /^secret: (kp_[0-9A-Za-z]{39})$/m.exec(res.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(json(['verify', secret!])).toMatchObject({ valid: true, name: 'table-key' });
  });

  test('json and yaml: the API object with its secret field', () => {
    const asJson = json([
      'api-key',
      'create',
      '--name',
      'json-key',
      '--scope',
      'keyplane.audit.read',
      '--expires-at',
      '2099-01-01T00:00:00+01:00',
      '--label',
      'a=1',
      '--label',
      'b=x=y',
    ]);
    expect(asJson.secret).toMatch(/^kp_[0-9A-Za-z]{39}$/);
    expect(asJson.api_key).toMatchObject({
      name: 'json-key',
      scopes: ['keyplane.audit.read'],
      expires_at: '2098-12-31T23:00:00.000Z',
      labels: { a: '1', b: 'x=y' },
      status: 'active',
    });

    const res = kp(['api-key', 'create', '--name', 'yaml-key', '-o', 'yaml']);
    expect(res.stderr).toMatch(/shown only this once/);
    const asYaml = YAML.parse(res.stdout);
    expect(asYaml.api_key.name).toBe('yaml-key');
    expect(asYaml.secret).toMatch(/^kp_[0-9A-Za-z]{39}$/);

    // Never again: no read shows a secret.
    const everything = kp(['api-key', 'list', '-o', 'json']).stdout + kp(['api-key', 'get', asJson.api_key.id, '-o', 'yaml']).stdout;
    for (const s of [asJson.secret, asYaml.secret]) expect(everything).not.toContain(s);
  });

  test('--secret-file writes it with mode 0600; the JSON is the same shape, with secret_file instead of secret', () => {
    const file = join(svc.dir, 'ci.secret');
    const res = kp(['api-key', 'create', '--name', 'file-key', '--secret-file', file, '-o', 'json']);
    expect(res.status).toBe(0);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).toMatch(/^kp_[0-9A-Za-z]{39}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(res.stdout + res.stderr).not.toContain(secret);
    const printed = JSON.parse(res.stdout);
    expect(printed).toMatchObject({ api_key: { name: 'file-key', status: 'active' }, delivery: { mode: 'response' }, replayed: false, secret_file: file });
    expect(printed.secret).toBeUndefined();
    expect(res.stderr).toContain(file);
  });

  test('--secret-file replaces a wider-mode file with a 0600 one', () => {
    const file = join(svc.dir, 'old.secret');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    expect(kp(['api-key', 'create', '--name', 'replace-key', '--secret-file', file]).status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^kp_/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test('an unwritable --secret-file fails before any key is created', () => {
    const before = json(['api-key', 'list', '--name-prefix', 'orphan']).length;
    const res = kp(['api-key', 'create', '--name', 'orphan', '--secret-file', join(svc.dir, 'no-such-dir', 'k')]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^error: --secret-file .*no-such-dir.* cannot be written/m);
    expect(json(['api-key', 'list', '--name-prefix', 'orphan'])).toHaveLength(before);
  });
});

test('a key through its whole life: list, get, update, revoke (verify exits 4, and 401), delete', () => {
  const sa = json(['service-account', 'create', '--name', 'deployer', '--role', 'developer']);
  const created = json(['api-key', 'create', '--name', 'life', '--service-account', sa.id, '--label', 'env=staging', '--rate-limit', '1000/60']);
  const id = created.api_key.id;
  expect(created.api_key.rate_limit).toEqual({ limit: 1000, window_seconds: 60 });

  // list, filtered, in each format
  expect(json(['api-key', 'list', '--service-account', sa.id]).map((k: { id: string }) => k.id)).toEqual([id]);
  expect(YAML.parse(kp(['api-key', 'list', '--label', 'env=staging', '-o', 'yaml']).stdout).map((k: { id: string }) => k.id)).toEqual([id]);
  const table = kp(['api-key', 'list', '--service-account-name', 'deployer']).stdout.trimEnd().split('\n');
  expect(table[0]).toMatch(/^ID\s+NAME\s+STATUS\s+OWNER\s+CREATED BY\s+CREATED\s+LAST USED\s+EXPIRES$/);
  expect(table).toHaveLength(2);
  expect(table[1]).toMatch(new RegExp(`^${id}\\s+life\\s+active\\s+deployer\\s+admin@localhost\\s+(now|\\d+s ago)\\s+Never\\s+Never$`));
  const wide = kp(['api-key', 'list', '--service-account', sa.id, '-o', 'wide']).stdout;
  expect(wide).toMatch(new RegExp(`^${id}\\s+life\\s+active\\s+developer\\s+deployer\\s+${sa.id}\\s`, 'm'));
  expect(json(['api-key', 'list', '--label', 'env=prod'])).toEqual([]);

  // get, in each format
  expect(json(['api-key', 'get', id])).toMatchObject({ id, service_account_id: sa.id, owner_type: 'service_account' });
  expect(YAML.parse(kp(['api-key', 'get', id, '-o', 'yaml']).stdout)).toMatchObject({ id, name: 'life' });
  expect(tableField(kp(['api-key', 'get', id]).stdout, 'owner_id')).toBe(sa.id);

  // update changes only what is given
  const updated = json(['api-key', 'update', id, '--description', 'changed', '--expires-at', '2099-06-01T00:00:00Z']);
  expect(updated).toMatchObject({ name: 'life', description: 'changed', labels: { env: 'staging' }, expires_at: '2099-06-01T00:00:00.000Z' });
  expect(json(['api-key', 'update', id, '--never-expires', '--label', 'env=prod'])).toMatchObject({
    description: 'changed',
    expires_at: null,
    labels: { env: 'prod' },
  });
  expect(tableField(kp(['api-key', 'update', id, '--name', 'life-2']).stdout, 'name')).toBe('life-2');
  expect(json(['api-key', 'update', id, '--rate-limit', '100/60'])).toMatchObject({ rate_limit: { limit: 100, window_seconds: 60 } });
  expect(json(['api-key', 'update', id, '--clear-rate-limit'])).toMatchObject({ rate_limit: null });
  const badLimit = kp(['api-key', 'update', id, '--rate-limit', '100']);
  expect([badLimit.status, badLimit.stderr]).toEqual([2, expect.stringMatching(/--rate-limit.*USES\/SECONDS/)]);

  // the key works, then is revoked: verify says so and the API refuses it with 401
  const asKey = { ...svc.env, KEYPLANE_API_KEY: created.secret };
  expect(json(['whoami'], asKey)).toMatchObject({
    api_key: { id },
    principal: { type: 'service_account', id: sa.id, name: 'deployer' },
    effective_role: 'developer',
  });
  expect(json(['verify', created.secret])).toMatchObject({ valid: true, key_id: id });
  const revoked = kp(['api-key', 'revoke', id, '--reason', 'rotated']);
  expect(revoked.status).toBe(0);
  expect(tableField(revoked.stdout, 'status')).toBe('revoked');
  expect(tableField(revoked.stdout, 'revoke_reason')).toBe('rotated');
  const verified = kp(['verify', created.secret]);
  expect(verified.status).toBe(4);
  expect(tableField(verified.stdout, 'valid')).toBe('false');
  expect(tableField(verified.stdout, 'reason')).toBe('revoked');
  expect(json(['api-key', 'list', '--status', 'revoked']).map((k: { id: string }) => k.id)).toContain(id);
  const refused = kp(['whoami'], asKey);
  expect(refused.status).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toBe('error: the API key has been revoked [401 unauthenticated]\n');

  // delete: gone, and a second delete is a 404
  expect(json(['api-key', 'delete', id])).toEqual({ id, deleted: true });
  const gone = kp(['api-key', 'get', id]);
  expect(gone.status).toBe(1);
  expect(gone.stderr).toMatch(/^error: API key .* does not exist \[404 not_found\]$/m);
  expect(kp(['api-key', 'delete', id]).status).toBe(1);
});

describe('API errors exit 1 with the message and the field on stderr', () => {
  test('an expiry in the past names expires_at', () => {
    const res = kp(['api-key', 'create', '--name', 'old', '--expires-at', '2001-01-01T00:00:00Z']);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^error: expires_at .*past.* \(field: expires_at\) \[400 invalid_argument\]$/m);
  });

  test('an unknown scope, a bad label and a conflicting update name their fields', () => {
    expect(kp(['api-key', 'create', '--name', 'x', '--scope', 'nope.read']).stderr).toMatch(/\(field: scopes\[0\]\) \[400 invalid_argument\]/);
    expect(kp(['api-key', 'create', '--name', 'x', '--label', 'bad key=1']).stderr).toMatch(/field: labels/);
    expect(kp(['service-account', 'create', '--name', 'twice']).status).toBe(0);
    const sa = kp(['service-account', 'create', '--name', 'twice']);
    expect(sa.status).toBe(1);
    expect(sa.stderr).toMatch(/twice.*\(field: name\) \[409 already_exists\]/);
  });

  test('a refused connection exits 1 with a hint', () => {
    const res = kp(['api-key', 'list'], { KEYPLANE_ENDPOINT: 'http://127.0.0.1:9', KEYPLANE_API_KEY: svc.adminKey });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^error: cannot reach the Keyplane service at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*is the service running there\?/m);
  });
});

describe('endpoint and key: flags, then the environment', () => {
  test('KEYPLANE_ENDPOINT and KEYPLANE_API_KEY are used when no flag is given', () => {
    expect(json(['whoami'], svc.env)).toMatchObject({ effective_role: 'admin', principal: { type: 'user', email: 'admin@localhost' } });
  });

  test('--endpoint and --api-key win over the environment', () => {
    const other = json(['api-key', 'create', '--name', 'env-test', '--role', 'viewer']);
    const env = { KEYPLANE_ENDPOINT: 'http://127.0.0.1:9', KEYPLANE_API_KEY: svc.adminKey };
    const res = kp(['--endpoint', svc.endpoint, '--api-key', other.secret, 'whoami', '-o', 'json'], env);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ api_key: { id: other.api_key.id }, effective_role: 'viewer' });
  });

  test('whoami in table form names the key, the principal and the role', () => {
    const res = kp(['whoami']);
    expect(res.status).toBe(0);
    expect(res.stderr).toBe('');
    expect(tableField(res.stdout, 'key_name')).toBe('bootstrap admin key');
    expect(tableField(res.stdout, 'role')).toBe('admin');
    expect(tableField(res.stdout, 'email')).toBe('admin@localhost');
  });
});

test('verify reads the key from a file or stdin, and checks scopes', () => {
  const created = json(['api-key', 'create', '--name', 'verify-me', '--scope', 'keyplane.audit.read']);
  const file = join(svc.dir, 'verify.key');
  writeFileSync(file, `${created.secret}\n`, { mode: 0o600 });
  expect(json(['verify', '--key-file', file])).toMatchObject({ valid: true, key_id: created.api_key.id, scopes: ['keyplane.audit.read'] });
  const stdin = keyplane(['verify', '-', '-o', 'json'], svc.env, { input: `${created.secret}\n` });
  expect(JSON.parse(stdin.stdout)).toMatchObject({ valid: true, key_id: created.api_key.id });
  const missing = kp(['verify', created.secret, '--scope', 'keyplane.secrets.read', '-o', 'json']);
  expect(missing.status).toBe(6);
  expect(JSON.parse(missing.stdout)).toMatchObject({
    valid: false,
    reason: 'scope_missing',
    missing_scopes: ['keyplane.secrets.read'],
  });
});

/**
 * `keyplane api-key create|rotate` delivery options, run in process (cli/main.ts `main`) against a real
 * service over HTTP: --to-secret and --pgp-key print nothing secret, --idempotency-key makes one key however
 * often the command is repeated (and every run sends one), and bad options are usage errors (exit 2) before
 * any request.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { pgpDecrypt, pgpKeyPair } from '../../test/helpers/pgp';
import { runCli } from '../../test/helpers/cli-in-process';
import { type HttpService, startHttpService } from '../../test/helpers/service';

let svc: HttpService;
let dir: string;
beforeAll(async () => {
  svc = await startHttpService();
  dir = mkdtempSync(join(tmpdir(), 'keyplane-cli-'));
});
afterAll(() => svc.close());

/** Runs `keyplane ARGS` in this process against `endpoint`; exit code and what it wrote. */
const kp = (args: string[], endpoint = svc.endpoint) => runCli(endpoint, svc.adminKey, args);

const SECRET_SHAPE = /kp_[0-9A-Za-z]{39}/;
const keysNamed = async (name: string) => (await svc.client.listApiKeys({ name_prefix: name, page_size: 200 })).items.filter((k) => k.name === name);
const authenticates = async (secret: string) => (await svc.call('GET', '/v1/whoami', undefined, secret)).status === 200;

describe('api-key create --to-secret', () => {
  test('writes the secret to the entry and prints only where it went', async () => {
    const secret = await svc.client.createSecret({ name: 'cli-to-secret' });
    const res = await kp(['api-key', 'create', '--name', 'cli-store', '--to-secret', `${secret.id}:ci_key`]);
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).not.toMatch(SECRET_SHAPE);
    expect(res.stderr).toContain(`is in secret ${secret.id}, entry ci_key (version 1)`);
    const entry = (await svc.client.readSecretVersion(secret.id)).entries!.ci_key!;
    expect(await authenticates(entry)).toBe(true);
    const asJson = await kp(['api-key', 'create', '--name', 'cli-store-json', '--to-secret', secret.id, '-o', 'json']);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      delivery: { mode: 'secret_store', secret_store: { secret_id: secret.id, entry_key: 'api_key', version: 2 } },
    });
    expect(asJson.stdout).not.toMatch(SECRET_SHAPE);
  });

  test.each([
    [['--to-secret', ''], /--to-secret.*SECRET_ID/],
    [['--to-secret', 'sec_x:bad entry'], /not a valid entry name/],
    [['--to-secret', 'sec_x', '--pgp-key', 'k.asc'], /cannot be used with/],
    [['--to-secret', 'sec_x', '--secret-file', 'f'], /cannot be used with/],
    [['--idempotency-key', 'two words'], /--idempotency-key.*printable ASCII/],
  ])('%j is a usage error, and no key is made', async (args, message) => {
    const res = await kp(['api-key', 'create', '--name', 'cli-usage', ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(await keysNamed('cli-usage')).toEqual([]);
  });
});

describe('api-key create --pgp-key', () => {
  test('prints the armored message, which decrypts to a working key; nothing else secret', async () => {
    const { publicKey, privateKey } = await pgpKeyPair();
    const file = join(dir, 'public.asc');
    writeFileSync(file, publicKey);
    const res = await kp(['api-key', 'create', '--name', 'cli-pgp', '--pgp-key', file]);
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).not.toMatch(SECRET_SHAPE);
    const fingerprint = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
    expect(res.stdout).toContain(`key_fingerprint: ${fingerprint}`);
    const message = /-----BEGIN PGP MESSAGE-----[\s\S]*-----END PGP MESSAGE-----/.exec(res.stdout)![0];
    expect(await authenticates(await pgpDecrypt(message, privateKey))).toBe(true);
  });

  test('a binary key file works, and --secret-file receives the message', async () => {
    const { publicKey, privateKey } = await pgpKeyPair();
    const file = join(dir, 'public.gpg');
    writeFileSync(file, (await openpgp.readKey({ armoredKey: publicKey })).write());
    const out = join(dir, 'secret.asc');
    const res = await kp(['api-key', 'create', '--name', 'cli-pgp-file', '--pgp-key', file, '--secret-file', out]);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('PGP MESSAGE');
    expect(await authenticates(await pgpDecrypt(readFileSync(out, 'utf8'), privateKey))).toBe(true);
  });

  test('a private key or an unreadable file is a usage error naming --pgp-key, before any request', async () => {
    const file = join(dir, 'private.asc');
    writeFileSync(file, (await pgpKeyPair()).privateKey);
    const priv = await kp(['api-key', 'create', '--name', 'cli-pgp-bad', '--pgp-key', file]);
    expect(priv.code).toBe(2);
    expect(priv.stderr).toMatch(new RegExp(`--pgp-key ${file} holds a private key`));
    const missing = await kp(['api-key', 'create', '--name', 'cli-pgp-bad', '--pgp-key', join(dir, 'nope.asc')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--pgp-key .*nope\.asc cannot be read: ENOENT/);
    expect(await keysNamed('cli-pgp-bad')).toEqual([]);
  });
});

describe('api-key create --idempotency-key', () => {
  test('the same command twice makes one key; the repeat says so and fails, since its secret was shown the first time', async () => {
    const first = await kp(['api-key', 'create', '--name', 'cli-idem', '--idempotency-key', 'cli-idem-1', '-o', 'json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).secret).toMatch(SECRET_SHAPE);
    const again = await kp(['api-key', 'create', '--name', 'cli-idem', '--idempotency-key', 'cli-idem-1', '-o', 'json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/was created by an earlier request with Idempotency-Key cli-idem-1.*rotate it/);
    expect(again.stdout).toBe('');
    expect(await keysNamed('cli-idem')).toHaveLength(1);
  });

  test('with --to-secret a repeat is the first answer again, and exits 0', async () => {
    const secret = await svc.client.createSecret({ name: 'cli-idem-store' });
    const args = ['api-key', 'create', '--name', 'cli-idem-store', '--to-secret', secret.id, '--idempotency-key', 'cli-idem-2'];
    expect((await kp(args)).code).toBe(0);
    const again = await kp(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/was created by an earlier request with Idempotency-Key cli-idem-2/);
    expect(await keysNamed('cli-idem-store')).toHaveLength(1);
    expect((await svc.client.readSecretVersion(secret.id)).version).toBe(1);
  });

  test('without the option every run sends a key of its own', async () => {
    const before = await svc.ctx.store.db.selectFrom('idempotency_keys').select('idempotency_key').execute();
    expect((await kp(['api-key', 'create', '--name', 'cli-idem-default'])).code).toBe(0);
    expect((await kp(['api-key', 'create', '--name', 'cli-idem-default'])).code).toBe(0);
    const after = await svc.ctx.store.db.selectFrom('idempotency_keys').select(['idempotency_key', 'api_key_id']).execute();
    const made = after.filter((r) => !before.some((b) => b.idempotency_key === r.idempotency_key));
    expect(made).toHaveLength(2);
    expect(made.map((r) => r.idempotency_key)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(new Set(made.map((r) => r.api_key_id))).toEqual(new Set((await keysNamed('cli-idem-default')).map((k) => k.id)));
  });
});

describe('api-key rotate', () => {
  /** What the command sends: a listener that records the request and answers 404. */
  async function sent(
    args: string[],
  ): Promise<{ res: { code: number; stderr: string }; request?: { url: string; headers: Record<string, unknown>; body: any } }> {
    let request: { url: string; headers: Record<string, unknown>; body: any } | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        request = { url: req.url!, headers: req.headers, body: body ? JSON.parse(body) : undefined };
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'not_found', message: 'API key key_x does not exist' } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const res = await kp(['api-key', 'rotate', 'key_x', ...args], `http://127.0.0.1:${(server.address() as { port: number }).port}`);
      return { res, request };
    } finally {
      await new Promise((r) => server.close(r));
    }
  }

  test('--overlap 24h and --to-secret make the body; an Idempotency-Key is always sent', async () => {
    const { res, request } = await sent(['--overlap', '24h', '--to-secret', 'sec_1:api_key']);
    expect(res.code).toBe(1);
    expect(request).toMatchObject({
      url: '/v1/api-keys/key_x/rotate',
      body: { overlap_seconds: 86_400, delivery: { secret_store: { secret_id: 'sec_1', entry_key: 'api_key' } } },
    });
    expect(request!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    const plain = await sent(['--idempotency-key', 'rot-1']);
    expect(plain.request).toMatchObject({ body: {} });
    expect(plain.request!.headers['idempotency-key']).toBe('rot-1');
    expect((await sent(['--overlap', '1h30m'])).request!.body).toEqual({ overlap_seconds: 5_400 });
    expect((await sent(['--overlap', '0'])).request!.body).toEqual({ overlap_seconds: 0 });
  });

  test.each([
    [['--overlap', 'soon'], /--overlap.*expected a duration such as 24h/],
    [['--overlap', '8d'], /--overlap.*at most 7d/],
    [['--overlap', '1.5s'], /--overlap.*expected a duration/],
    [['--to-secret', 'sec_1', '--pgp-key', 'k.asc'], /cannot be used with/],
  ])('%j is a usage error, and nothing is sent', async (args, message) => {
    const { res, request } = await sent(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(request).toBeUndefined();
  });
});

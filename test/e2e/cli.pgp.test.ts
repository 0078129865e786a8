/**
 * `keyplane pgp generate-key|decrypt`: a key pair made by the CLI is accepted as a provider pgp_key, and the
 * provider's encrypted_secret decrypts back with it (with and without a passphrase); every bad input is one
 * clear line naming the flag, with nothing written.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptToPgpKey as encryptTo } from '../../contract/pgp-key';
import { parsePgpKey } from '../../provider/keyplane/api-key/pgp';
import { keyplane } from '../helpers/cli';

jest.setTimeout(60_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyplane-pgp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function encryptedTo(publicFile: string, secret: string): Promise<string> {
  const parsed = await parsePgpKey(readFileSync(publicFile, 'utf8'));
  if (!parsed.ok) throw new Error(`${parsed.summary}: ${parsed.detail}`);
  return encryptTo(parsed.key, secret);
}

test('generate-key writes a pair the provider accepts as pgp_key; decrypt reads encrypted_secret back', async () => {
  const out = join(dir, 'keys');
  const gen = keyplane(['pgp', 'generate-key', '--name', 'On Call', '--email', 'oncall@example.com', '--out-dir', out, '-o', 'json']);
  expect(gen.status).toBe(0);
  const info = JSON.parse(gen.stdout) as { fingerprint: string; public_key: string; private_key: string; protected: boolean };
  expect(info).toMatchObject({ public_key: join(out, 'public.asc'), private_key: join(out, 'private.asc'), protected: false });
  expect(statSync(join(out, 'private.asc')).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(out, 'public.asc'), 'utf8')).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  const parsed = await parsePgpKey(readFileSync(join(out, 'public.asc'), 'utf8'));
  expect(parsed).toMatchObject({ ok: true, fingerprint: info.fingerprint });

  const secret = 'kp_0123456789abcdefghijklmnopqrstuvwxyzABCD';
  const message = await encryptedTo(join(out, 'public.asc'), secret);
  const dec = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc')], {}, { input: message });
  expect({ status: dec.status, stdout: dec.stdout, stderr: dec.stderr }).toEqual({ status: 0, stdout: `${secret}\n`, stderr: '' });
  writeFileSync(join(dir, 'msg.asc'), message);
  expect(keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc'), '--in', join(dir, 'msg.asc')]).stdout).toBe(`${secret}\n`);
});

test('a passphrase-protected private key needs --passphrase-file, and only the right one unlocks it', async () => {
  const out = join(dir, 'keys');
  writeFileSync(join(dir, 'pass'), 'correct horse\n');
  writeFileSync(join(dir, 'wrong'), 'battery staple\n');
  const gen = keyplane([
    'pgp',
    'generate-key',
    '--name',
    'P',
    '--email',
    'p@example.com',
    '--out-dir',
    out,
    '--passphrase-file',
    join(dir, 'pass'),
    '-o',
    'json',
  ]);
  expect(gen.status).toBe(0);
  expect(JSON.parse(gen.stdout).protected).toBe(true);
  expect(readFileSync(join(out, 'private.asc'), 'utf8')).toMatch(/PRIVATE KEY BLOCK/);
  const message = await encryptedTo(join(out, 'public.asc'), 'kp_secret_value_for_the_test');
  const none = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc')], {}, { input: message });
  expect(none.status).toBe(2);
  expect(none.stderr).toMatch(/protected by a passphrase: give --passphrase-file/);
  const wrong = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc'), '--passphrase-file', join(dir, 'wrong')], {}, { input: message });
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toMatch(/--passphrase-file does not unlock/);
  const right = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc'), '--passphrase-file', join(dir, 'pass')], {}, { input: message });
  expect(right.stdout).toBe('kp_secret_value_for_the_test\n');
});

test('bad input: each error names the flag, exits non-zero, prints no secret and writes nothing', async () => {
  const out = join(dir, 'keys');
  const badEmail = keyplane(['pgp', 'generate-key', '--name', 'X', '--email', 'not-an-email', '--out-dir', out]);
  expect(badEmail.status).toBe(2);
  expect(badEmail.stderr).toMatch(/--email "not-an-email" is not an email address/);
  expect(existsSync(out)).toBe(false);

  expect(keyplane(['pgp', 'generate-key', '--name', 'X', '--email', 'x@example.com', '--out-dir', out]).status).toBe(0);
  const before = readFileSync(join(out, 'private.asc'), 'utf8');
  const again = keyplane(['pgp', 'generate-key', '--name', 'X', '--email', 'x@example.com', '--out-dir', out]);
  expect(again.status).toBe(2);
  expect(again.stderr).toMatch(/already holds a key pair .*--force/);
  expect(readFileSync(join(out, 'private.asc'), 'utf8')).toBe(before);
  chmodSync(join(out, 'private.asc'), 0o644);
  expect(keyplane(['pgp', 'generate-key', '--name', 'X', '--email', 'x@example.com', '--out-dir', out, '--force']).status).toBe(0);
  expect(readFileSync(join(out, 'private.asc'), 'utf8')).not.toBe(before);
  expect(statSync(join(out, 'private.asc')).mode & 0o777).toBe(0o600);

  const notKey = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'public.asc')], {}, { input: 'x' });
  expect(notKey.status).toBe(2);
  expect(notKey.stderr).toMatch(/--private-key .*public\.asc is not an armored OpenPGP private key/);
  const missing = keyplane(['pgp', 'decrypt', '--private-key', join(dir, 'nope.asc')], {}, { input: 'x' });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/cannot read .*nope\.asc: ENOENT/);
  const notMessage = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc')], {}, { input: 'kp_plain_text' });
  expect(notMessage.status).toBe(2);
  expect(notMessage.stderr).toMatch(/not an armored OpenPGP message/);

  // A message to another key: refused, and the secret in it is never printed.
  const other = join(dir, 'other');
  expect(keyplane(['pgp', 'generate-key', '--name', 'O', '--email', 'o@example.com', '--out-dir', other]).status).toBe(0);
  const message = await encryptedTo(join(other, 'public.asc'), 'kp_for_someone_else_only');
  const foreign = keyplane(['pgp', 'decrypt', '--private-key', join(out, 'private.asc')], {}, { input: message });
  expect(foreign.status).toBe(1);
  expect(foreign.stderr).toMatch(/cannot decrypt the message with --private-key/);
  expect(foreign.stdout + foreign.stderr).not.toContain('kp_for_someone_else_only');
});

/**
 * Installing from a release: picking the platform's zip, refusing one that does not match its SHA256SUMS line
 * or is not listed, checking the signature given a key, the packed layout with the zip byte for byte, the
 * `h1:` over the zip's contents as Go's dirhash.HashZip makes it, and the earlier launcher removed.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZip } from '../scripts/release/zip';
import { signingKeyPair, writeRelease, type SigningKeyPair } from '../test/helpers/provider-release';
import { installMirror } from './provider-mirror';
import { checkRelease, hasReleaseFor, installPacked, listedSum, zipHash1 } from './provider-release';

jest.setTimeout(30_000);

const VERSION = '1.2.3';
const MIRROR_TYPE_DIR = 'registry.terraform.io/keyplane/keyplane';
const zipName = (platform: string) => `terraform-provider-keyplane_${VERSION}_${platform}.zip`;
const sumsName = `terraform-provider-keyplane_${VERSION}_SHA256SUMS`;
const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A zip like the release's: one executable, mode 0755. */
function packageZip(body: string): Buffer {
  return writeZip([{ name: `terraform-provider-keyplane_v${VERSION}`, data: Buffer.from(body), mode: 0o755 }], new Date('2026-01-02T03:04:05Z'));
}

let keys: SigningKeyPair;
let other: SigningKeyPair;
let dir: string;
let rel: string;
const amd64 = packageZip('#!/bin/sh\necho amd64\n');
const arm64 = packageZip('#!/bin/sh\necho arm64\n');

beforeAll(async () => {
  [keys, other] = await Promise.all([signingKeyPair(), signingKeyPair()]);
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyplane-provider-release-'));
  rel = join(dir, 'release');
  await writeRelease(rel, VERSION, { linux_amd64: amd64, linux_arm64: arm64 }, keys.privateKey);
  writeFileSync(join(dir, 'pub.asc'), keys.publicKey);
  writeFileSync(join(dir, 'other.asc'), other.publicKey);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("picks the platform's zip and gives its zh: (SHA-256 of the zip) and h1: (Hash1 over its contents)", async () => {
  expect(hasReleaseFor(rel, VERSION, 'linux_arm64')).toBe(true);
  expect(hasReleaseFor(rel, VERSION, 'darwin_amd64')).toBe(false);
  expect(hasReleaseFor(rel, '9.9.9', 'linux_arm64')).toBe(false);
  const checked = await checkRelease({ dir: rel, version: VERSION, platform: 'linux_arm64' });
  expect(checked.source).toBe(join(rel, zipName('linux_arm64')));
  expect(checked.zip.equals(arm64)).toBe(true);
  expect(checked.zh).toBe(`zh:${hex(arm64)}`);
  // Hash1 worked out by hand: sha256 of "<hex of the file>  <name>\n", base64.
  const summary = `${hex('#!/bin/sh\necho arm64\n')}  terraform-provider-keyplane_v${VERSION}\n`;
  expect(checked.h1).toBe(`h1:${createHash('sha256').update(summary).digest('base64')}`);
  expect(zipHash1(amd64)).not.toBe(checked.h1);
  expect(checked.signedBy).toBeUndefined();
});

test('a platform the release lacks is refused, naming the ones it has', async () => {
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'darwin_amd64' })).rejects.toThrow(
    `--release ${rel} has no ${zipName('darwin_amd64')} (it has ${VERSION} for linux_amd64, linux_arm64)`,
  );
  await expect(checkRelease({ dir: join(dir, 'nowhere'), version: VERSION, platform: 'linux_amd64' })).rejects.toThrow(/no zip of version 1\.2\.3/);
});

test('a zip that does not match its SHA256SUMS line is refused, naming the file', async () => {
  appendFileSync(join(rel, zipName('linux_amd64')), 'x');
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64' })).rejects.toThrow(
    `${join(rel, zipName('linux_amd64'))} does not match its line in ${join(rel, sumsName)}`,
  );
  // The other platform's zip is still fine.
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_arm64' })).resolves.toMatchObject({ zh: `zh:${hex(arm64)}` });
});

test('a zip that SHA256SUMS does not list is refused; a missing SHA256SUMS too', async () => {
  const sums = readFileSync(join(rel, sumsName), 'utf8');
  writeFileSync(
    join(rel, sumsName),
    sums
      .split('\n')
      .filter((l) => !l.endsWith(zipName('linux_amd64')))
      .join('\n'),
  );
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64' })).rejects.toThrow(
    `${zipName('linux_amd64')} is not listed in ${join(rel, sumsName)}; refusing to install it`,
  );
  rmSync(join(rel, sumsName));
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_arm64' })).rejects.toThrow(
    `the release checksums ${join(rel, sumsName)} cannot be read: ENOENT`,
  );
});

test('sha256sum lines: two spaces or " *" (binary mode), the name exactly', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  expect(listedSum(`${a}  x.zip\n${b} *y.zip\n`, 'y.zip')).toBe(b);
  expect(listedSum(`${a}  x.zip\n`, 'x.zi')).toBeUndefined();
  expect(listedSum(`${a}  xx.zip\n`, 'x.zip')).toBeUndefined();
});

test('--signing-key: the right key passes; another key, a changed SHA256SUMS or a missing signature is refused', async () => {
  const ok = await checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64', signingKey: join(dir, 'pub.asc') });
  expect(ok.signedBy).toBe(join(dir, 'pub.asc'));

  const sig = join(rel, `${sumsName}.sig`);
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64', signingKey: join(dir, 'other.asc') })).rejects.toThrow(
    `${sig} is not a valid signature by ${join(dir, 'other.asc')} of the SHA256SUMS file`,
  );

  // SHA256SUMS rewritten to match a tampered zip: the checksum agrees, the signature does not.
  const tampered = packageZip('#!/bin/sh\necho evil\n');
  writeFileSync(join(rel, zipName('linux_amd64')), tampered);
  const sums = readFileSync(join(rel, sumsName), 'utf8').replace(hex(amd64), hex(tampered));
  writeFileSync(join(rel, sumsName), sums);
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64' })).resolves.toMatchObject({ zh: `zh:${hex(tampered)}` });
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64', signingKey: join(dir, 'pub.asc') })).rejects.toThrow(
    /is not a valid signature by .*pub\.asc of the SHA256SUMS file: .*refusing to install/,
  );

  writeFileSync(join(dir, 'junk.asc'), 'not a key');
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64', signingKey: join(dir, 'junk.asc') })).rejects.toThrow(
    `--signing-key ${join(dir, 'junk.asc')} is not an armored OpenPGP public key`,
  );
  rmSync(sig);
  await expect(checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64', signingKey: join(dir, 'pub.asc') })).rejects.toThrow(
    `${sig} is missing (an unsigned release?)`,
  );
});

test('the packed layout: the zip byte for byte; again changes nothing; an earlier launcher of the version and platform is removed', async () => {
  const mirror = join(dir, 'mirror');
  const script = join(dir, 'main.js');
  writeFileSync(script, '');
  const launcher = installMirror({ dir: mirror, platform: 'linux_amd64', version: VERSION, node: process.execPath, executable: script });
  // Another platform's launcher stays: it is another package.
  const armLauncher = installMirror({ dir: mirror, platform: 'linux_arm64', version: VERSION, node: process.execPath, executable: script });

  const checked = await checkRelease({ dir: rel, version: VERSION, platform: 'linux_amd64' });
  const packed = installPacked({ dir: mirror, version: VERSION, platform: 'linux_amd64', zip: checked.zip });
  expect(packed.path).toBe(join(mirror, MIRROR_TYPE_DIR, zipName('linux_amd64')));
  expect(readFileSync(packed.path).equals(amd64)).toBe(true);
  expect(packed.changed).toBe(true);
  expect(packed.removedLauncher).toBe(launcher.path);
  expect(packed.unpackedLeft).toEqual([]);
  expect(existsSync(join(mirror, MIRROR_TYPE_DIR, VERSION, 'linux_amd64'))).toBe(false);
  expect(existsSync(armLauncher.path)).toBe(true);

  const again = installPacked({ dir: mirror, version: VERSION, platform: 'linux_amd64', zip: checked.zip });
  expect(again).toEqual({ path: packed.path, changed: false, removedLauncher: undefined, unpackedLeft: [] });
});

test('a file in the unpacked package directory that this command did not write is kept and reported', () => {
  const mirror = join(dir, 'mirror');
  const unpacked = join(mirror, MIRROR_TYPE_DIR, VERSION, 'linux_amd64');
  mkdirSync(unpacked, { recursive: true });
  writeFileSync(join(unpacked, `terraform-provider-keyplane_v${VERSION}`), 'a provider of someone else');
  const packed = installPacked({ dir: mirror, version: VERSION, platform: 'linux_amd64', zip: amd64 });
  expect(packed.removedLauncher).toBeUndefined();
  expect(packed.unpackedLeft).toEqual([`terraform-provider-keyplane_v${VERSION}`]);
});

test('--dir that is a file is refused', () => {
  writeFileSync(join(dir, 'file'), '');
  expect(() => installPacked({ dir: join(dir, 'file'), version: VERSION, platform: 'linux_amd64', zip: amd64 })).toThrow(
    `--dir ${join(dir, 'file')} exists and is not a directory`,
  );
});

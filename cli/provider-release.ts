/**
 * Installing a released provider (what `npm run release` writes, docs/releases.md) into a filesystem mirror
 * in Terraform's packed layout (docs/sdk/local-installation.md#filesystem-mirrors):
 * `DIR/HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip`. The zip is checked against its
 * SHA256SUMS line (and the signature of SHA256SUMS, given a key) and copied unchanged, so every machine has
 * the same package and the lock file's `h1:` hash is the same everywhere.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROVIDER_ADDRESS } from '../contract/provider-address';
import { PROVIDER_NAME, sumsName, zipName } from '../contract/release-files';
import { readZip } from '../scripts/release/zip';
import { hash1 } from './dirhash';
import { UsageError } from './errors';
import { LAUNCHER_MARK, launcherName, prepareDir, writeFileOnce } from './provider-mirror';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Whether `dir` holds this version's zip for `platform` (the default --release must, to be used). */
export function hasReleaseFor(dir: string, version: string, platform: string): boolean {
  try {
    return statSync(join(dir, zipName(version, platform))).isFile();
  } catch {
    return false;
  }
}

/** The platforms `dir` holds zips of `version` for, for an error message. */
function platformsIn(dir: string, version: string): string[] {
  const prefix = `${PROVIDER_NAME}_${version}_`;
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.zip'))
      .map((f) => f.slice(prefix.length, -'.zip'.length))
      .sort();
  } catch {
    return [];
  }
}

function readOrRefuse(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`${what} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The hex SHA-256 SHA256SUMS lists for `name` (sha256sum's format: hash, two spaces or " *", name). */
export function listedSum(sums: string, name: string): string | undefined {
  for (const line of sums.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trimEnd());
    if (m && m[2] === name) return m[1];
  }
  return undefined;
}

/** Checks the detached signature `sig` of `sums` against the armored public key `armoredKey`; throws on any failure. */
export async function verifySignature(sums: Buffer, sig: Buffer, armoredKey: string, names: { sig: string; key: string }): Promise<void> {
  // openpgp is large and only this path needs it (cli/commands/pgp.ts loads it lazily too).
  const openpgp = require('openpgp') as typeof import('openpgp');
  let key: import('openpgp').Key;
  try {
    key = await openpgp.readKey({ armoredKey });
  } catch (err) {
    throw new UsageError(`--signing-key ${names.key} is not an armored OpenPGP public key: ${(err as Error).message}`);
  }
  try {
    const signature = await openpgp.readSignature({ binarySignature: sig });
    const message = await openpgp.createMessage({ binary: sums });
    const { signatures } = await openpgp.verify({ message, signature, verificationKeys: key, expectSigned: true });
    await signatures[0]!.verified;
  } catch (err) {
    throw new Error(`${names.sig} is not a valid signature by ${names.key} of the SHA256SUMS file: ${(err as Error).message}; refusing to install`);
  }
}

export interface CheckedRelease {
  /** The zip in the release directory. */
  source: string;
  zip: Buffer;
  /** `zh:` hash: SHA-256 of the zip, as registries sign it. */
  zh: string;
  /** `h1:` hash: Go's dirhash over the zip's contents, what `terraform init` records for a mirror. */
  h1: string;
  /** The key the signature was checked with, if any. */
  signedBy?: string;
}

/** `h1:` of a zip package: Terraform's PackageHashV1 runs dirhash.HashZip, Hash1 over the entries as named in the zip. */
export function zipHash1(zip: Buffer): string {
  const entries = readZip(zip);
  const data = new Map(entries.map((e) => [e.name, e.data]));
  return hash1([...data.keys()], (name) => data.get(name)!);
}

/** Picks `platform`'s zip of `version` in the release directory `dir` and checks it (and SHA256SUMS's signature, given `signingKey`). */
export async function checkRelease(o: { dir: string; version: string; platform: string; signingKey?: string }): Promise<CheckedRelease> {
  const dir = resolve(o.dir);
  const name = zipName(o.version, o.platform);
  const source = join(dir, name);
  if (!hasReleaseFor(dir, o.version, o.platform)) {
    const there = platformsIn(dir, o.version);
    throw new UsageError(
      `--release ${dir} has no ${name}${there.length ? ` (it has ${o.version} for ${there.join(', ')})` : ` (no zip of version ${o.version})`}: build it with \`npm run release -- --platform ${o.platform}\`, or pick another with --platform`,
    );
  }
  const sumsPath = join(dir, sumsName(o.version));
  const sums = readOrRefuse(sumsPath, 'the release checksums');
  if (o.signingKey !== undefined) {
    const key = readOrRefuse(o.signingKey, '--signing-key').toString('utf8');
    const sigPath = `${sumsPath}.sig`;
    if (!existsSync(sigPath))
      throw new Error(`${sigPath} is missing (an unsigned release?): cannot check the release against --signing-key; refusing to install`);
    await verifySignature(sums, readOrRefuse(sigPath, 'the signature'), key, { sig: sigPath, key: o.signingKey });
  }
  const listed = listedSum(sums.toString('utf8'), name);
  if (listed === undefined) throw new Error(`${name} is not listed in ${sumsPath}; refusing to install it`);
  const zip = readOrRefuse(source, 'the release zip');
  const actual = sha256(zip);
  if (actual !== listed) throw new Error(`${source} does not match its line in ${sumsPath} (SHA-256 ${actual}, listed ${listed}); refusing to install it`);
  let h1: string;
  try {
    h1 = zipHash1(zip);
  } catch (err) {
    throw new Error(`${source} cannot be read as a zip: ${(err as Error).message}`);
  }
  return { source, zip, zh: `zh:${actual}`, h1, signedBy: o.signingKey };
}

export interface PackedInstall {
  /** The zip in the mirror. */
  path: string;
  /** Whether it was written (false: the same bytes were there already). */
  changed: boolean;
  /** The launcher an earlier `keyplane provider install` put into the unpacked layout for this version and platform, now removed. */
  removedLauncher?: string;
  /** Files still in that unpacked package directory: Terraform would see two packages. */
  unpackedLeft: string[];
}

/** Removes `dir` if empty; ignores failures (then it simply stays). */
function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // not there, or not empty
  }
}

/** Copies the checked zip into `DIR/HOST/NAMESPACE/TYPE/`, replacing an earlier launcher of this version and platform. */
export function installPacked(o: { dir: string; version: string; platform: string; zip: Buffer }): PackedInstall {
  const dir = resolve(o.dir);
  const typeDir = prepareDir(dir, PROVIDER_ADDRESS);
  const path = join(typeDir, zipName(o.version, o.platform));
  let changed: boolean;
  try {
    changed = writeFileOnce(path, o.zip, 0o644, typeDir);
  } catch (err) {
    throw new UsageError(`--dir ${dir} cannot be used: writing ${path} failed: ${(err as Error).message}`);
  }

  // An unpacked package of the same version and platform beside the zip: Terraform finds two and fails.
  const versionDir = join(typeDir, o.version);
  const unpacked = join(versionDir, o.platform);
  const launcher = join(unpacked, launcherName(o.version));
  let removedLauncher: string | undefined;
  try {
    if (statSync(launcher).isFile() && readFileSync(launcher, 'utf8').includes(LAUNCHER_MARK)) {
      unlinkSync(launcher);
      removedLauncher = launcher;
    }
  } catch {
    // no launcher there
  }
  removeIfEmpty(unpacked);
  removeIfEmpty(versionDir);
  let unpackedLeft: string[] = [];
  try {
    unpackedLeft = readdirSync(unpacked);
  } catch {
    // gone
  }
  return { path, changed, removedLauncher, unpackedLeft };
}

/** The packed zip of `version`/`platform` in mirror `dir`, if one is there (the launcher install warns of it). */
export function packedZipIn(dir: string, version: string, platform: string): string | undefined {
  const path = join(resolve(dir), PROVIDER_ADDRESS, zipName(version, platform));
  return existsSync(path) ? path : undefined;
}

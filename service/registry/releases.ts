/**
 * The provider releases a service serves as a Terraform provider registry (service/registry/routes.ts): what
 * `npm run release` writes, per version, into one directory (or one directory per version under it):
 *
 *   terraform-provider-TYPE_VERSION_OS_ARCH.zip     one per platform
 *   terraform-provider-TYPE_VERSION_SHA256SUMS      sha256sum lines over the zips and the manifest
 *   terraform-provider-TYPE_VERSION_SHA256SUMS.sig  a binary detached OpenPGP signature of it
 *   terraform-provider-TYPE_VERSION_manifest.json   {"version":1,"metadata":{"protocol_versions":["6.0"]}}
 *
 * Nothing else is read or served: the CDK bindings' npm tarballs that `npm run release` writes into a
 * `bindings/` folder beside these (scripts/release/bindings.ts) are a subfolder without a provider
 * SHA256SUMS, so they are not a version, and no URL reaches them (service/registry/registry.test.ts).
 *
 * Everything is checked when the service starts, so a bad release directory stops it with a message naming
 * the file, instead of failing `terraform init` later: the signature must verify against one of the signing
 * keys given, and every zip must be listed and match its checksum. Terraform checks both again on download.
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicKey } from 'openpgp';
import { PROVIDER_TYPE } from '../../contract/provider-address';
import { manifestName, PROVIDER_NAME, sumsName, zipName } from '../../contract/release-files';

type OpenPGP = typeof import('openpgp');
/** openpgp is large and only a service serving releases needs it: loaded then. */
const openpgp = (): OpenPGP => require('openpgp') as OpenPGP;

export interface SigningKey {
  /** The primary key's long id, upper-case hex, as the registry protocol's key_id. */
  keyId: string;
  armored: string;
  key: PublicKey;
}

export interface ReleaseFile {
  name: string;
  path: string;
  size: number;
}

export interface PlatformPackage extends ReleaseFile {
  os: string;
  arch: string;
  /** Hex SHA-256 of the zip, as SHA256SUMS lists it. */
  sha256: string;
}

export interface ProviderVersion {
  version: string;
  /** MAJOR.MINOR protocol versions from the manifest. */
  protocols: string[];
  platforms: PlatformPackage[];
  shasums: ReleaseFile;
  signature: ReleaseFile;
  /** The keys that verified this version's signature. */
  signedBy: SigningKey[];
}

export interface ProviderReleases {
  type: string;
  versions: Map<string, ProviderVersion>;
  /** A file of some version by name: only these are ever served. */
  file(version: string, name: string): ReleaseFile | undefined;
}

/** Semantic versions as Terraform reads them (a pre-release suffix allowed), no build metadata. */
const VERSION = '(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)';
const SHASUMS_NAME = new RegExp(`^${PROVIDER_NAME}_${VERSION}_SHA256SUMS$`);
const ZIP_NAME = new RegExp(`^${PROVIDER_NAME}_${VERSION}_([a-z0-9]+)_([a-z0-9]+)\\.zip$`);

/** Reads the signing keys (ASCII-armored OpenPGP public keys, one or more per file). */
export async function readSigningKeys(files: string[]): Promise<SigningKey[]> {
  const keys: SigningKey[] = [];
  for (const file of files) {
    let armored: string;
    try {
      armored = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`--provider-signing-key ${file} cannot be read: ${(err as Error).message}`);
    }
    let read: PublicKey[];
    try {
      read = (await openpgp().readKeys({ armoredKeys: armored })) as PublicKey[];
    } catch (err) {
      throw new Error(`--provider-signing-key ${file} is not an ASCII-armored OpenPGP public key: ${(err as Error).message}`);
    }
    for (const key of read) {
      if (key.isPrivate()) throw new Error(`--provider-signing-key ${file} holds a private key; give the public key only (gpg --export --armor KEYID)`);
      keys.push({ keyId: key.getKeyID().toHex().toUpperCase(), armored: key.armor(), key });
    }
  }
  return keys;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function releaseFile(dir: string, name: string): ReleaseFile {
  const path = join(dir, name);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new Error(`${path} is missing: a release needs it beside its SHA256SUMS`);
  }
  return { name, path, size };
}

/** The `hex  name` lines of a SHA256SUMS file (sha256sum's format; `*` marks binary mode). */
function parseShasums(text: string, path: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (!m) throw new Error(`${path} line ${i + 1} is not "SHA256  FILENAME"`);
    sums.set(m[2]!, m[1]!);
  }
  return sums;
}

async function loadVersion(dir: string, shasumsName: string, version: string, keys: SigningKey[]): Promise<ProviderVersion> {
  const shasums = releaseFile(dir, shasumsName);
  const signature = releaseFile(dir, `${shasumsName}.sig`);
  const text = readFileSync(shasums.path);
  const pgp = openpgp();
  let signatureRead;
  try {
    signatureRead = await pgp.readSignature({ binarySignature: readFileSync(signature.path) });
  } catch (err) {
    throw new Error(`${signature.path} is not a binary OpenPGP signature: ${(err as Error).message}`);
  }
  const signedBy: SigningKey[] = [];
  for (const key of keys) {
    const result = await pgp.verify({ message: await pgp.createMessage({ binary: text }), signature: signatureRead, verificationKeys: key.key });
    const ok = await Promise.all(
      result.signatures.map((s) =>
        s.verified.then(
          () => true,
          () => false,
        ),
      ),
    );
    if (ok.some(Boolean)) signedBy.push(key);
  }
  if (signedBy.length === 0)
    throw new Error(`${signature.path} is not a valid signature of ${shasums.name} by any signing key given (${keys.map((k) => k.keyId).join(', ')})`);

  const sums = parseShasums(text.toString('utf8'), shasums.path);
  const manifest = releaseFile(dir, manifestName(version));
  const manifestSum = sums.get(manifest.name);
  if (manifestSum !== undefined && manifestSum !== (await sha256File(manifest.path)))
    throw new Error(`${manifest.path} does not match its line in ${shasums.name}`);
  let protocols: string[];
  try {
    const parsed = JSON.parse(readFileSync(manifest.path, 'utf8')) as { version?: number; metadata?: { protocol_versions?: unknown } };
    const listed = parsed.metadata?.protocol_versions;
    if (parsed.version !== 1 || !Array.isArray(listed) || listed.length === 0 || !listed.every((p) => typeof p === 'string' && /^\d+\.\d+$/.test(p)))
      throw new Error('want {"version":1,"metadata":{"protocol_versions":["6.0"]}}');
    protocols = listed as string[];
  } catch (err) {
    throw new Error(`${manifest.path}: ${(err as Error).message}`);
  }

  const platforms: PlatformPackage[] = [];
  for (const [name, sha256] of sums) {
    const m = ZIP_NAME.exec(name);
    if (!m) continue;
    if (m[1] !== version) throw new Error(`${shasums.path} lists ${name}, a package of another version`);
    const file = releaseFile(dir, name);
    if ((await sha256File(file.path)) !== sha256) throw new Error(`${file.path} does not match its line in ${shasums.name}`);
    platforms.push({ ...file, os: m[2]!, arch: m[3]!, sha256 });
  }
  if (platforms.length === 0) throw new Error(`${shasums.path} lists no ${zipName(version, 'OS_ARCH')}`);
  for (const name of readdirSync(dir)) {
    const m = ZIP_NAME.exec(name);
    if (m && m[1] === version && !sums.has(name)) throw new Error(`${join(dir, name)} is not listed in ${shasums.name}, so it cannot be verified`);
  }
  platforms.sort((a, b) => `${a.os}_${a.arch}`.localeCompare(`${b.os}_${b.arch}`));
  return { version, protocols, platforms, shasums, signature, signedBy };
}

/** Reads and checks every release in `dir` and the directories right under it. */
export async function loadProviderReleases(dir: string, signingKeyFiles: string[]): Promise<ProviderReleases> {
  if (signingKeyFiles.length === 0)
    throw new Error('--provider-releases needs --provider-signing-key FILE: Terraform verifies each release against the key the registry names');
  const keys = await readSigningKeys(signingKeyFiles);
  if (keys.length === 0) throw new Error('--provider-signing-key holds no public key');
  let top: string[];
  try {
    top = readdirSync(dir);
  } catch (err) {
    throw new Error(`--provider-releases ${dir} cannot be read: ${(err as Error).message}`);
  }
  const dirs = [dir, ...top.map((n) => join(dir, n)).filter((p) => statSync(p).isDirectory())];
  const versions = new Map<string, ProviderVersion>();
  for (const d of dirs) {
    for (const name of readdirSync(d).sort()) {
      const m = SHASUMS_NAME.exec(name);
      if (!m) continue;
      const version = m[1]!;
      if (versions.has(version)) throw new Error(`${join(d, name)}: version ${version} is in ${dir} twice`);
      versions.set(version, await loadVersion(d, name, version, keys));
    }
  }
  if (versions.size === 0) throw new Error(`--provider-releases ${dir} holds no ${sumsName('VERSION')}`);
  return {
    type: PROVIDER_TYPE,
    versions,
    file(version, name) {
      const v = versions.get(version);
      if (!v) return undefined;
      return [v.shasums, v.signature, ...v.platforms].find((f) => f.name === name);
    },
  };
}

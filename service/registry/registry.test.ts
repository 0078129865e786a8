/**
 * The service as a Terraform provider registry (service/registry/): the protocol's answers for a signed
 * release directory, the exact bytes of every file, 404s in the API's error shape for anything else, and a
 * release directory that cannot be trusted refused at start, naming the file. test/e2e/registry.test.ts
 * installs through it with the real terraform.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as openpgp from 'openpgp';
import { join } from 'node:path';
import { MANIFEST, detachedSignature, releaseName, signingKeyPair, writeBindings, writeRelease } from '../../test/helpers/provider-release';
import { startTestService, type TestService } from '../../test/helpers/service';
import { loadProviderReleases } from './releases';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let root: string;
let keyFile: string;
let otherKeyFile: string;
let keys: Awaited<ReturnType<typeof signingKeyPair>>;
let other: Awaited<ReturnType<typeof signingKeyPair>>;
const packages = { linux_amd64: randomBytes(4096), darwin_arm64: randomBytes(2048), windows_amd64: randomBytes(1024) };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'keyplane-registry-'));
  keys = await signingKeyPair();
  other = await signingKeyPair();
  keyFile = join(root, 'signing-key.asc');
  otherKeyFile = join(root, 'other-key.asc');
  writeFileSync(keyFile, keys.publicKey);
  writeFileSync(otherKeyFile, other.publicKey);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh copy of a good release of `version` (or several) to break. */
async function releaseDir(versions: Record<string, string> = { '0.2.0': '.' }): Promise<string> {
  const dir = mkdtempSync(join(root, 'releases-'));
  for (const [version, sub] of Object.entries(versions)) await writeRelease(join(dir, sub), version, packages, keys.privateKey);
  return dir;
}

describe('serving a signed release', () => {
  let svc: TestService;
  let dir: string;
  let tarballs: string[];
  beforeAll(async () => {
    dir = await releaseDir({ '0.2.0': '.', '0.1.0': '0.1.0' });
    // As `npm run release` writes it: the CDK bindings' tarballs in bindings/, with a SHA256SUMS of their own.
    tarballs = await writeBindings(dir, '0.2.0', keys.privateKey);
    svc = await startTestService({ app: { providerReleases: await loadProviderReleases(dir, [keyFile]) } });
  });
  afterAll(() => svc.close());

  const get = (url: string) => svc.request({ method: 'GET', url, key: null });
  const raw = (url: string, method: 'GET' | 'HEAD' = 'GET') => svc.app.inject({ method, url });

  test('service discovery names the providers.v1 base, without authentication', async () => {
    const r = await get('/.well-known/terraform.json');
    expect([r.status, r.body]).toEqual([200, { 'providers.v1': '/terraform/providers/v1/' }]);
  });

  test('versions lists every version with its protocols and platforms', async () => {
    const r = await get('/terraform/providers/v1/keyplane/keyplane/versions');
    expect(r.status).toBe(200);
    const platforms = [
      { os: 'darwin', arch: 'arm64' },
      { os: 'linux', arch: 'amd64' },
      { os: 'windows', arch: 'amd64' },
    ];
    expect(r.body.versions.sort((a: { version: string }, b: { version: string }) => a.version.localeCompare(b.version))).toEqual([
      { version: '0.1.0', protocols: ['6.0'], platforms },
      { version: '0.2.0', protocols: ['6.0'], platforms },
    ]);
  });

  test('download names the package, its checksum, the signed SHA256SUMS and the key that signed it; each URL serves the exact bytes', async () => {
    const r = await get('/terraform/providers/v1/keyplane/keyplane/0.2.0/download/linux/amd64');
    expect(r.status).toBe(200);
    const zip = releaseName('0.2.0', 'linux_amd64.zip');
    expect(r.body).toMatchObject({ protocols: ['6.0'], os: 'linux', arch: 'amd64', filename: zip, shasum: sha256(packages.linux_amd64) });
    const [key] = r.body.signing_keys.gpg_public_keys;
    expect(r.body.signing_keys.gpg_public_keys).toHaveLength(1);
    const pub = await openpgp.readKey({ armoredKey: keys.publicKey });
    expect(key.key_id).toBe(pub.getKeyID().toHex().toUpperCase());
    expect((await openpgp.readKey({ armoredKey: key.ascii_armor })).getFingerprint()).toBe(pub.getFingerprint());

    const zipAnswer = await raw(r.body.download_url);
    expect([zipAnswer.statusCode, zipAnswer.headers['content-type']]).toEqual([200, 'application/zip']);
    expect(zipAnswer.rawPayload.equals(packages.linux_amd64)).toBe(true);
    const head = await raw(r.body.download_url, 'HEAD');
    expect([head.statusCode, head.headers['content-length']]).toEqual([200, String(packages.linux_amd64.length)]);
    const sums = await raw(r.body.shasums_url);
    expect(sums.rawPayload.equals(readFileSync(join(dir, releaseName('0.2.0', 'SHA256SUMS'))))).toBe(true);
    expect(sums.body).toContain(`${sha256(packages.linux_amd64)}  ${zip}`);
    const sig = await raw(r.body.shasums_signature_url);
    expect(sig.rawPayload.equals(readFileSync(join(dir, releaseName('0.2.0', 'SHA256SUMS.sig'))))).toBe(true);
    // The version kept in its own directory is served the same way.
    const older = await get('/terraform/providers/v1/keyplane/keyplane/0.1.0/download/windows/amd64');
    expect((await raw(older.body.download_url)).rawPayload.equals(packages.windows_amd64)).toBe(true);
  });

  test('anything else is a 404 in the error shape: another provider, version or platform, a file outside the release, the bindings', async () => {
    for (const url of [
      '/terraform/providers/v1/hashicorp/keyplane/versions',
      '/terraform/providers/v1/keyplane/other/versions',
      '/terraform/providers/v1/keyplane/keyplane/9.9.9/download/linux/amd64',
      '/terraform/providers/v1/keyplane/keyplane/0.2.0/download/linux/arm64',
      `/terraform/providers/files/0.2.0/${releaseName('0.2.0', 'manifest.json')}`,
      `/terraform/providers/files/0.1.0/${releaseName('0.2.0', 'linux_amd64.zip')}`,
      '/terraform/providers/files/0.2.0/..%2F..%2F..%2Fetc%2Fpasswd',
      '/terraform/providers/files/..%2F0.2.0/signing-key.asc',
      ...tarballs.flatMap((t) => [`/terraform/providers/files/0.2.0/${t}`, `/terraform/providers/files/0.2.0/bindings%2F${t}`]),
      '/terraform/providers/files/0.2.0/SHA256SUMS',
      '/terraform/providers/files/bindings/SHA256SUMS',
    ]) {
      const r = await get(url);
      expect([url, r.status, r.body.error?.code]).toEqual([url, 404, 'not_found']);
    }
  });

  test('the API under /v1 still needs a key', async () => {
    expect((await get('/v1/api-keys')).status).toBe(401);
  });
});

test('without releases, the service serves no registry', async () => {
  const svc = await startTestService();
  try {
    expect((await svc.request({ method: 'GET', url: '/.well-known/terraform.json', key: null })).status).toBe(404);
  } finally {
    await svc.close();
  }
});

describe('a release directory that cannot be trusted stops the start, naming the file', () => {
  const fails = async (dir: string, message: RegExp, keyFiles = [keyFile]) => {
    await expect(loadProviderReleases(dir, keyFiles)).rejects.toThrow(message);
  };

  test('a signature by another key', async () => {
    await fails(await releaseDir(), /SHA256SUMS\.sig is not a valid signature of .*SHA256SUMS by any signing key given/, [otherKeyFile]);
  });

  test('a SHA256SUMS changed after signing', async () => {
    const dir = await releaseDir();
    const path = join(dir, releaseName('0.2.0', 'SHA256SUMS'));
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0')),
    );
    await fails(dir, /SHA256SUMS\.sig is not a valid signature/);
  });

  test('a zip changed after signing, a zip not listed, a missing zip, a missing signature or manifest', async () => {
    let dir = await releaseDir();
    writeFileSync(join(dir, releaseName('0.2.0', 'linux_amd64.zip')), randomBytes(16));
    await fails(dir, /linux_amd64\.zip does not match its line in terraform-provider-keyplane_0\.2\.0_SHA256SUMS/);

    dir = await releaseDir();
    writeFileSync(join(dir, releaseName('0.2.0', 'linux_arm64.zip')), randomBytes(16));
    await fails(dir, /linux_arm64\.zip is not listed in terraform-provider-keyplane_0\.2\.0_SHA256SUMS/);

    for (const missing of ['darwin_arm64.zip', 'SHA256SUMS.sig', 'manifest.json']) {
      dir = await releaseDir();
      unlinkSync(join(dir, releaseName('0.2.0', missing)));
      await fails(dir, new RegExp(`${releaseName('0.2.0', missing).replace(/\./g, '\\.')} is missing`));
    }
  });

  test('a manifest that is not the registry manifest, or one changed after signing', async () => {
    const dir = await releaseDir();
    writeFileSync(join(dir, releaseName('0.2.0', 'manifest.json')), '{"version":1}');
    await fails(dir, /manifest\.json does not match its line/);
    // Unlisted (an older release's SHA256SUMS may not cover it), its content is still checked.
    const unlisted = mkdtempSync(join(root, 'releases-'));
    const zip = releaseName('0.3.0', 'linux_amd64.zip');
    writeFileSync(join(unlisted, zip), packages.linux_amd64);
    writeFileSync(join(unlisted, releaseName('0.3.0', 'manifest.json')), '{"version":1,"metadata":{"protocol_versions":[6]}}');
    const sums = `${sha256(packages.linux_amd64)}  ${zip}\n`;
    writeFileSync(join(unlisted, releaseName('0.3.0', 'SHA256SUMS')), sums);
    writeFileSync(join(unlisted, releaseName('0.3.0', 'SHA256SUMS.sig')), await detachedSignature(Buffer.from(sums), keys.privateKey));
    await fails(unlisted, /manifest\.json: want \{"version":1,"metadata":\{"protocol_versions":\["6\.0"\]\}\}/);
    writeFileSync(join(unlisted, releaseName('0.3.0', 'manifest.json')), MANIFEST);
    expect((await loadProviderReleases(unlisted, [keyFile])).versions.get('0.3.0')?.platforms.map((p) => p.name)).toEqual([zip]);
  });

  test('no signing key, a private key as the signing key, an empty or unreadable directory, a version twice', async () => {
    const dir = await releaseDir();
    await fails(dir, /--provider-releases needs --provider-signing-key/, []);
    const privateFile = join(root, 'private.asc');
    writeFileSync(privateFile, keys.privateKey);
    await fails(dir, /holds a private key/, [privateFile]);
    await fails(mkdtempSync(join(root, 'empty-')), /holds no terraform-provider-keyplane_VERSION_SHA256SUMS/);
    await fails(join(root, 'nowhere'), /--provider-releases .*nowhere cannot be read/);
    const twice = await releaseDir({ '0.2.0': '.' });
    mkdirSync(join(twice, 'copy'));
    await writeRelease(join(twice, 'copy'), '0.2.0', packages, keys.privateKey);
    await fails(twice, /version 0\.2\.0 is in .* twice/);
  });
});

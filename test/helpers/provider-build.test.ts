import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sumsName, zipName } from '../../contract/release-files';
import { nativeTarget } from '../../scripts/release/platforms';
import { writeZip } from '../../scripts/release/zip';
import { checkedReleaseZip, pathWithoutNode, providerBuild, providerEnv, releasedTestProvider } from './provider-build';

const VERSION = '9.9.9';
const PLATFORM = nativeTarget()!;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const TEST_BUNDLE = 'dist/test/fixtures/conformance-provider/terraform-provider-conformance';

/**
 * A repository at `root` whose build manifest lists src/a.ts for the provider, a test provider and the
 * programs building them, and a release of it in root/release with that test provider built beside it.
 */
function repository(): { root: string; release: string; zipPath: string; zip: Buffer; testProvider: string } {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-provider-build-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ version: VERSION }));
  writeFileSync(join(root, 'src/a.ts'), 'export {};\n');
  const entry = { sources: { 'src/a.ts': 'x' } };
  const programs = ['dist/provider/keyplane/main.js', 'dist/scripts/release/main.js', TEST_BUNDLE, 'dist/scripts/release/test-provider.js'];
  writeFileSync(join(root, 'dist/build-manifest.json'), JSON.stringify(Object.fromEntries(programs.map((p) => [p, entry]))));
  // File times are as coarse as the kernel's clock tick: the source an hour back, the release a minute back.
  const past = new Date(Date.now() - 60_000);
  const earlier = new Date(Date.now() - 3_600_000);
  utimesSync(join(root, 'src/a.ts'), earlier, earlier);
  const release = join(root, 'release');
  mkdirSync(release);
  const zip = writeZip([{ name: `terraform-provider-keyplane_v${VERSION}`, data: Buffer.from('#!/bin/sh\n'), mode: 0o755 }], past);
  const zipPath = join(release, zipName(VERSION, PLATFORM));
  writeFileSync(zipPath, zip);
  writeFileSync(join(release, sumsName(VERSION)), `${sha256(zip)}  ${zipName(VERSION, PLATFORM)}\n`);
  utimesSync(zipPath, past, past);
  mkdirSync(join(release, 'test-providers'));
  const testProvider = join(release, 'test-providers', 'terraform-provider-conformance');
  writeFileSync(testProvider, '#!/bin/sh\n', { mode: 0o755 });
  utimesSync(testProvider, past, past);
  return { root, release, zipPath, zip, testProvider };
}

describe('the release the end-to-end tests run (KEYPLANE_TEST_PROVIDER)', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });
  const make = () => {
    const r = repository();
    roots.push(r.root);
    return r;
  };

  test('is taken when its zip for this platform matches SHA256SUMS and is newer than every source', () => {
    const { root, release, zipPath, zip } = make();
    expect(checkedReleaseZip(release, root)).toEqual({ path: zipPath, sha256: sha256(zip), zip });
  });

  test('is refused when the zip does not match its SHA256SUMS line', () => {
    const { root, release, zipPath } = make();
    writeFileSync(zipPath, Buffer.concat([Buffer.from('x'), make().zip]));
    expect(() => checkedReleaseZip(release, root)).toThrow(/does not match its line in .*_SHA256SUMS/);
  });

  test('is refused when a source of the provider changed after it was built, saying how to build one', () => {
    const { root, release } = make();
    writeFileSync(join(root, 'src/a.ts'), 'export const changed = 1;\n');
    expect(() => checkedReleaseZip(release, root)).toThrow(/is older than src\/a\.ts: .*npm run test:e2e:release/);
  });

  test('is refused when the directory has no zip of this version for this platform', () => {
    const { root } = make();
    expect(() => checkedReleaseZip(join(root, 'src'), root)).toThrow(`has no ${zipName(VERSION, PLATFORM)}`);
  });

  test('a test provider built beside it is taken when newer than every source of its bundle and of the build making it', () => {
    const { root, release, testProvider } = make();
    expect(releasedTestProvider(release, 'terraform-provider-conformance', TEST_BUNDLE, root)).toBe(testProvider);
  });

  test('a test provider is refused when a source changed after it was built, or when it is missing, saying how to build one', () => {
    const { root, release } = make();
    expect(() => releasedTestProvider(release, 'terraform-provider-other', TEST_BUNDLE, root)).toThrow(
      /has no test-providers\/terraform-provider-other: run `npm run test:e2e:release`/,
    );
    writeFileSync(join(root, 'src/a.ts'), 'export const changed = 1;\n');
    expect(() => releasedTestProvider(release, 'terraform-provider-conformance', TEST_BUNDLE, root)).toThrow(
      /terraform-provider-conformance is older than src\/a\.ts: .*test-provider\.js --out DIR/,
    );
  });

  test('KEYPLANE_TEST_PROVIDER: unset or dev is the development bundle, release is dist/release, anything else a release directory', () => {
    const saved = process.env.KEYPLANE_TEST_PROVIDER;
    try {
      delete process.env.KEYPLANE_TEST_PROVIDER;
      expect(providerBuild()).toEqual({ kind: 'dev' });
      process.env.KEYPLANE_TEST_PROVIDER = 'dev';
      expect(providerBuild()).toEqual({ kind: 'dev' });
      process.env.KEYPLANE_TEST_PROVIDER = 'release';
      expect(providerBuild()).toEqual({ kind: 'release', dir: join(__dirname, '../../dist/release') });
      process.env.KEYPLANE_TEST_PROVIDER = '/somewhere/else';
      expect(providerBuild()).toEqual({ kind: 'release', dir: '/somewhere/else' });
    } finally {
      if (saved === undefined) delete process.env.KEYPLANE_TEST_PROVIDER;
      else process.env.KEYPLANE_TEST_PROVIDER = saved;
    }
  });

  test('the PATH a released provider gets has no directory holding node', () => {
    const { root } = make();
    mkdirSync(join(root, 'with'));
    writeFileSync(join(root, 'with/node'), '', { mode: 0o755 });
    expect(pathWithoutNode([join(root, 'src'), join(root, 'with'), '', join(root, 'dist')].join(':'))).toBe(`${join(root, 'src')}:${join(root, 'dist')}`);
  });

  test('every provider of a release run gets that PATH; the development bundles keep the PATH they need for node', () => {
    const saved = { provider: process.env.KEYPLANE_TEST_PROVIDER, path: process.env.PATH };
    const { root } = make();
    mkdirSync(join(root, 'with'));
    writeFileSync(join(root, 'with/node'), '', { mode: 0o755 });
    try {
      process.env.PATH = `${join(root, 'with')}:${join(root, 'src')}`;
      process.env.KEYPLANE_TEST_PROVIDER = 'release';
      expect(providerEnv()).toEqual({ PATH: join(root, 'src') });
      process.env.KEYPLANE_TEST_PROVIDER = 'dev';
      expect(providerEnv()).toEqual({});
    } finally {
      process.env.PATH = saved.path;
      if (saved.provider === undefined) delete process.env.KEYPLANE_TEST_PROVIDER;
      else process.env.KEYPLANE_TEST_PROVIDER = saved.provider;
    }
  });
});

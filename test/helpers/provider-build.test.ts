import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sumsName, zipName } from '../../contract/release-files';
import { nativeTarget } from '../../scripts/release/platforms';
import { writeZip } from '../../scripts/release/zip';
import { checkedReleaseZip, pathWithoutNode, providerBuild } from './provider-build';

const VERSION = '9.9.9';
const PLATFORM = nativeTarget()!;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A repository at `root` whose build manifest lists src/a.ts for the provider and the release build, and a release of it in root/release. */
function repository(): { root: string; release: string; zipPath: string; zip: Buffer } {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-provider-build-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ version: VERSION }));
  writeFileSync(join(root, 'src/a.ts'), 'export {};\n');
  const entry = { sources: { 'src/a.ts': 'x' } };
  writeFileSync(join(root, 'dist/build-manifest.json'), JSON.stringify({ 'dist/provider/keyplane/main.js': entry, 'dist/scripts/release/main.js': entry }));
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
  return { root, release, zipPath, zip };
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
});

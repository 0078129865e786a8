import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyReleaseDir } from './build';

describe('emptyReleaseDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-release-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('creates a missing folder, and removes the files of an earlier release', () => {
    emptyReleaseDir(join(root, 'new', 'release'));
    expect(readdirSync(join(root, 'new', 'release'))).toEqual([]);
    writeFileSync(join(root, 'terraform-provider-keyplane_0.0.9_linux_amd64.zip'), 'old');
    writeFileSync(join(root, 'terraform-provider-keyplane_0.0.9_SHA256SUMS'), 'old');
    mkdirSync(join(root, 'bindings'));
    for (const f of ['keyplane-cdktn-0.0.9.tgz', 'SHA256SUMS', 'SHA256SUMS.sig']) writeFileSync(join(root, 'bindings', f), 'old');
    rmSync(join(root, 'new'), { recursive: true });
    emptyReleaseDir(root);
    expect(readdirSync(root)).toEqual([]);
  });

  test('removes the test providers built into a test release (test-provider.ts)', () => {
    writeFileSync(join(root, 'terraform-provider-keyplane_0.0.9_linux_amd64.zip'), 'old');
    mkdirSync(join(root, 'test-providers'));
    writeFileSync(join(root, 'test-providers', 'terraform-provider-conformance'), 'old');
    emptyReleaseDir(root);
    expect(readdirSync(root)).toEqual([]);
  });

  test('refuses a test-providers folder holding anything but provider executables', () => {
    mkdirSync(join(root, 'test-providers', 'terraform-provider-nested'), { recursive: true });
    expect(() => emptyReleaseDir(root)).toThrow(/holds files that are not release files \(test-providers\): refusing to empty it/);
    rmSync(join(root, 'test-providers', 'terraform-provider-nested'), { recursive: true });
    writeFileSync(join(root, 'test-providers', 'notes.txt'), 'mine');
    expect(() => emptyReleaseDir(root)).toThrow(/holds files that are not release files \(test-providers\): refusing to empty it/);
    expect(existsSync(join(root, 'test-providers', 'notes.txt'))).toBe(true);
  });

  test('refuses a bindings folder holding anything but tarballs and their SHA256SUMS', () => {
    mkdirSync(join(root, 'bindings', 'cdktn'), { recursive: true });
    writeFileSync(join(root, 'bindings', 'SHA256SUMS'), 'old');
    expect(() => emptyReleaseDir(root)).toThrow(/holds files that are not release files \(bindings\): refusing to empty it/);
    expect(existsSync(join(root, 'bindings', 'cdktn'))).toBe(true);
  });

  test('refuses a folder holding anything else, and leaves it as it was', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'terraform-provider-keyplane_0.0.9_SHA256SUMS'), 'old');
    expect(() => emptyReleaseDir(root)).toThrow(/holds files that are not release files \(src\): refusing to empty it/);
    expect(existsSync(join(root, 'src'))).toBe(true);
    expect(existsSync(join(root, 'terraform-provider-keyplane_0.0.9_SHA256SUMS'))).toBe(true);
  });
});

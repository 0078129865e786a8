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
    rmSync(join(root, 'new'), { recursive: true });
    emptyReleaseDir(root);
    expect(readdirSync(root)).toEqual([]);
  });

  test('refuses a folder holding anything else, and leaves it as it was', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'terraform-provider-keyplane_0.0.9_SHA256SUMS'), 'old');
    expect(() => emptyReleaseDir(root)).toThrow(/holds files that are not release files \(src\): refusing to empty it/);
    expect(existsSync(join(root, 'src'))).toBe(true);
    expect(existsSync(join(root, 'terraform-provider-keyplane_0.0.9_SHA256SUMS'))).toBe(true);
  });
});

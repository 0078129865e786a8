import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestProviders, notATestRelease, parseTestProviders } from './test-provider';

describe('test providers', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keyplane-test-provider-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('are named ENTRY=NAME, NAME an executable Terraform runs as a provider', () => {
    expect(parseTestProviders(['test/fixtures/conformance-provider/main.ts=terraform-provider-conformance'])).toEqual([
      { entry: 'test/fixtures/conformance-provider/main.ts', name: 'terraform-provider-conformance' },
    ]);
    expect(() => parseTestProviders([])).toThrow('no ENTRY=NAME given');
    expect(() => parseTestProviders(['main.ts'])).toThrow('expected ENTRY=NAME, got main.ts');
    expect(() => parseTestProviders(['main.ts=conformance'])).toThrow('conformance: a provider executable is named terraform-provider-TYPE');
    expect(() => parseTestProviders(['main.ts=terraform-provider-x/../y'])).toThrow('a provider executable is named terraform-provider-TYPE');
  });

  test('go into a test release only: never dist/release, nor a folder holding a signed release', () => {
    expect(notATestRelease(root, join(root, 'dist', 'test-release'))).toBeNull();
    expect(notATestRelease(root, join(root, 'dist', 'release'))).toBe("dist/release is the published release's folder");
    const signed = join(root, 'elsewhere');
    mkdirSync(signed);
    writeFileSync(join(signed, 'terraform-provider-keyplane_0.1.0_SHA256SUMS'), '');
    expect(notATestRelease(root, signed)).toBeNull();
    writeFileSync(join(signed, 'terraform-provider-keyplane_0.1.0_SHA256SUMS.sig'), '');
    expect(notATestRelease(root, signed)).toBe(`${signed} holds a signed release (terraform-provider-keyplane_0.1.0_SHA256SUMS.sig)`);
  });

  test('are refused for the published release before anything is built or written', async () => {
    const release = join(root, 'dist', 'release');
    mkdirSync(release, { recursive: true });
    await expect(buildTestProviders(root, release, [{ entry: 'main.ts', name: 'terraform-provider-x' }], join(root, 'cache'), () => {})).rejects.toThrow(
      `refusing to build test providers into ${release}: dist/release is the published release's folder`,
    );
    expect(readdirSync(release)).toEqual([]);
  });
});

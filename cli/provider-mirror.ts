/**
 * Installing the provider for Terraform without a registry: a small POSIX sh launcher that execs this Node on
 * the package's bundled provider (dist/provider/keyplane/main.js), placed in a filesystem mirror's unpacked
 * layout (docs/sdk/local-installation.md#filesystem-mirrors) or in a directory for dev_overrides (#dev_overrides there).
 *
 * The provider is run in place, never copied: it requires openpgp from the package's node_modules when a
 * pgp_key needs it. Only the launcher sits in the package directory, so the lock file's `h1:` hash covers the
 * launcher alone (Terraform hashes every file there).
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PROVIDER_ADDRESS } from '../contract/provider-address';
import { PROVIDER_NAME } from '../contract/release-files';
import { dirFiles, hashDir } from './dirhash';
import { shellWords } from './shell';
import { UsageError } from './errors';
import { packageRoot } from './version';

/** The provider's type name, the last part of its address (keyplane/keyplane). */

/** Node's process.platform to Go's GOOS, which Terraform's OS_ARCH names use. */
const GOOS: Record<string, string> = { linux: 'linux', darwin: 'darwin', freebsd: 'freebsd', openbsd: 'openbsd', sunos: 'solaris', aix: 'aix' };
/** Node's process.arch to GOARCH (ppc64 is decided by byte order: Node runs little-endian on Linux). */
const GOARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm: 'arm',
  arm64: 'arm64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** Terraform's name for the platform this Node runs on, e.g. linux_amd64, darwin_arm64. */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch, byteOrder: string = endianness()): string {
  if (platform === 'win32') throw new Error('the provider launcher is a POSIX sh script, which Terraform cannot run on Windows; use WSL');
  const os = GOOS[platform];
  const goarch = arch === 'ppc64' ? (byteOrder === 'LE' ? 'ppc64le' : 'ppc64') : GOARCH[arch];
  if (!os || !goarch)
    throw new Error(`no Terraform platform name is known for Node's ${platform}/${arch}; pass --platform OS_ARCH (as \`terraform version\` prints it)`);
  return `${os}_${goarch}`;
}

/** Terraform's ParsePlatform accepts lower-case letters and digits on each side of one underscore. */
export function checkPlatform(value: string): string {
  if (!/^[a-z0-9]+_[a-z0-9]+$/.test(value))
    throw new UsageError(`--platform ${JSON.stringify(value)} is not an OS_ARCH name such as linux_amd64 or darwin_arm64`);
  return value;
}

/** The bundled provider `npm run build` makes. */
export function providerExecutable(root: string = packageRoot()): string {
  return join(root, 'dist', 'provider', 'keyplane', 'main.js');
}

export interface LauncherTarget {
  /** Absolute path of the Node to run (process.execPath). */
  node: string;
  /** Absolute path of the bundled provider. */
  executable: string;
  version: string;
}

/** Every launcher says so in its second line: what tells a launcher this command wrote from anything else. */
export const LAUNCHER_MARK = 'written by `keyplane provider`';

/** The launcher's name in the unpacked layout: Terraform runs the file named terraform-provider-TYPE_… there. */
export const launcherName = (version: string): string => `${PROVIDER_NAME}_v${version}`;

/** The launcher's text. Deterministic, so a second install leaves the file and its hash as they were. */
export function launcherScript(t: LauncherTarget): string {
  return [
    '#!/bin/sh',
    `# ${PROVIDER_ADDRESS} ${t.version}, ${LAUNCHER_MARK}. It runs the provider inside the`,
    '# keyplane package, whose node_modules it loads modules from, so the package must stay where it is.',
    `exec ${shellWords([t.node, t.executable])} "$@"`,
    '',
  ].join('\n');
}

/** Fails unless the bundled provider is there (exit 1: nothing is wrong with the command line); the package root is providerExecutable's inverse. */
function checkExecutable(executable: string): void {
  let ok = false;
  try {
    ok = statSync(executable).isFile();
  } catch {
    // missing
  }
  if (!ok) throw new Error(`the provider executable ${executable} is missing: run \`npm run build\` in ${resolve(executable, '../../../..')} first`);
}

/**
 * Writes `data` to `path` with `mode` unless it is there already. The new file is written as a dot-file in
 * `tempDir` and renamed into place, so a crash never leaves a half-written file, nor a stray file in the
 * package directory, where Terraform would hash it too. Returns whether the file changed.
 */
export function writeFileOnce(path: string, data: string | Buffer, mode: number, tempDir: string): boolean {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (existsSync(path) && statSync(path).isFile() && readFileSync(path).equals(bytes)) {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
    return false;
  }
  const temp = join(tempDir, `.${PROVIDER_NAME}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, bytes, { mode, flag: 'wx' });
  try {
    chmodSync(temp, mode); // the umask may have narrowed it
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw err;
  }
  return true;
}

/** Makes `dir` (the value of --dir) or says, naming --dir, why it cannot be used. */
export function prepareDir(dir: string, sub: string): string {
  let existing;
  try {
    existing = statSync(dir);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isDirectory()) throw new UsageError(`--dir ${dir} exists and is not a directory`);
  const target = join(dir, sub);
  try {
    mkdirSync(target, { recursive: true });
  } catch (err) {
    throw new UsageError(`--dir ${dir} cannot be used: creating ${target} failed: ${(err as Error).message}`);
  }
  return target;
}

export interface Installed {
  address: string;
  version: string;
  platform: string;
  /** The launcher. */
  path: string;
  /** The `h1:` hash Terraform computes for the package directory. */
  hash: string;
  /** Whether the launcher was written (false: it was there already, unchanged). */
  changed: boolean;
  /** Other files in the package directory: Terraform hashes them too, and may run one instead. */
  otherFiles: string[];
}

/** `DIR/HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION`, Terraform's unpacked mirror layout. */
export function installMirror(o: LauncherTarget & { dir: string; platform: string }): Installed {
  checkExecutable(o.executable);
  const dir = resolve(o.dir);
  const versionDir = prepareDir(dir, join(PROVIDER_ADDRESS, o.version));
  const packageDir = prepareDir(dir, join(PROVIDER_ADDRESS, o.version, o.platform));
  const name = launcherName(o.version);
  const path = join(packageDir, name);
  let changed: boolean;
  try {
    changed = writeFileOnce(path, launcherScript(o), 0o755, versionDir);
  } catch (err) {
    throw new UsageError(`--dir ${dir} cannot be used: writing ${path} failed: ${(err as Error).message}`);
  }
  return {
    address: PROVIDER_ADDRESS,
    version: o.version,
    platform: o.platform,
    path,
    hash: hashDir(packageDir),
    changed,
    otherFiles: dirFiles(packageDir).filter((f) => f !== name),
  };
}

export interface DevLauncher {
  address: string;
  /** The directory dev_overrides points at. */
  dir: string;
  path: string;
  changed: boolean;
}

/** `DIR/terraform-provider-keyplane`, for a dev_overrides entry (which takes a directory, not a file). */
export function installDevLauncher(o: LauncherTarget & { dir: string }): DevLauncher {
  checkExecutable(o.executable);
  const dir = prepareDir(resolve(o.dir), '');
  const path = join(dir, PROVIDER_NAME);
  let changed: boolean;
  try {
    changed = writeFileOnce(path, launcherScript(o), 0o755, dir);
  } catch (err) {
    throw new UsageError(`--dir ${dir} cannot be used: writing ${path} failed: ${(err as Error).message}`);
  }
  return { address: PROVIDER_ADDRESS, dir, path, changed };
}

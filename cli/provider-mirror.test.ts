/**
 * The launcher and the mirror layout: Terraform's platform names, the unpacked layout with a 0755 sh
 * launcher that really execs the given Node on the given script with its arguments (run here through
 * /bin/sh), the `h1:` hash worked out by hand, idempotence, and errors naming --dir.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors';
import { shellWord, shellWords } from './shell';
import { checkPlatform, installDevLauncher, installMirror, launcherScript, providerExecutable, terraformPlatform } from './provider-mirror';
import { packageRoot } from './version';

let dir: string;
let script: string;
beforeEach(() => {
  // Quotes and spaces in every path the launcher names.
  dir = mkdtempSync(join(tmpdir(), "keyplane mirror 'q' "));
  script = join(dir, "fake provider's main.js");
  writeFileSync(script, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), node: process.execPath }));\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const target = () => ({ node: process.execPath, executable: script, version: '1.2.3' });

test("Terraform's platform names from Node's", () => {
  expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
  expect(terraformPlatform('linux', 'arm64')).toBe('linux_arm64');
  expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
  expect(terraformPlatform('darwin', 'x64')).toBe('darwin_amd64');
  expect(terraformPlatform('linux', 'ia32')).toBe('linux_386');
  expect(terraformPlatform('linux', 'arm')).toBe('linux_arm');
  expect(terraformPlatform('freebsd', 'x64')).toBe('freebsd_amd64');
  expect(terraformPlatform('sunos', 'x64')).toBe('solaris_amd64');
  expect(terraformPlatform('linux', 'ppc64', 'LE')).toBe('linux_ppc64le');
  expect(terraformPlatform('linux', 'mipsel')).toBe('linux_mipsle');
  expect(() => terraformPlatform('win32', 'x64')).toThrow(/POSIX sh script, which Terraform cannot run on Windows/);
  expect(() => terraformPlatform('haiku', 'x64')).toThrow(/no Terraform platform name is known for Node's haiku\/x64; pass --platform OS_ARCH/);
  expect(checkPlatform('linux_amd64')).toBe('linux_amd64');
  expect(() => checkPlatform('Linux-AMD64')).toThrow(new UsageError('--platform "Linux-AMD64" is not an OS_ARCH name such as linux_amd64 or darwin_arm64'));
});

test('the package and its bundled provider are found from the sources', () => {
  const root = packageRoot();
  expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name).toBe('keyplane');
  expect(providerExecutable(root)).toBe(join(root, 'dist/provider/keyplane/main.js'));
});

test('the launcher quoting (cli/shell.ts) survives sh with quotes, spaces, $ and backslashes', () => {
  const value = `it's $HOME \\n "x" \`y\``;
  const res = spawnSync('/bin/sh', ['-c', `printf %s ${shellWord(value)}`], { encoding: 'utf8' });
  expect(res.stdout).toBe(value);
});

test('the unpacked layout: one 0755 launcher that execs Node on the provider with every argument', () => {
  const mirror = join(dir, 'mirror');
  const installed = installMirror({ ...target(), dir: mirror, platform: 'linux_amd64' });
  const packageDir = join(mirror, 'registry.terraform.io/keyplane/keyplane/1.2.3/linux_amd64');
  expect(installed).toEqual({
    address: 'registry.terraform.io/keyplane/keyplane',
    version: '1.2.3',
    platform: 'linux_amd64',
    path: join(packageDir, 'terraform-provider-keyplane_v1.2.3'),
    hash: expect.stringMatching(/^h1:/),
    changed: true,
    otherFiles: [],
  });
  const text = readFileSync(installed.path, 'utf8');
  expect(text).toBe(launcherScript(target()));
  expect(text.split('\n')[0]).toBe('#!/bin/sh');
  expect(text).toContain(`\nexec ${shellWords([process.execPath, script])} "$@"\n`);
  expect(statSync(installed.path).mode & 0o777).toBe(0o755);

  // Executed as Terraform would (directly; the kernel reads the #! line), arguments pass through untouched.
  const run = spawnSync(installed.path, ['a b', "c'd", ''], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ argv: ['a b', "c'd", ''], node: process.execPath });

  // h1 by hand: one file, so the summary is one sha256sum line.
  const summary = `${createHash('sha256').update(text).digest('hex')}  terraform-provider-keyplane_v1.2.3\n`;
  expect(installed.hash).toBe(`h1:${createHash('sha256').update(summary).digest('base64')}`);
});

test('installing again changes nothing: same file, same hash', () => {
  const mirror = join(dir, 'mirror');
  const first = installMirror({ ...target(), dir: mirror, platform: 'linux_amd64' });
  const { mtimeMs } = statSync(first.path);
  chmodSync(first.path, 0o700);
  const again = installMirror({ ...target(), dir: mirror, platform: 'linux_amd64' });
  expect(again).toEqual({ ...first, changed: false });
  expect(statSync(first.path).mtimeMs).toBe(mtimeMs);
  expect(statSync(first.path).mode & 0o777).toBe(0o755);
});

test('another file in the package directory is reported, and in the hash as Terraform would have it', () => {
  const mirror = join(dir, 'mirror');
  const first = installMirror({ ...target(), dir: mirror, platform: 'linux_amd64' });
  writeFileSync(join(first.path, '..', 'terraform-provider-keyplane'), 'stale');
  const again = installMirror({ ...target(), dir: mirror, platform: 'linux_amd64' });
  expect(again.otherFiles).toEqual(['terraform-provider-keyplane']);
  expect(again.hash).not.toBe(first.hash);
});

test('a missing provider executable says to build it', () => {
  const executable = join(dir, 'pkg', 'dist', 'provider', 'keyplane', 'main.js');
  expect(() => installMirror({ ...target(), executable, dir: join(dir, 'm'), platform: 'linux_amd64' })).toThrow(
    `the provider executable ${executable} is missing: run \`npm run build\` in ${join(dir, 'pkg')} first`,
  );
  expect(() => installMirror({ ...target(), executable, dir: join(dir, 'm'), platform: 'linux_amd64' })).not.toThrow(UsageError);
});

test('a --dir that is a file, lies below a file, or cannot be written is a usage error naming --dir', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  expect(() => installMirror({ ...target(), dir: file, platform: 'linux_amd64' })).toThrow(new UsageError(`--dir ${file} exists and is not a directory`));
  expect(() => installMirror({ ...target(), dir: join(file, 'm'), platform: 'linux_amd64' })).toThrow(
    new RegExp(`^--dir ${escapeRegExp(join(file, 'm'))} cannot be used: creating .* failed: ENOTDIR`),
  );
  // Root writes through any mode bits; sysfs refuses even root.
  let unwritable = '/sys/keyplane-mirror';
  if (process.getuid?.() !== 0) {
    unwritable = join(dir, 'read-only');
    mkdirSync(unwritable, { mode: 0o555 });
  }
  expect(() => installMirror({ ...target(), dir: unwritable, platform: 'linux_amd64' })).toThrow(
    new RegExp(`^--dir ${escapeRegExp(unwritable)} cannot be used: creating .* failed: E(ACCES|PERM|ROFS)`),
  );
  expect(() => installMirror({ ...target(), dir: unwritable, platform: 'linux_amd64' })).toThrow(UsageError);
});

test('the dev_overrides launcher: DIR/terraform-provider-keyplane, the same script', () => {
  const dev = installDevLauncher({ ...target(), dir: join(dir, 'dev') });
  expect(dev).toEqual({
    address: 'registry.terraform.io/keyplane/keyplane',
    dir: join(dir, 'dev'),
    path: join(dir, 'dev', 'terraform-provider-keyplane'),
    changed: true,
  });
  expect(readFileSync(dev.path, 'utf8')).toBe(launcherScript(target()));
  expect(statSync(dev.path).mode & 0o777).toBe(0o755);
  expect(installDevLauncher({ ...target(), dir: join(dir, 'dev') }).changed).toBe(false);
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

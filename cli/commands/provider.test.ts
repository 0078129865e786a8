/**
 * `keyplane provider install|dev-overrides` as a user runs them: the built CLI (dist/cli/main.js, made by
 * `npm run build`) in a child process with HOME pointing at a temp dir. What it prints, what it writes, its
 * exit codes. Terraform's side is in test/e2e/provider-install.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellWords } from '../shell';
import { keyplane, ROOT } from '../../test/helpers/cli';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const PLATFORM = `${process.platform}_${{ x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'] ?? process.arch}`;
const PACKAGE = `registry.terraform.io/keyplane/keyplane/${version}/${PLATFORM}`;
const LAUNCHER = `terraform-provider-keyplane_v${version}`;

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'keyplane-provider-cli-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** The CLI with a fresh HOME and no CLI config of the caller's. */
const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  keyplane(['provider', ...args], { HOME: home, TF_CLI_CONFIG_FILE: undefined, ...env });

/** h1 of a one-file package directory, from the dirhash definition. */
function h1(file: string, name: string): string {
  const line = `${createHash('sha256').update(readFileSync(file)).digest('hex')}  ${name}\n`;
  return `h1:${createHash('sha256').update(line).digest('base64')}`;
}

const BLOCK = (mirror: string) => `provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["registry.terraform.io/keyplane/keyplane"]
  }
  direct {
    exclude = ["registry.terraform.io/keyplane/keyplane"]
  }
}
`;

test('install --dir --cli-config: the launcher, its hash, the block, the file and how to use it', () => {
  const mirror = join(home, 'mirror');
  const cli = join(home, 'tf', 'keyplane.tfrc');
  const res = run(['install', '--dir', mirror, '--cli-config', cli]);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const path = join(mirror, PACKAGE, LAUNCHER);
  const hash = h1(path, LAUNCHER);
  expect(res.stdout).toBe(
    `Installed registry.terraform.io/keyplane/keyplane ${version} for ${PLATFORM}
  launcher  ${path}
  runs      ${process.execPath} ${join(ROOT, 'dist/provider/keyplane/main.js')}
  hash      ${hash}

This is a development launcher, bound to this machine's paths of Node and of this package: its hash differs on every machine. For a portable provider, the same on every machine: \`npm run release\`, then \`keyplane provider install --release dist/release\`.

This Terraform CLI configuration block makes \`terraform init\` install keyplane from the mirror and every other provider from its registry (Terraform reads one provider_installation block):

${BLOCK(mirror)}
Wrote it to ${cli} (created). Use it with:
  export TF_CLI_CONFIG_FILE=${cli}
`,
  );
  expect(statSync(path).mode & 0o777).toBe(0o755);
  expect(readFileSync(path, 'utf8')).toBe(`#!/bin/sh
# registry.terraform.io/keyplane/keyplane ${version}, written by \`keyplane provider\`. It runs the provider inside the
# keyplane package, whose node_modules it loads modules from, so the package must stay where it is.
exec ${shellWords([process.execPath, join(ROOT, 'dist/provider/keyplane/main.js')])} "$@"
`);
  expect(readFileSync(cli, 'utf8')).toContain(`# BEGIN keyplane provider install\n# Written by \`keyplane provider install\``);
  expect(readFileSync(cli, 'utf8')).toContain(`${BLOCK(mirror)}# END keyplane provider install\n`);
  expect(statSync(cli).mode & 0o777).toBe(0o644);

  // Again: nothing changes, and it says so.
  const again = run(['install', '--dir', mirror, '--cli-config', cli]);
  expect(again.status).toBe(0);
  expect(again.stdout).toContain(`for ${PLATFORM} (it was there already, unchanged)\n`);
  expect(again.stdout).toContain(`  hash      ${hash}\n`);
  expect(again.stdout).toContain(`Wrote it to ${cli} (unchanged).`);
  expect(h1(path, LAUNCHER)).toBe(hash);
});

test('-o json: {address, version, platform, path, hash, cli_config}', () => {
  const mirror = join(home, 'mirror');
  const res = run(['install', '--dir', mirror], {});
  expect(res.status).toBe(0);
  const json = keyplane(['-o', 'json', 'provider', 'install', '--dir', mirror], { HOME: home, TF_CLI_CONFIG_FILE: undefined });
  expect(json.status).toBe(0);
  const path = join(mirror, PACKAGE, LAUNCHER);
  expect(JSON.parse(json.stdout)).toEqual({
    address: 'registry.terraform.io/keyplane/keyplane',
    version,
    platform: PLATFORM,
    path,
    hash: h1(path, LAUNCHER),
    cli_config: null,
    // No release in this package's dist/release: the development launcher, with no zip.
    source: 'launcher',
    release: null,
    signature_checked: false,
    zip: null,
    h1: h1(path, LAUNCHER),
    zh: null,
  });
  const cli = join(home, 'cli.tfrc');
  const withConfig = run(['install', '--dir', mirror, '--cli-config', cli, '--output', 'json']);
  expect(JSON.parse(withConfig.stdout)).toMatchObject({ cli_config: cli });
  expect(withConfig.stderr).toBe('');
});

test('without --dir: $HOME/.terraform.d/plugins, an implied mirror, and a warning when the CLI config would hide it', () => {
  const res = run(['install']);
  expect(res.status).toBe(0);
  const mirror = join(home, '.terraform.d', 'plugins');
  expect(existsSync(join(mirror, PACKAGE, LAUNCHER))).toBe(true);
  expect(res.stdout).toContain(BLOCK(mirror));
  expect(res.stdout).toContain(
    `\n${mirror} is one of Terraform's implied mirror directories: while the CLI configuration has no provider_installation block, a plain \`terraform init\` finds the provider there without the block.\n`,
  );
  expect(res.stderr).toBe('');

  const rc = join(home, 'other.tfrc');
  writeFileSync(rc, 'provider_installation {\n  direct {}\n}\n');
  const hidden = run(['install'], { TF_CLI_CONFIG_FILE: rc });
  expect(hidden.status).toBe(0);
  expect(hidden.stderr).toBe(
    `warning: ${rc} has a provider_installation block, so Terraform will not search ${mirror} on its own: add the filesystem_mirror block below to it\n`,
  );
  writeFileSync(join(home, '.terraformrc'), 'provider_installation {\n  direct {}\n}\n');
  expect(run(['install']).stderr).toMatch(/^warning: .*\.terraformrc has a provider_installation block/);
});

test('a CLI config with a provider_installation block of its own is refused before anything is installed', () => {
  const cli = join(home, 'cli.tfrc');
  const text = 'provider_installation {\n  network_mirror {\n    url = "https://mirror.example/"\n  }\n}\n';
  writeFileSync(cli, text);
  const mirror = join(home, 'mirror');
  const res = run(['install', '--dir', mirror, '--cli-config', cli]);
  expect(res.status).toBe(1);
  expect(res.stdout).toBe('');
  expect(res.stderr).toBe(
    `error: --cli-config ${cli} already has a provider_installation block of its own (line 1), and Terraform allows only one such block in its CLI configuration. Merge by hand: put the filesystem_mirror block that \`keyplane provider install\` prints (run it without --cli-config) first inside that block, and add the provider address to its direct block's exclude list; or give another --cli-config file.\n`,
  );
  expect(readFileSync(cli, 'utf8')).toBe(text);
  expect(existsSync(mirror)).toBe(false);
});

test('a block it wrote before is replaced; other settings are kept', () => {
  const cli = join(home, 'cli.tfrc');
  writeFileSync(cli, 'disable_checkpoint = true\n');
  expect(run(['install', '--dir', join(home, 'one'), '--cli-config', cli]).stdout).toContain('(appended)');
  const res = run(['install', '--dir', join(home, 'two'), '--cli-config', cli]);
  expect(res.stdout).toContain(`Wrote it to ${cli} (replaced).`);
  const text = readFileSync(cli, 'utf8');
  expect(text.startsWith('disable_checkpoint = true\n\n# BEGIN keyplane provider install\n')).toBe(true);
  expect(text).toContain(BLOCK(join(home, 'two')));
  expect(text).not.toContain(join(home, 'one'));
  expect(text.match(/provider_installation/g)).toHaveLength(1);
});

describe('bad input: exit 2 and a message naming the option', () => {
  test('--dir is a file, lies below one, or cannot be written', () => {
    const file = join(home, 'a-file');
    writeFileSync(file, '');
    expect(run(['install', '--dir', file])).toEqual({ status: 2, stdout: '', stderr: `error: --dir ${file} exists and is not a directory\n` });
    const below = run(['install', '--dir', join(file, 'mirror')]);
    expect(below.status).toBe(2);
    expect(below.stderr).toMatch(new RegExp(`^error: --dir ${join(file, 'mirror')} cannot be used: creating .* failed: ENOTDIR`));
    let unwritable = '/sys/keyplane-mirror'; // root writes through mode bits; sysfs refuses even root
    if (process.getuid?.() !== 0) {
      unwritable = join(home, 'read-only');
      mkdirSync(unwritable, { mode: 0o555 });
    }
    const denied = run(['install', '--dir', unwritable]);
    expect(denied.status).toBe(2);
    expect(denied.stderr).toMatch(new RegExp(`^error: --dir ${unwritable} cannot be used: creating .* failed: E(ACCES|PERM|ROFS)`));
  });

  test('an empty --dir, a --cli-config that is a directory, a --platform that is no platform', () => {
    expect(run(['install', '--dir', ''])).toMatchObject({ status: 2, stderr: 'error: --dir must not be empty\n' });
    expect(run(['install', '--dir', join(home, 'm'), '--cli-config', home])).toMatchObject({
      status: 2,
      stderr: `error: --cli-config ${home} is a directory; give the path of a file (e.g. ${home}/keyplane.tfrc)\n`,
    });
    expect(run(['install', '--platform', 'linux'])).toMatchObject({
      status: 2,
      stderr: 'error: --platform "linux" is not an OS_ARCH name such as linux_amd64 or darwin_arm64\n',
    });
    expect(existsSync(join(home, 'm'))).toBe(false);
  });
});

test('--platform installs under another OS_ARCH', () => {
  const mirror = join(home, 'mirror');
  const res = run(['install', '--dir', mirror, '--platform', 'darwin_arm64', '-o', 'json']);
  expect(res.status).toBe(0);
  expect(JSON.parse(res.stdout).path).toBe(join(mirror, `registry.terraform.io/keyplane/keyplane/${version}/darwin_arm64`, LAUNCHER));
});

test('dev-overrides: a launcher in DIR and the dev_overrides block, written into the CLI config in place of the mirror block', () => {
  const cli = join(home, 'cli.tfrc');
  expect(run(['install', '--dir', join(home, 'mirror'), '--cli-config', cli]).status).toBe(0);
  const dev = join(home, 'dev');
  const res = run(['dev-overrides', '--dir', dev, '--cli-config', cli]);
  expect(res.status).toBe(0);
  const block = `provider_installation {\n  dev_overrides {\n    "registry.terraform.io/keyplane/keyplane" = "${dev}"\n  }\n  direct {}\n}\n`;
  expect(res.stdout).toContain(`Wrote ${join(dev, 'terraform-provider-keyplane')}\n`);
  expect(res.stdout).toContain(`\n\n${block}\nWrote it to ${cli} (replaced). Use it with:\n  export TF_CLI_CONFIG_FILE=${cli}\n`);
  expect(readFileSync(cli, 'utf8')).toBe(
    `# BEGIN keyplane provider install\n# Written by \`keyplane provider dev-overrides\`, which replaces everything down to the END line when run again.\n${block}# END keyplane provider install\n`,
  );
  expect(statSync(join(dev, 'terraform-provider-keyplane')).mode & 0o777).toBe(0o755);
  const json = run(['dev-overrides', '-o', 'json']);
  expect(JSON.parse(json.stdout)).toEqual({
    address: 'registry.terraform.io/keyplane/keyplane',
    dir: join(home, '.terraform.d', 'keyplane-dev'),
    path: join(home, '.terraform.d', 'keyplane-dev', 'terraform-provider-keyplane'),
    cli_config: null,
  });
});

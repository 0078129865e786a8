/**
 * `keyplane provider install|dev-overrides`: make Terraform find this package's provider without a
 * registry. `install` puts a released zip (../provider-release.ts), or without a release a launcher, into a
 * filesystem mirror (`terraform init` installs it from there, and the lock file records its hash);
 * `dev-overrides` points dev_overrides at a launcher, for provider development. The file work lives in
 * ../provider-release.ts, ../provider-mirror.ts and ../tf-cli-config.ts.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PROVIDER_ADDRESS } from '../../provider/keyplane/address';
import { globals } from '../context';
import { action, UsageError } from '../errors';
import { printObject, note, printLine, type Format, write } from '../output';
import { shellWord } from '../shell';
import { checkPlatform, installDevLauncher, installMirror, providerExecutable, terraformPlatform } from '../provider-mirror';
import { checkRelease, hasReleaseFor, installPacked, packedZipIn } from '../provider-release';
import { applyCliConfig, devOverridesBlock, findProviderInstallation, managedSection, mirrorBlock, planCliConfig } from '../tf-cli-config';
import { packageRoot, packageVersion } from '../version';

interface InstallFlags {
  dir?: string;
  cliConfig?: string;
  platform?: string;
  release?: string;
  signingKey?: string;
  launcher?: boolean;
}

/** Where `npm run release` writes by default (docs/releases.md). */
export function defaultReleaseDir(): string {
  return join(packageRoot(), 'dist', 'release');
}

/** One of the directories Terraform searches on its own when the CLI config has no provider_installation block. */
export function defaultMirrorDir(): string {
  return join(homedir(), '.terraform.d', 'plugins');
}

export function defaultDevDir(): string {
  return join(homedir(), '.terraform.d', 'keyplane-dev');
}

function nonEmpty(value: string | undefined, option: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${option} must not be empty`);
  return value === undefined ? undefined : resolve(value);
}

/** The CLI config Terraform reads by default, when it has a provider_installation block (implied mirrors are then ignored). */
function blockingCliConfig(): string | undefined {
  const file = process.env.TF_CLI_CONFIG_FILE || join(homedir(), '.terraformrc');
  try {
    return existsSync(file) && findProviderInstallation(readFileSync(file, 'utf8')) !== undefined ? file : undefined;
  } catch {
    return undefined;
  }
}

function writtenTo(cliConfig: string | undefined, change: string): void {
  if (!cliConfig) return;
  printLine(`\nWrote it to ${cliConfig} (${change}). Use it with:\n  export TF_CLI_CONFIG_FILE=${shellWord(cliConfig)}`);
}

/** The release directory to install from: --release, else dist/release when it holds this version for `platform`, else none (the launcher). */
function releaseDir(o: InstallFlags, platform: string): string | undefined {
  const given = nonEmpty(o.release, '--release');
  if (o.launcher) {
    if (given !== undefined) throw new UsageError('--launcher and --release exclude each other');
    return undefined;
  }
  if (given !== undefined) return given;
  const fallback = defaultReleaseDir();
  return hasReleaseFor(fallback, packageVersion(), platform) ? fallback : undefined;
}

function blockText(): string {
  return `\nThis Terraform CLI configuration block makes \`terraform init\` install keyplane from the mirror and every other provider from its registry (Terraform reads one provider_installation block):\n`;
}

function impliedMirrorNote(dir: string, cliConfig: string | undefined): void {
  if (!cliConfig && dir === defaultMirrorDir()) {
    printLine(
      `\n${dir} is one of Terraform's implied mirror directories: while the CLI configuration has no provider_installation block, a plain \`terraform init\` finds the provider there without the block.`,
    );
  }
}

async function install(o: InstallFlags, format: Format): Promise<void> {
  const platform = o.platform !== undefined ? checkPlatform(o.platform) : terraformPlatform();
  const dir = nonEmpty(o.dir, '--dir') ?? defaultMirrorDir();
  const cliConfig = nonEmpty(o.cliConfig, '--cli-config');
  const signingKey = nonEmpty(o.signingKey, '--signing-key');
  const fromRelease = releaseDir(o, platform);
  if (signingKey !== undefined && o.launcher) throw new UsageError('--signing-key checks a release: it does not go with --launcher');
  if (signingKey !== undefined && fromRelease === undefined)
    throw new UsageError(
      `--signing-key checks a release, and there is none: ${defaultReleaseDir()} has no ${packageVersion()} zip for ${platform}; pass --release DIR`,
    );
  const block = mirrorBlock(PROVIDER_ADDRESS, dir);
  // Worked out first: a CLI config that cannot take the block stops the command before anything is written.
  const plan = cliConfig
    ? planCliConfig(
        cliConfig,
        managedSection(block, 'keyplane provider install'),
        "Merge by hand: put the filesystem_mirror block that `keyplane provider install` prints (run it without --cli-config) first inside that block, and add the provider address to its direct block's exclude list",
      )
    : undefined;
  if (fromRelease !== undefined) {
    const checked = await checkRelease({ dir: fromRelease, version: packageVersion(), platform, signingKey });
    const packed = installPacked({ dir, version: packageVersion(), platform, zip: checked.zip });
    if (plan) applyCliConfig(plan);
    if (packed.removedLauncher)
      note(`Removed the launcher ${packed.removedLauncher} an earlier install wrote: Terraform would see two packages of ${packageVersion()}`);
    if (packed.unpackedLeft.length)
      note(
        `warning: ${join(dir, PROVIDER_ADDRESS, packageVersion(), platform)} holds another package of ${packageVersion()} for ${platform} (${packed.unpackedLeft.join(', ')}): Terraform refuses a mirror with two; remove it`,
      );
    warnBlocking(dir, cliConfig);
    if (format !== 'table') {
      printObject(format, {
        address: PROVIDER_ADDRESS,
        version: packageVersion(),
        platform,
        source: 'release',
        release: checked.source,
        signature_checked: signingKey !== undefined,
        path: packed.path,
        zip: packed.path,
        hash: checked.h1,
        h1: checked.h1,
        zh: checked.zh,
        cli_config: cliConfig ?? null,
      });
      return;
    }
    printLine(`Installed ${PROVIDER_ADDRESS} ${packageVersion()} for ${platform} from a release${packed.changed ? '' : ' (it was there already, unchanged)'}`);
    printLine(`  zip       ${packed.path}`);
    printLine(
      `  from      ${checked.source} (matches SHA256SUMS${signingKey ? `, signature checked with ${signingKey}` : '; signature not checked: pass --signing-key'})`,
    );
    printLine(`  hash      ${checked.h1}  (h1:, what terraform init records in .terraform.lock.hcl)`);
    printLine(`  zip hash  ${checked.zh}  (zh:, the SHA-256 of the zip)`);
    printLine(blockText());
    write(block);
    writtenTo(cliConfig, plan?.change ?? '');
    impliedMirrorNote(dir, cliConfig);
    return;
  }

  const installed = installMirror({ dir, platform, version: packageVersion(), node: process.execPath, executable: providerExecutable(packageRoot()) });
  if (plan) applyCliConfig(plan);

  for (const other of installed.otherFiles) {
    note(
      `warning: ${join(installed.path, '..', other)} is in the package directory too: Terraform hashes it along with the launcher and runs the first terraform-provider-keyplane* file by name; remove it unless you put it there on purpose`,
    );
  }
  const packedThere = packedZipIn(dir, packageVersion(), platform);
  if (packedThere)
    note(
      `warning: ${packedThere} is in the mirror too: Terraform refuses a mirror with two packages of ${packageVersion()} for ${platform}; remove one of them`,
    );
  warnBlocking(dir, cliConfig);
  if (format !== 'table') {
    printObject(format, {
      address: installed.address,
      version: installed.version,
      platform: installed.platform,
      source: 'launcher',
      release: null,
      signature_checked: false,
      path: installed.path,
      zip: null,
      hash: installed.hash,
      h1: installed.hash,
      zh: null,
      cli_config: cliConfig ?? null,
    });
    return;
  }
  printLine(`Installed ${installed.address} ${installed.version} for ${installed.platform}${installed.changed ? '' : ' (it was there already, unchanged)'}`);
  printLine(`  launcher  ${installed.path}`);
  printLine(`  runs      ${process.execPath} ${providerExecutable(packageRoot())}`);
  printLine(`  hash      ${installed.hash}`);
  printLine(
    `\nThis is a development launcher, bound to this machine's paths of Node and of this package: its hash differs on every machine. For a portable provider, the same on every machine: \`npm run release\`, then \`keyplane provider install --release dist/release\`.`,
  );
  printLine(blockText());
  write(block);
  writtenTo(cliConfig, plan?.change ?? '');
  impliedMirrorNote(dir, cliConfig);
}

/** Warns when Terraform will not search the default --dir on its own. */
function warnBlocking(dir: string, cliConfig: string | undefined): void {
  if (!cliConfig && dir === defaultMirrorDir()) {
    const blocking = blockingCliConfig();
    if (blocking)
      note(
        `warning: ${blocking} has a provider_installation block, so Terraform will not search ${dir} on its own: add the filesystem_mirror block below to it`,
      );
  }
}

function devOverrides(o: Omit<InstallFlags, 'platform'>, format: Format): void {
  const dir = nonEmpty(o.dir, '--dir') ?? defaultDevDir();
  const cliConfig = nonEmpty(o.cliConfig, '--cli-config');
  const block = devOverridesBlock({ [PROVIDER_ADDRESS]: dir });
  const plan = cliConfig
    ? planCliConfig(
        cliConfig,
        managedSection(block, 'keyplane provider dev-overrides'),
        'Merge by hand: put the dev_overrides block that `keyplane provider dev-overrides` prints (run it without --cli-config) first inside that block',
      )
    : undefined;
  const launcher = installDevLauncher({ dir, version: packageVersion(), node: process.execPath, executable: providerExecutable(packageRoot()) });
  if (plan) applyCliConfig(plan);
  if (format !== 'table') {
    printObject(format, { address: launcher.address, dir: launcher.dir, path: launcher.path, cli_config: cliConfig ?? null });
    return;
  }
  printLine(`Wrote ${launcher.path}${launcher.changed ? '' : ' (it was there already, unchanged)'}`);
  printLine(`  runs  ${process.execPath} ${providerExecutable(packageRoot())}`);
  printLine(
    `\nWith this Terraform CLI configuration block, terraform plan and apply run the provider as last built (npm run build), with no terraform init for it and no lock file entry; Terraform warns that development overrides are in effect:\n`,
  );
  write(block);
  writtenTo(cliConfig, plan?.change ?? '');
}

export function register(program: Command): void {
  const provider = program.command('provider').description('Make Terraform find the Keyplane provider of this package without a registry');

  provider
    .command('install')
    .description('Install the provider into a local filesystem mirror for terraform init, and print the provider_installation block that uses it')
    .option(
      '--dir <path>',
      'the mirror directory (default: $HOME/.terraform.d/plugins, which Terraform searches on its own while its CLI configuration has no provider_installation block)',
    )
    .option(
      '--cli-config <file>',
      'also write the block into this Terraform CLI configuration file (created if missing; a block this command wrote before is replaced)',
    )
    .option('--platform <os_arch>', "Terraform's platform to install for (default: this Node's, e.g. linux_amd64)")
    .option(
      '--release <dir>',
      "install the released executable from this directory, as `npm run release` writes it (default: this package's dist/release, when it holds this version's zip for the platform; without one, a development launcher)",
    )
    .option('--signing-key <file>', "armored OpenPGP public key: check the release's SHA256SUMS.sig with it and refuse a bad signature")
    .option('--launcher', 'install the development launcher even when dist/release holds a release (for working on the provider)')
    .addHelpText(
      'after',
      `
From a release (--release, or dist/release when it has the zip): the zip for the platform
(terraform-provider-keyplane_VERSION_OS_ARCH.zip) is checked against its SHA256SUMS line, and against
SHA256SUMS.sig with --signing-key, then copied unchanged into the mirror's packed layout,
DIR/registry.terraform.io/keyplane/keyplane/terraform-provider-keyplane_VERSION_OS_ARCH.zip. The executable
inside embeds its own Node: the machine running Terraform needs neither Node nor this package, and the lock
file's h1: hash (printed here, with the zip's zh:) is the same on every machine. A launcher an earlier
install left for this version and platform is removed (Terraform refuses two packages of one version).

Without a release: a development launcher. The mirror then holds a small sh launcher
(DIR/registry.terraform.io/keyplane/keyplane/VERSION/OS_ARCH/terraform-provider-keyplane_vVERSION) that runs
this Node on this package's dist/provider/keyplane/main.js, so the package must stay where it is. Its h1:
hash covers the launcher, which holds this machine's absolute paths: it differs on every machine, and a
rebuild or upgrade of the package in place keeps it. For a portable install: npm run release, then
keyplane provider install --release dist/release.

Running the command again changes nothing. Terraform reads a single provider_installation block, so
--cli-config refuses a file that has one it did not write.

Examples:
  npm run release -- --signing-key release-key.asc --platform linux_amd64
  keyplane provider install --release dist/release --signing-key release-pub.asc --dir ~/tf-mirror --cli-config ~/.keyplane.tfrc
  export TF_CLI_CONFIG_FILE=~/.keyplane.tfrc
  terraform init`,
    )
    .action(action((o: InstallFlags, cmd: Command) => install(o, globals(cmd).output)));

  provider
    .command('dev-overrides')
    .description(
      'For provider development: write a launcher for a dev_overrides block (no terraform init; each run uses the latest npm run build) and print the block',
    )
    .option('--dir <path>', 'the directory for the launcher, which the block points at (default: $HOME/.terraform.d/keyplane-dev)')
    .option(
      '--cli-config <file>',
      'also write the block into this Terraform CLI configuration file (replaces a block `provider install` or this command wrote there)',
    )
    .addHelpText(
      'after',
      `
Example:
  npm run build && keyplane provider dev-overrides --cli-config ./dev.tfrc
  export TF_CLI_CONFIG_FILE=$PWD/dev.tfrc
  terraform plan     # no terraform init for keyplane: init would look for it in the registry`,
    )
    .action(action((o: Omit<InstallFlags, 'platform'>, cmd: Command) => devOverrides(o, globals(cmd).output)));
}

/**
 * `keyplane provider install|dev-overrides`: make Terraform find this package's provider without a
 * registry. `install` puts a launcher into a filesystem mirror (`terraform init` installs it from there, and
 * the lock file records its hash); `dev-overrides` points dev_overrides at one, for provider development.
 * The file work lives in ../provider-mirror.ts and ../tf-cli-config.ts.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PROVIDER_ADDRESS } from '../../provider/keyplane/address';
import { globals } from '../context';
import { action, UsageError } from '../errors';
import { printObject, note, printLine, type Format } from '../output';
import { shellWord } from '../shell';
import { checkPlatform, installDevLauncher, installMirror, providerExecutable, terraformPlatform } from '../provider-mirror';
import { applyCliConfig, devOverridesBlock, findProviderInstallation, managedSection, mirrorBlock, planCliConfig } from '../tf-cli-config';
import { packageRoot, packageVersion } from '../version';

interface InstallFlags {
  dir?: string;
  cliConfig?: string;
  platform?: string;
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

function install(o: InstallFlags, format: Format): void {
  const platform = o.platform !== undefined ? checkPlatform(o.platform) : terraformPlatform();
  const dir = nonEmpty(o.dir, '--dir') ?? defaultMirrorDir();
  const cliConfig = nonEmpty(o.cliConfig, '--cli-config');
  const block = mirrorBlock(PROVIDER_ADDRESS, dir);
  // Worked out first: a CLI config that cannot take the block stops the command before anything is written.
  const plan = cliConfig
    ? planCliConfig(
        cliConfig,
        managedSection(block, 'keyplane provider install'),
        "Merge by hand: put the filesystem_mirror block that `keyplane provider install` prints (run it without --cli-config) first inside that block, and add the provider address to its direct block's exclude list",
      )
    : undefined;
  const installed = installMirror({ dir, platform, version: packageVersion(), node: process.execPath, executable: providerExecutable(packageRoot()) });
  if (plan) applyCliConfig(plan);

  for (const other of installed.otherFiles) {
    note(
      `warning: ${join(installed.path, '..', other)} is in the package directory too: Terraform hashes it along with the launcher and runs the first terraform-provider-keyplane* file by name; remove it unless you put it there on purpose`,
    );
  }
  if (!cliConfig && dir === defaultMirrorDir()) {
    const blocking = blockingCliConfig();
    if (blocking)
      note(
        `warning: ${blocking} has a provider_installation block, so Terraform will not search ${dir} on its own: add the filesystem_mirror block below to it`,
      );
  }
  if (format !== 'table') {
    printObject(format, {
      address: installed.address,
      version: installed.version,
      platform: installed.platform,
      path: installed.path,
      hash: installed.hash,
      cli_config: cliConfig ?? null,
    });
    return;
  }
  printLine(`Installed ${installed.address} ${installed.version} for ${installed.platform}${installed.changed ? '' : ' (it was there already, unchanged)'}`);
  printLine(`  launcher  ${installed.path}`);
  printLine(`  runs      ${process.execPath} ${providerExecutable(packageRoot())}`);
  printLine(`  hash      ${installed.hash}`);
  printLine(
    `\nThis Terraform CLI configuration block makes \`terraform init\` install keyplane from the mirror and every other provider from its registry (Terraform reads one provider_installation block):\n`,
  );
  process.stdout.write(block);
  writtenTo(cliConfig, plan?.change ?? '');
  if (!cliConfig && dir === defaultMirrorDir()) {
    printLine(
      `\n${dir} is one of Terraform's implied mirror directories: while the CLI configuration has no provider_installation block, a plain \`terraform init\` finds the provider there without the block.`,
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
  process.stdout.write(block);
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
    .addHelpText(
      'after',
      `
The mirror holds only a small sh launcher (DIR/registry.terraform.io/keyplane/keyplane/VERSION/OS_ARCH/
terraform-provider-keyplane_vVERSION) that runs this Node on this package's dist/provider/keyplane/main.js,
so the package must stay where it is. The lock file's h1: hash covers the launcher, printed here, not the
provider's code: a rebuild or upgrade of the package in place keeps the hash. Running the command again
changes nothing. Terraform reads a single provider_installation block, so --cli-config refuses a file that
has one it did not write.

Example:
  keyplane provider install --dir ~/tf-mirror --cli-config ~/.keyplane.tfrc
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

/**
 * Terraform for the quickstart: the version check, the working copy of examples/quickstart with its tfvars
 * file, the quickstart's own lock file, and reading outputs.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { terraform } from './children';
import { fail, say } from './console';
import type { Paths } from './paths';

/** Write-only attributes and ephemeral resources, which the provider uses, came in Terraform 1.11. */
const MINIMUM = [1, 11] as const;

export function checkTerraformVersion(): void {
  const res = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    fail('terraform is not on PATH: install Terraform 1.11 or later (https://developer.hashicorp.com/terraform/install)');
  let version = '';
  try {
    version = String((JSON.parse(res.stdout) as { terraform_version: unknown }).terraform_version);
  } catch {
    fail(`\`terraform version -json\` did not print its version (exit ${res.status}): ${res.stderr.trim()}`);
  }
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (!(major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])))
    fail(`terraform ${version} is too old: the provider needs Terraform 1.11 or later (write-only attributes, ephemeral resources)`);
}

/** Copies examples/quickstart's .tf files into the working copy, with the PGP key's path in a tfvars file. */
export function prepareWorkingCopy(p: Paths): void {
  mkdirSync(p.work, { recursive: true });
  const example = join(p.root, 'examples/quickstart');
  for (const f of readdirSync(example).filter((n) => n.endsWith('.tf'))) copyFileSync(join(example, f), join(p.work, f));
  // The variable in a tfvars file, so that a plan or apply you run there yourself needs no -var.
  writeFileSync(join(p.work, 'terraform.tfvars.json'), `${JSON.stringify({ pgp_public_key_file: p.publicKey }, null, 2)}\n`);
  say(`pgp_public_key_file = ${p.relData}/pgp/public.asc (in terraform.tfvars.json)`);
}

/**
 * The lock file in the working copy is the quickstart's own: when the launcher changed (Node or the checkout
 * moved, so its hash did), its old entry is dropped rather than failing init. (`init -upgrade` would not
 * help: Terraform still checks a locked version's hashes.) A lock file you commit is not touched.
 */
export function forgetStaleLock(p: Paths, launcherHash: string): void {
  if (existsSync(p.lockFile) && !readFileSync(p.lockFile, 'utf8').includes(`"${launcherHash}"`)) {
    say(`the provider launcher changed since the last run (its hash is now ${launcherHash}): recording it anew`);
    rmSync(p.lockFile, { force: true });
  }
}

/** The root module's outputs (`terraform output -json`), by name. Kept in memory, never printed. */
export function outputs(p: Paths): Record<string, unknown> {
  const all = JSON.parse(terraform(p, ['output', '-json'], { capture: true })) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(all).map(([name, o]) => [name, o.value]));
}

export function stringOutput(out: Record<string, unknown>, name: string): string {
  const value = out[name];
  if (typeof value !== 'string' || value === '') fail(`the output ${name} is ${JSON.stringify(value)}, not a string`);
  return value;
}

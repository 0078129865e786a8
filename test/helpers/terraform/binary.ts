/**
 * The terraform binary the end-to-end tests run: looked for on PATH; KEYPLANE_TEST_TERRAFORM_BIN overrides
 * (`none`: act as if missing). A missing binary fails the run in CI (CI set) and skips loudly elsewhere: use
 * `describeTerraform` in place of `describe`.
 */
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { requireBuildProject } from '../project';

function findTerraform(): string | undefined {
  const forced = process.env.KEYPLANE_TEST_TERRAFORM_BIN;
  if (forced !== undefined) return forced !== 'none' && isFile(forced) ? forced : undefined;
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'terraform'))
    .find(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The terraform executable, or undefined when there is none. */
export const TERRAFORM_BIN = findTerraform();

export const MISSING_MESSAGE = 'terraform not found on PATH: SKIPPING Terraform end-to-end tests';

/**
 * `describe` when terraform can run here. Without it: in CI (CI set) this throws, so the test file fails;
 * elsewhere it prints a loud warning and skips.
 */
export function describeTerraform(name: string, fn: () => void): void {
  requireBuildProject(`terraform ("${name}")`);
  if (TERRAFORM_BIN) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    throw new Error(`terraform was not found on PATH; CI must run the Terraform end-to-end tests ("${name}"). Install Terraform 1.11.`);
  }
  console.warn(`\n!!!!!!!!\n!!! ${MISSING_MESSAGE} ("${name}"). Install Terraform 1.11 to run them.\n!!!!!!!!\n`);
  describe.skip(name, fn);
}

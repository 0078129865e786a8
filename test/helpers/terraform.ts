/**
 * Drives the real `terraform` binary against provider executables under test, offline: a temp working
 * directory, a CLI config whose `dev_overrides` point provider addresses at directories holding the
 * executables (so no `terraform init`, no registry, no lock file: shared docs, terraform-plugin-protocol.md
 * §8.2), and a clean environment: CHECKPOINT_DISABLE=1, TF_IN_AUTOMATION=1, and none of the caller's
 * TF_* variables unless passed in.
 *
 * A missing binary fails the run in CI (CI set) and skips loudly elsewhere: use `describeTerraform` in place
 * of `describe`. The binary is looked for on PATH; KEYPLANE_TEST_TERRAFORM_BIN overrides (`none`: act as if
 * missing).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { devOverridesBlock } from '../../cli/tf-cli-config';
import { requireBuildProject } from './project';

function findTerraform(): string | undefined {
  const forced = process.env.KEYPLANE_TEST_TERRAFORM_BIN;
  if (forced !== undefined) return forced !== 'none' && existsSync(forced) ? forced : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'terraform');
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
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

export interface TerraformResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds the command took. */
  ms: number;
}

export interface WorkspaceOptions {
  /**
   * Providers to run from local directories: source address without the host (`example/transport`) to
   * the directory that holds its `terraform-provider-<TYPE>` executable.
   */
  devOverrides: Record<string, string>;
  /** Environment for every command in this workspace (over the clean base; `undefined` removes a key). */
  env?: Record<string, string | undefined>;
  /** Configuration files to write at once: name to HCL. */
  files?: Record<string, string>;
}

export interface RunOptions {
  /** Environment for this command only, over the workspace's. */
  env?: Record<string, string | undefined>;
  /** Kill terraform after this long (default 120 s): a hang fails the test instead of the suite. */
  timeoutMs?: number;
}

export interface TerraformWorkspace {
  /** The working directory: configuration and state live here. */
  readonly dir: string;
  /** The CLI configuration file (TF_CLI_CONFIG_FILE). */
  readonly cliConfigFile: string;
  /** The environment commands run with (before per-command additions). */
  readonly env: Record<string, string>;
  /** Writes configuration files into the working directory (name to content). */
  write(files: Record<string, string>): void;
  read(name: string): string;
  /** Runs `terraform ARGS` in the working directory; never throws for a non-zero exit. */
  run(args: string[], options?: RunOptions): Promise<TerraformResult>;
  /** Removes the working directory and the CLI config. */
  remove(): void;
}

/** The CLI config the tests run Terraform with: the same dev_overrides block `keyplane provider dev-overrides` writes. */
export const cliConfig = devOverridesBlock;

/** The environment a command starts from: this process's, minus every TF_* variable, plus the basics. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TF_')) env[k] = v;
  return { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
}

function merge(into: Record<string, string>, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const out = { ...into };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Workspaces not yet removed: removed at exit, so an aborted run leaves none behind. */
const live = new Set<string>();
let exitHook = false;

export function createWorkspace(options: WorkspaceOptions): TerraformWorkspace {
  if (!TERRAFORM_BIN) throw new Error(MISSING_MESSAGE);
  const bin = TERRAFORM_BIN;
  const root = mkdtempSync(join(tmpdir(), 'keyplane-tf-'));
  const dir = join(root, 'work');
  const cliConfigFile = join(root, 'cli.tfrc');
  mkdirSync(dir);
  writeFileSync(cliConfigFile, cliConfig(options.devOverrides));
  live.add(root);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const r of live) rmSync(r, { recursive: true, force: true });
    });
  }
  const env = merge({ ...baseEnv(), TF_CLI_CONFIG_FILE: cliConfigFile }, options.env);
  const workspace: TerraformWorkspace = {
    dir,
    cliConfigFile,
    env,
    write(files) {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    },
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    run(args, runOptions = {}) {
      const started = performance.now();
      const child = spawn(bin, args, { cwd: dir, env: merge(env, runOptions.env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timeoutMs = runOptions.timeoutMs ?? 120_000;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          if (signal === 'SIGKILL' && performance.now() - started >= timeoutMs)
            stderr += `\n[harness] terraform ${args.join(' ')} killed after ${timeoutMs} ms`;
          resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
        });
      });
    },
    remove() {
      live.delete(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
  if (options.files) workspace.write(options.files);
  return workspace;
}

/** Pids of live processes whose command line mentions `needle` (e.g. a provider executable's path). */
export function processesRunning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(needle)) continue;
      // A zombie has exited already; only its parent has not collected it yet.
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ').pop()?.charAt(0);
      if (state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

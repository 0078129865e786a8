/**
 * One Terraform working directory, driving the real `terraform` binary against provider executables under
 * test, offline: a temp directory, a CLI config whose `dev_overrides` point provider addresses at the
 * directories holding the executables (so no `terraform init`, no registry, no lock file:
 * docs/sdk/local-installation.md#dev_overrides), and a clean environment: CHECKPOINT_DISABLE=1,
 * TF_IN_AUTOMATION=1, and none of the caller's TF_* variables unless passed in.
 *
 * `terraform()` runs a command as a user would, with -no-color (and -input=false where taken), fails the test
 * on an unexpected exit code, and afterwards checks /proc: no provider process the command started may outlive
 * it (Terraform ends each with Shutdown and waits). A command that needs stdin or its process (one to
 * interrupt with Ctrl-C) starts in its own process group, as a terminal would start it. `run()` runs exactly
 * the arguments given and never throws, for tests of Terraform's own behaviour (init, validate, plugins).
 *
 * The Keyplane and conformance layers (test/helpers/keyplane.ts, conformance.ts) add their provider, its
 * environment and what they read behind Terraform's back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devOverridesBlock } from '../../../cli/tf-cli-config';
import { MISSING_MESSAGE, TERRAFORM_BIN } from './binary';
import { type ShowPlan, type ShowState, type StateFile, type StateInstance, findInstance, parseJSON, resourcesByAddress } from './json';

/** A provider run from a local directory (dev_overrides) and declared in main.tf's required_providers. */
export interface ProviderUnderTest {
  /** Source address without the host: `keyplane/keyplane`. */
  source: string;
  /** Its local name, the `TYPE` of `terraform-provider-TYPE`: `keyplane`. */
  name: string;
  /** The directory holding `terraform-provider-TYPE`. */
  dir: string;
  /** A provider block `writeConfig` puts after required_providers (none when absent). */
  block?: string;
}

export interface WorkspaceOptions {
  providers?: ProviderUnderTest[];
  /** Environment for every command (over the clean base; `undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  /** Files to write at once: name to content. */
  files?: Record<string, string>;
  /** Part of the temp directory's name. */
  name?: string;
}

export interface RunOptions {
  /** Environment for this command only, over the workspace's. */
  env?: Record<string, string | undefined>;
  /** `terraform()` fails unless the exit code is one of these (default [0]); null accepts anything. */
  expectCode?: number[] | null;
  stdin?: string;
  /** Kill terraform after this long (default 120 s): a hang fails the test instead of the suite. */
  timeoutMs?: number;
  /** Called once terraform runs, with its process (e.g. to interrupt it). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface TerraformResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr (in arrival order for a command started in its own process group). */
  output: string;
  ms: number;
  timedOut: boolean;
}

export class TerraformError extends Error {
  constructor(
    readonly result: TerraformResult,
    why: string,
  ) {
    super(`terraform ${result.args.join(' ')}: ${why} (exit ${result.code}${result.signal ? `, ${result.signal}` : ''})\n${result.output}`);
  }
}

/** The variable whose value tells one workspace's provider processes from another's (and other workers'). */
const RUN_MARKER = 'KEYPLANE_TF_WORKSPACE';

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

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  return new Workspace(options);
}

export class Workspace {
  /** The working directory: configuration and state live here. */
  readonly dir: string;
  /** The CLI configuration file (TF_CLI_CONFIG_FILE). */
  readonly cliConfigFile: string;
  /** The environment commands run with (before per-command additions). */
  readonly env: Record<string, string>;
  readonly providers: readonly ProviderUnderTest[];
  /** Commands run so far, with their durations (KEYPLANE_TERRAFORM_TIMING=1 prints them). */
  readonly history: TerraformResult[] = [];
  private readonly root: string;
  private readonly marker = randomUUID();

  constructor(options: WorkspaceOptions = {}) {
    if (!TERRAFORM_BIN) throw new Error(MISSING_MESSAGE);
    this.providers = options.providers ?? [];
    this.root = mkdtempSync(join(tmpdir(), `keyplane-tf-${options.name ?? 'ws'}-`));
    this.dir = join(this.root, 'work');
    this.cliConfigFile = join(this.root, 'cli.tfrc');
    mkdirSync(this.dir);
    writeFileSync(this.cliConfigFile, devOverridesBlock(Object.fromEntries(this.providers.map((p) => [p.source, p.dir]))));
    live.add(this.root);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const r of live) rmSync(r, { recursive: true, force: true });
      });
    }
    // Every provider process inherits the marker, which is how the leak check tells ours from others'.
    this.env = merge({ ...baseEnv(), TF_CLI_CONFIG_FILE: this.cliConfigFile, [RUN_MARKER]: this.marker }, options.env);
    if (options.files) this.write(options.files);
  }

  // ---- configuration ------------------------------------------------------------------------------------------

  /** Writes files into the working directory (name to content). */
  write(files: Record<string, string>): void {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.dir, name), content);
  }

  read(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }

  /** Writes main.tf: required_providers for the providers under test, their provider blocks, then `body`. */
  writeConfig(body: string): void {
    const required = this.providers.map((p) => `    ${p.name} = { source = "${p.source}" }\n`).join('');
    const blocks = this.providers.flatMap((p) => (p.block ? [`${p.block.trim()}\n\n`] : [])).join('');
    this.write({ 'main.tf': `terraform {\n  required_providers {\n${required}  }\n}\n\n${blocks}${body.trim()}\n` });
  }

  /** main.tf as written, for finding the line an expression is on. */
  config(): string {
    return this.read('main.tf');
  }

  /** The 1-based line of main.tf holding `text` (exactly one line must). */
  lineOf(text: string): number {
    const lines = this.config().split('\n');
    const hits = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
    if (hits.length !== 1) throw new Error(`main.tf has ${hits.length} lines holding ${JSON.stringify(text)}`);
    return hits[0]!;
  }

  // ---- commands -------------------------------------------------------------------------------------------

  /**
   * `terraform ARGS` as a user runs it: -no-color (and -input=false where taken) added, the exit code checked
   * (`expectCode`), and no provider process left behind.
   */
  async terraform(args: string[], opts: RunOptions = {}): Promise<TerraformResult> {
    const result = await this.exec(withStandardFlags(args), opts, opts.stdin !== undefined || opts.onSpawn !== undefined);
    if (result.timedOut) throw new TerraformError(result, 'did not finish in time and was killed');
    await this.expectNoProviderLeft(result);
    const expected = opts.expectCode === undefined ? [0] : opts.expectCode;
    if (expected !== null && (result.code === null || !expected.includes(result.code)))
      throw new TerraformError(result, `expected exit ${expected.join(' or ')}`);
    return result;
  }

  /** `terraform ARGS` exactly as given; never throws for an exit code. */
  run(args: string[], opts: Pick<RunOptions, 'env' | 'timeoutMs'> = {}): Promise<TerraformResult> {
    return this.exec(args, opts, false);
  }

  async apply(opts: RunOptions = {}): Promise<TerraformResult> {
    return this.terraform(['apply', '-auto-approve'], opts);
  }

  /** `plan -detailed-exitcode`: true when the plan is empty. */
  async planIsEmpty(opts: RunOptions = {}): Promise<{ empty: boolean; result: TerraformResult }> {
    const result = await this.terraform(['plan', '-detailed-exitcode'], { ...opts, expectCode: [0, 2] });
    return { empty: result.code === 0, result };
  }

  /** Saves a plan to `file` and returns its `show -json`. */
  async savedPlan(file = 'tfplan', opts: RunOptions = {}): Promise<{ plan: ShowPlan; result: TerraformResult }> {
    const result = await this.terraform(['plan', `-out=${file}`], opts);
    return { plan: await this.showPlan(file, opts.env), result };
  }

  // ---- what Terraform stored --------------------------------------------------------------------------------

  /** `terraform show -json` of the state. */
  async showState(env?: RunOptions['env']): Promise<ShowState> {
    return parseJSON<ShowState>((await this.terraform(['show', '-json'], { env })).stdout);
  }

  /** `terraform show -json PLANFILE`. */
  async showPlan(planFile = 'tfplan', env?: RunOptions['env']): Promise<ShowPlan> {
    return parseJSON<ShowPlan>((await this.terraform(['show', '-json', planFile], { env })).stdout);
  }

  /** The values of one resource in `show -json`. */
  async values(address: string): Promise<Record<string, any>> {
    const r = resourcesByAddress(await this.showState())[address];
    if (!r) throw new Error(`${address} is not in the state`);
    return r.values;
  }

  /** terraform.tfstate as stored, or '' when there is none. */
  stateFileText(): string {
    const p = join(this.dir, 'terraform.tfstate');
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  /** terraform.tfstate as stored (losslessly parsed). */
  stateFile(): StateFile {
    return parseJSON<StateFile>(this.read('terraform.tfstate'));
  }

  /** One instance of the state file: `conformance_thing.a`, `conformance_thing.many[3]`. */
  instance(address: string): StateInstance {
    const found = findInstance(this.stateFile(), address);
    if (!found) throw new Error(`${address} is not in terraform.tfstate`);
    return found;
  }

  /** Its private state, decoded (the SDK keeps it as JSON). */
  privateOf(address: string): Record<string, unknown> {
    const p = this.instance(address).private;
    return p ? (JSON.parse(Buffer.from(p, 'base64').toString('utf8')) as Record<string, unknown>) : {};
  }

  /** Seconds spent in terraform so far, and the number of commands. */
  timing(): { commands: number; seconds: number } {
    return { commands: this.history.length, seconds: Math.round(this.history.reduce((s, r) => s + r.ms, 0) / 100) / 10 };
  }

  /** Removes the directory (kept with KEYPLANE_KEEP_WORKSPACE=1); KEYPLANE_TERRAFORM_TIMING=1 prints each command's time. */
  remove(): void {
    if (process.env.KEYPLANE_TERRAFORM_TIMING) {
      const lines = this.history.map((r) => `${String(r.ms).padStart(6)} ms  terraform ${r.args.join(' ')}`);
      const { commands, seconds } = this.timing();
      process.stderr.write(`${this.dir}: ${commands} commands, ${seconds} s\n${lines.join('\n')}\n`);
    }
    if (process.env.KEYPLANE_KEEP_WORKSPACE) {
      process.stderr.write(`terraform workspace kept: ${this.dir}\n`);
      return;
    }
    live.delete(this.root);
    rmSync(this.root, { recursive: true, force: true });
  }

  // ---- processes ------------------------------------------------------------------------------------------

  private async exec(args: string[], opts: RunOptions, inGroup: boolean): Promise<TerraformResult> {
    const started = performance.now();
    const child = spawn(TERRAFORM_BIN!, args, {
      cwd: this.dir,
      env: merge(this.env, opts.env),
      detached: inGroup,
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      output += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      output += d;
    });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    opts.onSpawn?.(child);
    const timeoutMs = opts.timeoutMs ?? 120_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (inGroup) killGroup(child, 'SIGKILL');
      else child.kill('SIGKILL');
    }, timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    clearTimeout(timer);
    if (timedOut) stderr += `\n[harness] terraform ${args.join(' ')} killed after ${timeoutMs} ms`;
    // Outside a process group the two streams are not interleaved by arrival: stdout, then stderr.
    const result = {
      args,
      code,
      signal,
      stdout,
      stderr,
      output: inGroup ? output : `${stdout}${stderr}`,
      ms: Math.round(performance.now() - started),
      timedOut,
    };
    this.history.push(result);
    return result;
  }

  /**
   * No provider process started from this workspace may outlive the command: Terraform ends each one with
   * Shutdown and waits for it. A survivor is killed (it is ours) and fails the test.
   */
  async expectNoProviderLeft(result: TerraformResult): Promise<void> {
    const left = () => this.providers.flatMap((p) => providerProcesses(join(p.dir, `terraform-provider-${p.name}`), this.marker));
    let found = left();
    // A process that answered Shutdown can still be tearing down for a moment after Terraform returned.
    for (let i = 0; found.length > 0 && i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      found = left();
    }
    if (found.length === 0) return;
    for (const p of found) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    throw new TerraformError(result, `provider processes outlived the command: ${found.map((p) => `${p.pid} (${p.cmdline})`).join(', ')}`);
  }
}

const TAKES_INPUT = new Set(['plan', 'apply', 'destroy', 'import', 'refresh', 'console']);

function withStandardFlags(args: string[]): string[] {
  const [command, ...rest] = args;
  if (command === undefined || command === 'version') return args;
  // `providers schema` and `state rm` take no -no-color; their output has no colour anyway.
  if (command === 'providers' || command === 'state') return args;
  const flags = ['-no-color'];
  if (TAKES_INPUT.has(command)) flags.push('-input=false');
  return [command, ...flags, ...rest];
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone
  }
}

/** Live (not zombie) processes whose command line mentions `needle`, and whose environment holds `marker` when given. */
function scanProcesses(needle: string, marker?: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(needle)) continue;
      // A zombie has exited already; only its parent has not collected it yet.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (marker !== undefined && !readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${RUN_MARKER}=${marker}`)) continue;
      found.push({ pid: Number(entry), cmdline: cmdline.split('\0').join(' ').trim() });
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** Pids of live processes whose command line mentions `needle` (e.g. a provider executable's path). */
export function processesRunning(needle: string): number[] {
  return scanProcesses(needle).map((p) => p.pid);
}

/** Live processes running `executable` that a workspace with this marker started. */
export function providerProcesses(executable: string, marker: string): { pid: number; cmdline: string }[] {
  return scanProcesses(executable, marker);
}

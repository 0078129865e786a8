/**
 * The conformance suite's harness: the real `terraform` CLI driving the conformance provider
 * (test/fixtures/conformance-provider) through dev_overrides, built on test/helpers/terraform.ts (working
 * directory, CLI configuration, clean environment, describeTerraform).
 *
 * - `conformanceProvider()` is the provider `npm run build` bundled (test/helpers/build.ts checks it is
 *   current).
 * - `Workspace` is one working directory with its own store: it runs terraform (a command that needs stdin
 *   or its process, such as one to interrupt with Ctrl-C, starts in its own process group, as a terminal
 *   would start it), writes main.tf, reads the state file, `terraform show -json`, the store behind the
 *   provider and its event log. After every command it checks /proc: no provider process started by that
 *   command may outlive it.
 * - `steps()` runs a story (shared docs style.md point 11): each step writes a config, plans to a file,
 *   checks the saved plan (`show -json`) and its text, applies the saved plan, checks the state
 *   (`show -json`) and proves convergence with a second, empty plan.
 * - `diagnostics()` parses Terraform's human diagnostics (summary, address, file, line, the highlighted
 *   source line, detail) so tests assert where an error points, not only that one happened.
 *
 * JSON from Terraform is parsed losslessly: a number a JS number cannot hold exactly comes back as its
 * decimal text (`'12345678901234567890123'`), every other number as a number.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { TERRAFORM_BIN, type TerraformWorkspace, createWorkspace } from './terraform';

export { describeTerraform } from './terraform';
import { built } from './build';
import { ROOT } from './cli';

export { ROOT };
export const PROVIDER_SOURCE = 'keyplane-test/conformance';
export const PROVIDER_ADDRESS = `registry.terraform.io/${PROVIDER_SOURCE}`;
export const EXECUTABLE = 'terraform-provider-conformance';

// ---- the provider bundle ---------------------------------------------------------------------------------

/** The directory holding `terraform-provider-conformance`, which `npm run build` bundles: the fixture, the whole SDK, the protos. */
export function conformanceProvider(): string {
  return dirname(built(`dist/test/fixtures/conformance-provider/${EXECUTABLE}`));
}

// ---- lossless JSON ------------------------------------------------------------------------------------------

/** JSON with exact numbers: those a JS number cannot hold come back as decimal text. */
export function parseJSON<T = any>(text: string): T {
  return parseLossless(text, null, (n: string) => (isSafeNumber(n) ? Number(n) : n)) as T;
}

// ---- running terraform ----------------------------------------------------------------------------------------

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

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Fail unless terraform exits with one of these (default [0]); null accepts anything. */
  expectCode?: number[] | null;
  stdin?: string;
  timeoutMs?: number;
  /** Called once terraform runs, with its process (e.g. to interrupt it). */
  onSpawn?: (child: ChildProcess) => void;
}

/** A line Terraform prints on every command under dev_overrides; noise in every assertion. */
const DEV_OVERRIDES_WARNING = 'Provider development overrides are in effect';

export class TerraformError extends Error {
  constructor(
    readonly result: TerraformResult,
    why: string,
  ) {
    super(`terraform ${result.args.join(' ')}: ${why} (exit ${result.code}${result.signal ? `, ${result.signal}` : ''})\n${result.output}`);
  }
}

/** The variable whose value tells one workspace's provider processes from another's. */
const RUN_MARKER = 'KEYPLANE_CONFORMANCE_RUN';

/**
 * Live processes running `executable` started from the workspace with this marker (terraform.ts's
 * processesRunning looks at command lines only, and other Jest workers run the same bundle).
 */
export function providerProcesses(executable: string, marker: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(executable)) continue;
      // A zombie has been reaped by nobody yet but runs nothing; it is not a survivor.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${RUN_MARKER}=${marker}`)) continue;
      found.push({ pid: Number(entry), cmdline: cmdline.split('\0').join(' ').trim() });
    } catch {
      // gone while we looked
    }
  }
  return found;
}

export interface WorkspaceOptions {
  /** Leave out the provider block, so the provider takes its store from the environment. */
  providerBlock?: boolean;
}

/**
 * One Terraform working directory (test/helpers/terraform.ts makes it, with the dev_overrides CLI config
 * and a clean environment), with its own store. No command here needs `terraform init`.
 */
export class Workspace {
  /** Commands run so far, with their durations (KEYPLANE_CONFORMANCE_TIMING=1 prints them). */
  readonly history: TerraformResult[] = [];

  private constructor(
    private readonly tf: TerraformWorkspace,
    readonly storeDir: string,
    readonly providerDir: string,
    private readonly marker: string,
    private readonly options: WorkspaceOptions,
  ) {}

  static async create(name: string, options: WorkspaceOptions = {}): Promise<Workspace> {
    const providerDir = conformanceProvider();
    const storeDir = mkdtempSync(join(tmpdir(), `keyplane-conformance-${name}-store-`));
    // Every provider process inherits this, which is how the leak check tells ours from other workers'.
    const marker = randomUUID();
    const tf = createWorkspace({ devOverrides: { [PROVIDER_SOURCE]: providerDir }, env: { CONFORMANCE_STORE_DIR: storeDir, [RUN_MARKER]: marker } });
    return new Workspace(tf, storeDir, providerDir, marker, options);
  }

  get dir(): string {
    return this.tf.dir;
  }

  get executable(): string {
    return join(this.providerDir, EXECUTABLE);
  }

  /** Writes main.tf: the terraform and provider blocks, then `body`. */
  writeConfig(body: string): void {
    const provider = this.options.providerBlock === false ? '' : `provider "conformance" {\n  store_dir = "${this.storeDir}"\n}\n\n`;
    writeFileSync(
      join(this.dir, 'main.tf'),
      `terraform {\n  required_providers {\n    conformance = { source = "${PROVIDER_SOURCE}" }\n  }\n}\n\n${provider}${body.trim()}\n`,
    );
  }

  /** main.tf as written, for finding the line an expression is on. */
  config(): string {
    return readFileSync(join(this.dir, 'main.tf'), 'utf8');
  }

  /** The 1-based line of main.tf holding `text` (exactly one line must). */
  lineOf(text: string): number {
    const lines = this.config().split('\n');
    const hits = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
    if (hits.length !== 1) throw new Error(`main.tf has ${hits.length} lines holding ${JSON.stringify(text)}`);
    return hits[0]!;
  }

  /**
   * Runs terraform with -no-color (and -input=false where the command takes it), then checks that none of the
   * provider processes it started is left. A command that needs stdin or its process (Ctrl-C) is started
   * here in its own process group, as a terminal would; every other goes through the harness's run().
   */
  async terraform(args: string[], opts: RunOptions = {}): Promise<TerraformResult> {
    const full = withStandardFlags(args);
    const result = opts.stdin !== undefined || opts.onSpawn ? await this.spawnInGroup(full, opts) : await this.run(full, opts);
    this.history.push(result);
    if (result.timedOut) throw new TerraformError(result, 'did not finish in time and was killed');
    await this.expectNoProviderLeft(result);
    const expected = opts.expectCode === undefined ? [0] : opts.expectCode;
    if (expected !== null && (result.code === null || !expected.includes(result.code)))
      throw new TerraformError(result, `expected exit ${expected.join(' or ')}`);
    return result;
  }

  private async run(args: string[], opts: RunOptions): Promise<TerraformResult> {
    const timeoutMs = opts.timeoutMs ?? 90_000;
    const r = await this.tf.run(args, { env: opts.env, timeoutMs });
    return {
      args,
      code: r.code,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
      output: `${r.stdout}${r.stderr}`,
      ms: Math.round(r.ms),
      timedOut: r.signal === 'SIGKILL' && r.ms >= timeoutMs,
    };
  }

  private async spawnInGroup(args: string[], opts: RunOptions): Promise<TerraformResult> {
    const started = Date.now();
    const env: Record<string, string> = { ...this.tf.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(TERRAFORM_BIN!, args, { cwd: this.dir, env, detached: true, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
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
    const timeoutMs = opts.timeoutMs ?? 90_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    clearTimeout(timer);
    return { args, code, signal, stdout, stderr, output, ms: Date.now() - started, timedOut };
  }

  /**
   * No provider process started from this workspace may outlive the command: Terraform ends each one with
   * Shutdown and waits for it. A survivor is killed (it is ours) and fails the test.
   */
  async expectNoProviderLeft(result: TerraformResult): Promise<void> {
    let left = providerProcesses(this.executable, this.marker);
    // A process that answered Shutdown can still be tearing down for a moment after Terraform returned.
    for (let i = 0; left.length > 0 && i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = providerProcesses(this.executable, this.marker);
    }
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    throw new TerraformError(result, `provider processes outlived the command: ${left.map((p) => `${p.pid} (${p.cmdline})`).join(', ')}`);
  }

  // ---- what Terraform stored --------------------------------------------------------------------------------

  /** terraform.tfstate as stored (losslessly parsed). */
  stateFile(): StateFile {
    return parseJSON<StateFile>(readFileSync(join(this.dir, 'terraform.tfstate'), 'utf8'));
  }

  stateFileText(): string {
    return readFileSync(join(this.dir, 'terraform.tfstate'), 'utf8');
  }

  /** One instance of the state file: `conformance_thing.a`, `conformance_thing.many[3]`. */
  instance(address: string): StateInstance {
    const found = findInstance(this.stateFile(), address);
    if (!found) throw new Error(`${address} is not in terraform.tfstate`);
    return found;
  }

  /** Its private state, decoded (the framework keeps it as JSON). */
  privateOf(address: string): Record<string, unknown> {
    const p = this.instance(address).private;
    return p ? (JSON.parse(Buffer.from(p, 'base64').toString('utf8')) as Record<string, unknown>) : {};
  }

  /** `terraform show -json` of the state. */
  async showState(env?: RunOptions['env']): Promise<ShowState> {
    return parseJSON<ShowState>((await this.terraform(['show', '-json'], { env })).stdout);
  }

  /** `terraform show -json PLANFILE`. */
  async showPlan(planFile = 'tfplan', env?: RunOptions['env']): Promise<ShowPlan> {
    return parseJSON<ShowPlan>((await this.terraform(['show', '-json', planFile], { env })).stdout);
  }

  // ---- the provider's store, behind Terraform's back --------------------------------------------------------

  storeIds(kind: string): string[] {
    try {
      return readdirSync(join(this.storeDir, kind))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch {
      return [];
    }
  }

  storeRead(kind: string, id: string): Record<string, any> {
    return parseJSON(readFileSync(join(this.storeDir, kind, `${id}.json`), 'utf8'));
  }

  storeWrite(kind: string, id: string, doc: object | string): void {
    mkdirSync(join(this.storeDir, kind), { recursive: true });
    writeFileSync(join(this.storeDir, kind, `${id}.json`), typeof doc === 'string' ? doc : `${JSON.stringify(doc, null, 2)}\n`);
  }

  storeText(kind: string, id: string): string {
    return readFileSync(join(this.storeDir, kind, `${id}.json`), 'utf8');
  }

  storeDelete(kind: string, id: string): void {
    rmSync(join(this.storeDir, kind, `${id}.json`));
  }

  /** events.jsonl of the provider processes, in order. */
  events(): Record<string, any>[] {
    const file = join(this.storeDir, 'events.jsonl');
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.pop(); // after the last newline: nothing, or a line a provider is still writing
    return lines.map((l) => JSON.parse(l) as Record<string, any>);
  }

  clearEvents(): void {
    rmSync(join(this.storeDir, 'events.jsonl'), { force: true });
  }

  /** Seconds spent in terraform so far, and the number of commands. */
  timing(): { commands: number; seconds: number } {
    return { commands: this.history.length, seconds: Math.round(this.history.reduce((s, r) => s + r.ms, 0) / 100) / 10 };
  }

  /** Removes the directory (kept with KEYPLANE_KEEP_CONFORMANCE=1); KEYPLANE_CONFORMANCE_TIMING=1 prints each command's time. */
  remove(): void {
    if (process.env.KEYPLANE_CONFORMANCE_TIMING) {
      const lines = this.history.map((r) => `${String(r.ms).padStart(6)} ms  terraform ${r.args.join(' ')}`);
      const { commands, seconds } = this.timing();
      process.stderr.write(`${this.dir}: ${commands} commands, ${seconds} s\n${lines.join('\n')}\n`);
    }
    if (process.env.KEYPLANE_KEEP_CONFORMANCE) {
      process.stderr.write(`conformance workspace kept: ${this.dir} (store ${this.storeDir})\n`);
      return;
    }
    this.tf.remove();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone
  }
}

const TAKES_INPUT = new Set(['plan', 'apply', 'destroy', 'import', 'refresh', 'console']);

function withStandardFlags(args: string[]): string[] {
  const [command, ...rest] = args;
  if (command === undefined || command === 'version') return args;
  const flags = ['-no-color'];
  // `providers schema` and `state rm` take no -no-color; their output has no colour anyway.
  if (command === 'providers' || command === 'state') return [command, ...rest];
  if (TAKES_INPUT.has(command)) flags.push('-input=false');
  return [command, ...flags, ...rest];
}

// ---- state and plan JSON shapes (the parts the suite reads) ----------------------------------------------

export interface StateInstance {
  schema_version: number;
  attributes: Record<string, any>;
  sensitive_attributes?: unknown[];
  private?: string;
  index_key?: number | string;
  status?: string;
}

export interface StateFile {
  version: number;
  serial: number;
  resources: { mode: string; type: string; name: string; provider: string; instances: StateInstance[] }[];
}

function findInstance(state: StateFile, address: string): StateInstance | undefined {
  const m = /^(data\.)?([a-z0-9_]+)\.([a-zA-Z0-9_-]+)(?:\[(?:(\d+)|"([^"]*)")\])?$/.exec(address);
  if (!m) throw new Error(`not a resource instance address: ${address}`);
  const [, data, type, name, index, key] = m;
  const r = state.resources.find((x) => x.mode === (data ? 'data' : 'managed') && x.type === type && x.name === name);
  if (!r) return undefined;
  if (index !== undefined) return r.instances.find((i) => i.index_key === Number(index));
  if (key !== undefined) return r.instances.find((i) => i.index_key === key);
  return r.instances.find((i) => i.index_key === undefined);
}

export interface ShowResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: number | string;
  schema_version: number;
  values: Record<string, any>;
  sensitive_values: Record<string, any>;
}

export interface ShowState {
  format_version: string;
  values?: { root_module: { resources?: ShowResource[] } };
}

export interface ResourceChange {
  address: string;
  previous_address?: string;
  mode: string;
  type: string;
  name: string;
  action_reason?: string;
  change: {
    actions: string[];
    before: any;
    after: any;
    after_unknown: any;
    before_sensitive: any;
    after_sensitive: any;
    replace_paths?: unknown[][];
    importing?: { id: string };
  };
}

export interface ShowPlan {
  format_version: string;
  planned_values?: { root_module: { resources?: ShowResource[] } };
  resource_changes?: ResourceChange[];
  resource_drift?: ResourceChange[];
  prior_state?: ShowState;
  configuration?: unknown;
  errored: boolean;
}

/** The resources of a `show -json` state, by address. */
export function resourcesByAddress(show: ShowState): Record<string, ShowResource> {
  const out: Record<string, ShowResource> = {};
  for (const r of show.values?.root_module.resources ?? []) out[r.address] = r;
  return out;
}

/** The one-word action of a resource change: create, update, replace, delete, read, no-op. */
export type Action = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'no-op';

export function actionOf(change: ResourceChange): Action {
  const a = change.change.actions;
  if (a.length === 2) return 'replace';
  return a[0] as Action;
}

/** Planned actions by address, no-ops left out. */
export function plannedActions(plan: ShowPlan): Record<string, Action> {
  const out: Record<string, Action> = {};
  for (const c of plan.resource_changes ?? []) {
    const action = actionOf(c);
    if (action !== 'no-op') out[c.address] = action;
  }
  return out;
}

// ---- diagnostics ------------------------------------------------------------------------------------------

export interface ParsedDiagnostic {
  severity: 'Error' | 'Warning';
  summary: string;
  /** The resource or provider the diagnostic is about (`with ...`). */
  address?: string;
  file?: string;
  line?: number;
  /** The source line Terraform printed for the highlighted expression, trimmed. */
  source?: string;
  /** The detail text, its line wrapping undone. */
  detail: string;
}

/**
 * Terraform's human diagnostics (with -no-color) in the order printed, the dev_overrides warning left out:
 *
 *     Error: Invalid CIDR Block
 *
 *       with conformance_validated.v,
 *       on main.tf line 16, in resource "conformance_validated" "v":
 *       16:       cidr = "10.0.0.1/8"
 *
 *     "10.0.0.1/8" has bits set after its /8 prefix. ...
 */
export function diagnostics(output: string): ParsedDiagnostic[] {
  const lines = output.split('\n').map((l) => l.replace(/^[│╷╵] ?/, ''));
  const out: ParsedDiagnostic[] = [];
  let i = 0;
  while (i < lines.length) {
    const head = /^(Error|Warning): (.*)$/.exec(lines[i]!);
    if (!head) {
      i++;
      continue;
    }
    const d: ParsedDiagnostic = { severity: head[1] as 'Error' | 'Warning', summary: head[2]!.trim(), detail: '' };
    i++;
    const body: string[] = [];
    while (i < lines.length && !/^(Error|Warning): /.test(lines[i]!)) body.push(lines[i++]!);
    const rest: string[] = [];
    let inContext = true;
    for (const line of body) {
      const withM = /^ {2}with (.*),$/.exec(line);
      const onM = /^ {2}on (\S+) line (\d+)/.exec(line);
      const srcM = /^ {2,}(\d+): (.*)$/.exec(line);
      if (inContext && withM) d.address = withM[1];
      else if (inContext && onM) {
        d.file = onM[1];
        d.line = Number(onM[2]);
      } else if (inContext && srcM && d.line !== undefined && Number(srcM[1]) === d.line && d.source === undefined) d.source = srcM[2]!.trim();
      else if (inContext && /^ {4,}[│├└]/.test(line))
        continue; // expression-value annotations under the source line
      else {
        if (line.trim() !== '' && !line.startsWith('  ')) inContext = false;
        if (!inContext) rest.push(line);
      }
    }
    d.detail = rest
      .join('\n')
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p !== '')
      .join('\n\n');
    if (d.summary !== DEV_OVERRIDES_WARNING) out.push(d);
  }
  return out;
}

// ---- stories ------------------------------------------------------------------------------------------------

export interface StepContext {
  ws: Workspace;
  /** The saved plan, as `terraform show -json tfplan` gave it. */
  plan: ShowPlan;
  planOutput: string;
  applyOutput: string;
  /** `terraform show -json` after apply, by address (only when the step applied). */
  state: Record<string, ShowResource>;
}

export interface Step {
  /** What the step proves, in words; shown when it fails. */
  name: string;
  /** The configuration after the terraform and provider blocks; the previous step's stays when absent. */
  config?: string;
  /** Runs before terraform: change the store behind Terraform's back, and so on. */
  before?: (ws: Workspace) => void | Promise<void>;
  /** Environment for every command of the step (plan, show, apply, the second plan). */
  env?: Record<string, string>;
  /** Extra plan flags: -replace=ADDR, -refresh-only, -refresh=false, -parallelism=N, -destroy. */
  planArgs?: string[];
  applyArgs?: string[];
  /** The plan's actions, exactly: every address with a change must be listed (no-ops left out). */
  expectActions?: Record<string, Action>;
  /** The plan must be empty ("No changes."). The step then does not apply. */
  expectNoChanges?: boolean;
  /** Texts the human plan must show. */
  expectPlanOutput?: (string | RegExp)[];
  /** The plan must fail with diagnostics matching these (each a partial ParsedDiagnostic). */
  expectPlanDiagnostics?: Partial<ParsedDiagnostic>[];
  /** Apply must fail with diagnostics matching these; the state is still read afterwards. */
  expectApplyDiagnostics?: Partial<ParsedDiagnostic>[];
  expectApplyOutput?: (string | RegExp)[];
  /** Attributes per address in `show -json` after apply, matched with toMatchObject. */
  expectState?: Record<string, Record<string, unknown>>;
  /** Addresses that must no longer be in state after apply. */
  expectGone?: string[];
  /** After a successful apply, a second plan must be empty (default true). */
  thenNoChanges?: boolean;
  /** Runs after the plan and before apply (ctx.state is still empty). */
  checkPlan?: (ctx: StepContext) => void | Promise<void>;
  /** Runs at the end of the step. */
  check?: (ctx: StepContext) => void | Promise<void>;
}

/** Runs of spaces count as one: Terraform aligns `=` signs by the longest attribute name in a block. */
const squeeze = (s: string) => s.replace(/[ \t]+/g, ' ');

function expectText(output: string, wanted: (string | RegExp)[] | undefined, what: string): void {
  for (const w of wanted ?? []) {
    const ok = typeof w === 'string' ? squeeze(output).includes(squeeze(w)) : w.test(output);
    if (!ok) throw new Error(`${what} lacks ${String(w)}:\n${output}`);
  }
}

function expectDiagnostics(output: string, wanted: Partial<ParsedDiagnostic>[]): void {
  const found = diagnostics(output);
  for (const w of wanted) {
    const hit = found.find((d) =>
      Object.entries(w).every(([k, v]) =>
        k === 'detail' && typeof v === 'string' ? d.detail.includes(v) : (d as unknown as Record<string, unknown>)[k] === v,
      ),
    );
    if (!hit) throw new Error(`no diagnostic like ${JSON.stringify(w)}; Terraform printed:\n${JSON.stringify(found, null, 2)}\n${output}`);
  }
}

/**
 * Runs the steps in order. Each: write config → `plan -out=tfplan` → `show -json tfplan` (actions) →
 * `apply tfplan` when there is something to do → `show -json` (state) → `plan -detailed-exitcode`
 * (must be empty). A failing step throws an error naming it.
 */
export async function steps(ws: Workspace, story: Step[]): Promise<void> {
  for (const [n, step] of story.entries()) {
    try {
      await runStep(ws, step);
    } catch (err) {
      const e = err as Error;
      e.message = `step ${n + 1} "${step.name}": ${e.message}`;
      throw e;
    }
  }
}

async function runStep(ws: Workspace, step: Step): Promise<void> {
  if (step.config !== undefined) ws.writeConfig(step.config);
  await step.before?.(ws);
  const env = step.env;
  const planExpectFailure = step.expectPlanDiagnostics !== undefined;
  const plan = await ws.terraform(['plan', '-out=tfplan', '-detailed-exitcode', ...(step.planArgs ?? [])], {
    env,
    expectCode: planExpectFailure ? [1] : [0, 2],
  });
  if (planExpectFailure) {
    expectDiagnostics(plan.output, step.expectPlanDiagnostics!);
    expectText(plan.output, step.expectPlanOutput, 'plan output');
    return;
  }
  expectText(plan.output, step.expectPlanOutput, 'plan output');
  const show = await ws.showPlan('tfplan', env);
  const ctx: StepContext = { ws, plan: show, planOutput: plan.output, applyOutput: '', state: {} };
  const actions = plannedActions(show);
  if (step.expectNoChanges) {
    if (plan.code !== 0 || !plan.output.includes('No changes.')) throw new Error(`expected no changes, got ${JSON.stringify(actions)}:\n${plan.output}`);
  } else if (step.expectActions) {
    expect(actions).toEqual(step.expectActions);
  }
  await step.checkPlan?.(ctx);
  const refreshOnly = (step.planArgs ?? []).includes('-refresh-only');
  const applies = !step.expectNoChanges && (plan.code === 2 || refreshOnly);
  if (applies) {
    const applyFails = step.expectApplyDiagnostics !== undefined;
    const apply = await ws.terraform(['apply', ...(step.applyArgs ?? []), 'tfplan'], { env, expectCode: applyFails ? [1] : [0] });
    ctx.applyOutput = apply.output;
    if (applyFails) expectDiagnostics(apply.output, step.expectApplyDiagnostics!);
    expectText(apply.output, step.expectApplyOutput, 'apply output');
    if (step.expectState || step.expectGone || step.check) ctx.state = resourcesByAddress(await ws.showState(env));
    for (const [address, attrs] of Object.entries(step.expectState ?? {})) {
      const r = ctx.state[address];
      if (!r) throw new Error(`${address} is not in state; state has ${Object.keys(ctx.state).join(', ')}`);
      expect(r.values).toMatchObject(attrs);
    }
    for (const address of step.expectGone ?? []) if (ctx.state[address]) throw new Error(`${address} is still in state`);
    if (!applyFails && step.thenNoChanges !== false && !refreshOnly) {
      const again = await ws.terraform(['plan', '-detailed-exitcode'], { env, expectCode: [0, 2] });
      if (again.code !== 0) throw new Error(`the plan after apply is not empty:\n${again.output}`);
    }
  }
  await step.check?.(ctx);
}

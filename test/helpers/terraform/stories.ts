/**
 * Stories (docs/sdk/README.md#stories): each step writes a configuration, plans to a file, checks the saved
 * plan (`show -json`) and its text, applies the saved plan, checks the state (`show -json`) and proves
 * convergence with a second, empty plan.
 */
import { type ParsedDiagnostic, diagnostics } from './diagnostics';
import { type Action, type ShowPlan, type ShowResource, plannedActions, resourcesByAddress } from './json';
import type { Workspace } from './workspace';

export interface StepContext<W extends Workspace = Workspace> {
  ws: W;
  /** The saved plan, as `terraform show -json tfplan` gave it. */
  plan: ShowPlan;
  planOutput: string;
  applyOutput: string;
  /** `terraform show -json` after apply, by address (only when the step applied). */
  state: Record<string, ShowResource>;
}

export interface Step<W extends Workspace = Workspace> {
  /** What the step proves, in words; shown when it fails. */
  name: string;
  /** The configuration after the terraform and provider blocks; the previous step's stays when absent. */
  config?: string;
  /** Runs before terraform: change the store behind Terraform's back, and so on. */
  before?: (ws: W) => void | Promise<void>;
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
  checkPlan?: (ctx: StepContext<W>) => void | Promise<void>;
  /** Runs at the end of the step. */
  check?: (ctx: StepContext<W>) => void | Promise<void>;
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
export async function steps<W extends Workspace>(ws: W, story: Step<W>[]): Promise<void> {
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

async function runStep<W extends Workspace>(ws: W, step: Step<W>): Promise<void> {
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
  const ctx: StepContext<W> = { ws, plan: show, planOutput: plan.output, applyOutput: '', state: {} };
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

/**
 * What Terraform writes as JSON (the state file, `show -json` of state and of a saved plan), in the shapes the
 * tests read, parsed losslessly: a number a JS number cannot hold exactly comes back as its decimal text
 * (`'12345678901234567890123'`), every other number as a number.
 */
import { isSafeNumber, parse as parseLossless } from 'lossless-json';

/** JSON with exact numbers: those a JS number cannot hold come back as decimal text. */
export function parseJSON<T = any>(text: string): T {
  return parseLossless(text, null, (n: string) => (isSafeNumber(n) ? Number(n) : n)) as T;
}

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

export function findInstance(state: StateFile, address: string): StateInstance | undefined {
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

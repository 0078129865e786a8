/**
 * @module framework/server/plan-resource-change
 * PlanResourceChange, in one fixed order (each step's reason is Terraform's checks, docs/sdk/plugin-protocol.md#plan-and-apply-checks):
 *
 *  1. destroy (proposed null): the plan is null; the resource's modifyPlan may still warn or refuse.
 *  2. write-only attributes planned null (Terraform refuses any other planned value).
 *  3. defaults for optional+computed attributes left null in the configuration.
 *  4. on create, or when anything changed, computed attributes left null in the configuration become
 *     unknown: the provider will fill them at apply, and a value that appears at apply without being planned
 *     unknown is an "inconsistent result" error.
 *  5. attribute plan modifiers (use state for unknown, requires replace…), parents before children.
 *  6. the resource's modifyPlan.
 *  7. requires_replace: every path a modifier or modifyPlan named, whenever there is a prior state. Terraform
 *     compares prior and planned values at each path itself, unknowns included, so we never filter them.
 *
 * The same RPC runs again at apply time with more values known; the steps give the same answer for the
 * values that were known, so the final plan matches the saved one.
 */
import type { Path } from '../../cty/path';
import { Value } from '../../cty/value';
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, addPathError, diagnosticsToProto, pathToProto } from '../diagnostics';
import type { PlanModifierResponse } from '../plan-modifiers/plan-modifier';
import { PrivateState } from '../private-state';
import type { ModifyPlanResponse } from '../resource';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, ConfigOf, PlanOf, StateOf } from '../schema/schema';
import { StateWriter } from '../state-writer';
import { type ServerState, guard, providerMeta, requestContext } from './state';
import { decodeDynamic, encodeDynamic, forTerraform } from './values';
import { mapAttributes } from './walk';

export async function planResourceChange(state: ServerState, req: P.PlanResourceChange.Request, ctx: CallContext): Promise<P.PlanResourceChange.Response> {
  const diags = new Diagnostics();
  const fail = (): P.PlanResourceChange.Response => ({ requires_replace: [], diagnostics: diagnosticsToProto(diags) });
  const found = state.instance(state.resources, 'resource', req.type_name, diags);
  if (!found) return fail();
  const { instance: resource, schema } = found;
  const type = schema.type;

  let prior: Value;
  let proposed: Value;
  let config: Value;
  let meta: Value;
  try {
    prior = decodeDynamic(req.prior_state, type);
    proposed = decodeDynamic(req.proposed_new_state, type);
    config = decodeDynamic(req.config, type);
    meta = providerMeta(state, req.provider_meta);
  } catch (err) {
    addPathError(diags, err, 'Invalid Plan Request', 'Terraform sent a value the provider could not decode.');
    return fail();
  }
  const priv = PrivateState.fromBytes(req.prior_private);
  const requiresReplace: Path[] = [];

  // 1. destroy
  if (proposed.isNull()) {
    if (resource.modifyPlan) {
      const resp: ModifyPlanResponse<AnySchema> = { plan: null, requiresReplace, private: priv, diagnostics: diags };
      await guard(diags, ctx, `planning the destruction of ${req.type_name}`, () =>
        resource.modifyPlan!(
          {
            ...requestContext(ctx),
            config: null,
            state: objectToPlain(prior, schema.object) as StateOf<AnySchema>,
            plan: null,
            rawConfig: config,
            rawState: prior,
            private: priv,
            providerMeta: meta,
          },
          resp,
        ),
      );
    }
    return {
      planned_state: encodeDynamic(Value.null(type), type),
      requires_replace: [],
      planned_private: req.prior_private ?? Buffer.alloc(0),
      diagnostics: diagnosticsToProto(diags),
    };
  }

  const creating = prior.isNull();
  let planned = proposed;
  try {
    // 2 and 3. write-only null, defaults
    planned = mapAttributes(schema.object, type, planned, { config }, [], (a, v, w) => {
      if (a.writeOnly) return Value.null(a.type);
      if (a.default !== undefined && w.config!.isNull()) return a.default;
      return v;
    });
    // 4. computed values to come
    if (creating || !planned.equals(forTerraform(schema, prior))) {
      planned = mapAttributes(schema.object, type, planned, { config }, [], (a, v, w) =>
        a.computed && w.config!.isNull() && a.default === undefined ? Value.unknown(a.type) : v,
      );
    }
    // 5. attribute plan modifiers
    planned = runPlanModifiers(schema, planned, config, prior, priv, requiresReplace, creating, diags);
  } catch (err) {
    addPathError(diags, err, 'Unexpected Provider Error', 'Planning failed in the provider framework. This is a bug in the provider; please report it.');
    return fail();
  }
  if (diags.hasError()) return fail();

  // 6. the resource's own plan customisation
  if (resource.modifyPlan) {
    const writer = new StateWriter(schema, planned);
    const resp: ModifyPlanResponse<AnySchema> = { plan: writer, requiresReplace, private: priv, diagnostics: diags };
    await guard(diags, ctx, `planning ${req.type_name}`, () =>
      resource.modifyPlan!(
        {
          ...requestContext(ctx),
          config: objectToPlain(config, schema.object, { allowUnknown: true }) as ConfigOf<AnySchema>,
          state: creating ? null : (objectToPlain(prior, schema.object) as StateOf<AnySchema>),
          plan: objectToPlain(planned, schema.object, { allowUnknown: true }) as PlanOf<AnySchema>,
          rawConfig: config,
          rawState: prior,
          private: priv,
          providerMeta: meta,
        },
        resp,
      ),
    );
    if (diags.hasError()) return fail();
    planned = writer.value;
  }

  planned = forTerraform(schema, planned);
  // 7. replacement paths only mean something against a prior state; Terraform ignores them on create.
  const replace = creating ? [] : dedupePaths(requiresReplace).map(pathToProto);
  return {
    planned_state: encodeDynamic(planned, type),
    requires_replace: replace,
    planned_private: priv.toBytes(),
    diagnostics: diagnosticsToProto(diags),
  };
}

function runPlanModifiers(
  schema: AnySchema,
  planned: Value,
  config: Value,
  prior: Value,
  priv: PrivateState,
  requiresReplace: Path[],
  creating: boolean,
  diags: Diagnostics,
): Value {
  return mapAttributes(schema.object, schema.type, planned, { config, prior }, [], (a, v, w, site) => {
    let current = v;
    const state = creating ? Value.null(a.type) : w.prior!;
    for (const m of a.planModifiers) {
      const resp: PlanModifierResponse = { planValue: current, requiresReplace: false, diagnostics: diags };
      m.modify(
        { path: site.path, config: w.config!, state, plan: current, resourceConfig: config, resourceState: prior, resourcePlan: planned, private: priv },
        resp,
      );
      current = resp.planValue;
      if (!resp.requiresReplace) continue;
      // Terraform can only compare whole sets: inside one, ask for replacement (at the set's path) only when
      // this element's value really differs from its prior element's, or the set would be replaced whenever
      // any computed value in it is still to come.
      if (site.inSet && current.equals(state)) continue;
      requiresReplace.push(site.path);
    }
    return current;
  });
}

function dedupePaths(paths: Path[]): Path[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const k = JSON.stringify(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

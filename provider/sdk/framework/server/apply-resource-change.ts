/**
 * @module framework/server/apply-resource-change
 * ApplyResourceChange dispatches in one place: no prior state creates, no planned state deletes, anything
 * else updates. Afterwards the result is checked the way Terraform will check it, so a resource bug reads as
 * a diagnostic at the attribute instead of Terraform's generic "inconsistent result": no unknown may remain,
 * write-only values are nulled. A create that fails before writing anything leaves no object; one that fails
 * after writing returns what it wrote (Terraform taints it). A failed delete or update keeps the prior state.
 */
import { Value } from '../../cty/value';
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import { PrivateState } from '../private-state';
import type { CreateResponse } from '../resource';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, PlanOf, StateOf } from '../schema/schema';
import { StateWriter } from '../state-writer';
import { type ServerState, guard, providerMeta, requestContext } from './state';
import { decodeDynamic, encodeDynamic, forTerraform } from './values';
import { unknownPaths, unknownsToNull } from './walk';

export async function applyResourceChange(state: ServerState, req: P.ApplyResourceChange.Request, ctx: CallContext): Promise<P.ApplyResourceChange.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.resources, 'resource', req.type_name, diags);
  if (!found) return { new_state: req.prior_state, diagnostics: diagnosticsToProto(diags) };
  const { instance: resource, schema } = found;
  const type = schema.type;

  let prior: Value;
  let planned: Value;
  let config: Value;
  let meta: Value;
  try {
    prior = decodeDynamic(req.prior_state, type);
    planned = decodeDynamic(req.planned_state, type);
    config = decodeDynamic(req.config, type);
    meta = providerMeta(state, req.provider_meta);
  } catch (err) {
    addPathError(diags, err, 'Invalid Apply Request', 'Terraform sent a value the provider could not decode.');
    return { new_state: req.prior_state, private: req.planned_private, diagnostics: diagnosticsToProto(diags) };
  }
  const priv = PrivateState.fromBytes(req.planned_private);
  const base = requestContext(ctx);
  const keepPrior = (): P.ApplyResourceChange.Response => ({
    new_state: req.prior_state,
    private: req.planned_private,
    diagnostics: diagnosticsToProto(diags),
  });

  // Delete
  if (planned.isNull()) {
    await guard(diags, ctx, `deleting ${req.type_name}`, () =>
      resource.delete(
        { ...base, state: objectToPlain(prior, schema.object) as StateOf<AnySchema>, rawState: prior, private: priv, providerMeta: meta },
        { diagnostics: diags },
      ),
    );
    if (diags.hasError()) return keepPrior();
    return { new_state: encodeDynamic(Value.null(type), type), private: Buffer.alloc(0), diagnostics: diagnosticsToProto(diags) };
  }

  const creating = prior.isNull();
  const resp: CreateResponse<AnySchema> = { state: new StateWriter(schema, planned), private: priv, diagnostics: diags };
  let plainConfig: StateOf<AnySchema>;
  let plainPlan: PlanOf<AnySchema>;
  try {
    plainConfig = objectToPlain(config, schema.object, { allowUnknown: true }) as StateOf<AnySchema>;
    plainPlan = objectToPlain(planned, schema.object, { allowUnknown: true }) as PlanOf<AnySchema>;
  } catch (err) {
    addPathError(diags, err, 'Value Not Supported By Provider', 'The configuration holds a value the provider cannot take.');
    return creating ? { new_state: encodeDynamic(Value.null(type), type), diagnostics: diagnosticsToProto(diags) } : keepPrior();
  }
  if (creating) {
    await guard(diags, ctx, `creating ${req.type_name}`, () =>
      resource.create({ ...base, config: plainConfig, plan: plainPlan, rawConfig: config, rawPlan: planned, providerMeta: meta }, resp),
    );
  } else if (!resource.update) {
    diags.addError(
      'Resource Update Not Implemented',
      `${req.type_name} cannot be updated in place, yet Terraform planned an update. This is a bug in the provider: every attribute that can change must require replacement.`,
    );
    return keepPrior();
  } else {
    await guard(diags, ctx, `updating ${req.type_name}`, () =>
      resource.update!(
        {
          ...base,
          config: plainConfig,
          plan: plainPlan,
          state: objectToPlain(prior, schema.object) as StateOf<AnySchema>,
          rawConfig: config,
          rawPlan: planned,
          rawState: prior,
          private: priv,
          providerMeta: meta,
        },
        resp,
      ),
    );
  }

  if (diags.hasError()) {
    if (!creating) return keepPrior();
    // Nothing written: no object exists. Something written: the object exists and Terraform taints it.
    if (!resp.state.touched) return { new_state: encodeDynamic(Value.null(type), type), diagnostics: diagnosticsToProto(diags) };
    const partial = forTerraform(schema, unknownsToNull(resp.state.value));
    return { new_state: encodeDynamic(partial, type), private: priv.toBytes(), diagnostics: diagnosticsToProto(diags) };
  }

  let next = forTerraform(schema, resp.state.value);
  const unknown = unknownPaths(next);
  for (const path of unknown) {
    diags.addAttributeError(
      path,
      'Provider Returned Unknown Value After Apply',
      `${creating ? 'Creating' : 'Updating'} ${req.type_name} left this value unknown. Every computed value must be set by apply. This is a bug in the provider; please report it to its developers.`,
    );
  }
  if (unknown.length > 0) next = unknownsToNull(next);
  return { new_state: encodeDynamic(next, type), private: priv.toBytes(), diagnostics: diagnosticsToProto(diags) };
}

/**
 * @module framework/server/ephemeral-resource
 * Open, Renew and Close of ephemeral resources. Open's result must be wholly known and keep the configured
 * values (Terraform checks it like a plan against the configuration); renew and close get only the private
 * data open returned, as no state exists.
 */
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import type { Value } from '../../cty/value';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import type { OpenResponse, RenewResponse } from '../ephemeral-resource';
import { PrivateState } from '../private-state';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, StateOf } from '../schema/schema';
import { StateWriter } from '../state-writer';
import { type ServerState, guard, requestContext } from './state';
import { decodeDynamic, encodeDynamic, forTerraform } from './values';
import { unknownPaths } from './walk';

function timestamp(d: Date | undefined): P.Timestamp | undefined {
  if (!d) return undefined;
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export async function openEphemeralResource(
  state: ServerState,
  req: P.OpenEphemeralResource.Request,
  ctx: CallContext,
): Promise<P.OpenEphemeralResource.Response> {
  const diags = new Diagnostics();
  const out = (): P.OpenEphemeralResource.Response => ({ diagnostics: diagnosticsToProto(diags) });
  const found = state.instance(state.ephemeralResources, 'ephemeral resource', req.type_name, diags);
  if (!found) return out();
  const { instance: er, schema } = found;
  let config: Value;
  try {
    config = decodeDynamic(req.config, schema.type);
  } catch (err) {
    addPathError(diags, err, 'Invalid Ephemeral Resource Configuration', 'Terraform sent a configuration the provider could not decode.');
    return out();
  }
  const priv = PrivateState.empty();
  const resp: OpenResponse<AnySchema> = { result: new StateWriter(schema, config), private: priv, diagnostics: diags };
  await guard(diags, ctx, `opening ${req.type_name}`, () =>
    er.open({ ...requestContext(ctx), config: objectToPlain(config, schema.object) as StateOf<AnySchema>, rawConfig: config }, resp),
  );
  if (diags.hasError()) return out();
  const result = forTerraform(schema, resp.result.value);
  const unknown = unknownPaths(result);
  for (const p of unknown)
    diags.addAttributeError(p, 'Unknown Value In Ephemeral Result', `Opening ${req.type_name} left this value unknown. This is a bug in the provider.`);
  if (unknown.length > 0) return out();
  const answer: P.OpenEphemeralResource.Response = {
    result: encodeDynamic(result, schema.type),
    private: priv.toBytes(),
    diagnostics: diagnosticsToProto(diags),
  };
  const renewAt = timestamp(resp.renewAt);
  if (renewAt) answer.renew_at = renewAt;
  return answer;
}

export async function renewEphemeralResource(
  state: ServerState,
  req: P.RenewEphemeralResource.Request,
  ctx: CallContext,
): Promise<P.RenewEphemeralResource.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.ephemeralResources, 'ephemeral resource', req.type_name, diags);
  if (!found) return { diagnostics: diagnosticsToProto(diags) };
  const { instance: er } = found;
  const priv = PrivateState.fromBytes(req.private);
  const resp: RenewResponse = { private: priv, diagnostics: diags };
  if (er.renew) await guard(diags, ctx, `renewing ${req.type_name}`, () => er.renew!({ ...requestContext(ctx), private: priv }, resp));
  const answer: P.RenewEphemeralResource.Response = { private: priv.toBytes(), diagnostics: diagnosticsToProto(diags) };
  const renewAt = timestamp(resp.renewAt);
  if (renewAt) answer.renew_at = renewAt;
  return answer;
}

export async function closeEphemeralResource(
  state: ServerState,
  req: P.CloseEphemeralResource.Request,
  ctx: CallContext,
): Promise<P.CloseEphemeralResource.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.ephemeralResources, 'ephemeral resource', req.type_name, diags);
  if (!found) return { diagnostics: diagnosticsToProto(diags) };
  const { instance: er } = found;
  if (er.close)
    await guard(diags, ctx, `closing ${req.type_name}`, () =>
      er.close!({ ...requestContext(ctx), private: PrivateState.fromBytes(req.private) }, { diagnostics: diags }),
    );
  return { diagnostics: diagnosticsToProto(diags) };
}

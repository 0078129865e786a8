/**
 * @module framework/server/read-resource
 * ReadResource refreshes an instance. A null new state tells Terraform the object is gone (it plans to create
 * it again); anything that is not "gone" must be an error, never a null. Private state flows through unless
 * the resource changes it.
 */
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Value } from '../../cty/value';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import { PrivateState } from '../private-state';
import type { ReadResponse } from '../resource';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, StateOf } from '../schema/schema';
import { StateWriter } from '../state-writer';
import { type ServerState, guard, providerMeta, requestContext } from './state';
import { decodeDynamic, encodeDynamic, forTerraform } from './values';
import { unknownPaths } from './walk';

export async function readResource(state: ServerState, req: P.ReadResource.Request, ctx: CallContext): Promise<P.ReadResource.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.resources, 'resource', req.type_name, diags);
  if (!found) return { diagnostics: diagnosticsToProto(diags) };
  const { instance: resource, schema } = found;
  let current: Value;
  let meta: Value;
  try {
    current = decodeDynamic(req.current_state, schema.type);
    meta = providerMeta(state, req.provider_meta);
  } catch (err) {
    addPathError(diags, err, 'Invalid Prior State', 'Terraform sent a state the provider could not decode.');
    return { new_state: req.current_state, private: req.private, diagnostics: diagnosticsToProto(diags) };
  }
  if (current.isNull()) return { new_state: req.current_state, private: req.private, diagnostics: [] };
  const priv = PrivateState.fromBytes(req.private);
  let removed = false;
  const resp: ReadResponse<AnySchema> = {
    state: new StateWriter(schema, current),
    private: priv,
    diagnostics: diags,
    removeResource: () => {
      removed = true;
    },
  };
  await guard(diags, ctx, `reading ${req.type_name}`, () =>
    resource.read(
      { ...requestContext(ctx), state: objectToPlain(current, schema.object) as StateOf<AnySchema>, rawState: current, private: priv, providerMeta: meta },
      resp,
    ),
  );
  if (diags.hasError()) return { new_state: req.current_state, private: req.private, diagnostics: diagnosticsToProto(diags) };
  if (removed) return { new_state: encodeDynamic(Value.null(schema.type), schema.type), private: Buffer.alloc(0), diagnostics: diagnosticsToProto(diags) };
  const next = forTerraform(schema, resp.state.value);
  const unknown = unknownPaths(next);
  if (unknown.length > 0) {
    diags.addAttributeError(unknown[0]!, 'Unknown Value After Read', `Reading ${req.type_name} left a value unknown. This is a bug in the provider.`);
    return { new_state: req.current_state, private: req.private, diagnostics: diagnosticsToProto(diags) };
  }
  return { new_state: encodeDynamic(next, schema.type), private: priv.toBytes(), diagnostics: diagnosticsToProto(diags) };
}

/**
 * @module framework/server/move-resource-state
 * MoveResourceState: `moved {}` from another resource type (Terraform asks only when we announce
 * move_resource_state). Each mover of the target type is tried in order; the first that sets a state wins.
 */
import { decodeJSON } from '../../cty/json';
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, diagnosticsToProto } from '../diagnostics';
import { PrivateState } from '../private-state';
import { StateWriter, emptyObject } from '../state-writer';
import { type ServerState, guard, requestContext } from './state';
import { encodeDynamic, forTerraform } from './values';
import { unknownPaths } from './walk';

export async function moveResourceState(state: ServerState, req: P.MoveResourceState.Request, ctx: CallContext): Promise<P.MoveResourceState.Response> {
  const diags = new Diagnostics();
  const out = (): P.MoveResourceState.Response => ({ diagnostics: diagnosticsToProto(diags) });
  const found = state.instance(state.resources, 'resource', req.target_type_name, diags);
  if (!found) return out();
  const { instance: resource, schema } = found;
  const json = req.source_state?.json ? Buffer.from(req.source_state.json).toString('utf8') : '';
  for (const mover of resource.moveState ?? []) {
    let sourceState = null;
    if (mover.sourceSchema) {
      try {
        sourceState = decodeJSON(json, mover.sourceSchema.type, { missingAttributes: 'null', unknownAttributes: 'ignore' });
      } catch {
        continue; // not this mover's source: let the next one try
      }
    }
    const priv = PrivateState.empty();
    const resp = { state: new StateWriter(schema, emptyObject(schema)), private: priv, diagnostics: diags };
    await guard(diags, ctx, `moving ${req.source_type_name} to ${req.target_type_name}`, () =>
      mover.move(
        {
          ...requestContext(ctx),
          sourceProviderAddress: req.source_provider_address,
          sourceTypeName: req.source_type_name,
          sourceSchemaVersion: Number(req.source_schema_version),
          sourceRawJSON: json,
          sourcePrivate: req.source_private ?? Buffer.alloc(0),
          sourceState,
        },
        resp,
      ),
    );
    if (diags.hasError()) return out();
    if (!resp.state.touched) continue;
    const moved = forTerraform(schema, resp.state.value);
    if (unknownPaths(moved).length > 0) {
      diags.addError('Unknown Value In Moved State', 'A moved state must be wholly known. This is a bug in the provider.');
      return out();
    }
    return { target_state: encodeDynamic(moved, schema.type), target_private: priv.toBytes(), diagnostics: diagnosticsToProto(diags) };
  }
  diags.addError(
    'Unable to Move Resource State',
    `${req.target_type_name} cannot take the state of ${req.source_type_name} from ${req.source_provider_address}. Remove the moved block, or move between types the provider supports.`,
  );
  return out();
}

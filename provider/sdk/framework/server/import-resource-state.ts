/**
 * @module framework/server/import-resource-state
 * ImportResourceState (`terraform import` and `import {}` blocks). Exactly one object comes back, holding
 * enough for ReadResource to find the rest, which Terraform calls next. A resource without importState
 * answers with a clear error.
 */
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, diagnosticsToProto } from '../diagnostics';
import { PrivateState } from '../private-state';
import { StateWriter, emptyObject } from '../state-writer';
import { type ServerState, guard, requestContext } from './state';
import { encodeDynamic, forTerraform } from './values';
import { unknownPaths } from './walk';

export async function importResourceState(state: ServerState, req: P.ImportResourceState.Request, ctx: CallContext): Promise<P.ImportResourceState.Response> {
  const diags = new Diagnostics();
  const out = (): P.ImportResourceState.Response => ({ imported_resources: [], diagnostics: diagnosticsToProto(diags) });
  const found = state.instance(state.resources, 'resource', req.type_name, diags);
  if (!found) return out();
  const { instance: resource, schema } = found;
  if (!resource.importState) {
    diags.addError(
      'Resource Import Not Implemented',
      `${req.type_name} cannot be imported. Create it with Terraform instead, or ask the provider's developers for import support.`,
    );
    return out();
  }
  const priv = PrivateState.empty();
  const resp = { state: new StateWriter(schema, emptyObject(schema)), private: priv, diagnostics: diags };
  await guard(diags, ctx, `importing ${req.type_name}`, () => resource.importState!({ ...requestContext(ctx), id: req.id }, resp));
  if (diags.hasError()) return out();
  if (!resp.state.touched) {
    diags.addError('Missing Resource Import State', `Importing ${req.type_name} set no state. This is a bug in the provider.`);
    return out();
  }
  const imported = forTerraform(schema, resp.state.value);
  const unknown = unknownPaths(imported);
  if (unknown.length > 0) {
    diags.addAttributeError(unknown[0]!, 'Unknown Value In Imported State', 'An imported state must be wholly known. This is a bug in the provider.');
    return out();
  }
  return {
    imported_resources: [{ type_name: req.type_name, state: encodeDynamic(imported, schema.type), private: priv.toBytes() }],
    diagnostics: diagnosticsToProto(diags),
  };
}

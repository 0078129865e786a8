/**
 * @module framework/server/read-data-source
 * ReadDataSource: the result starts as the configuration and must come back non-null and wholly known.
 */
import type { Value } from '../../cty/value';
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, StateOf } from '../schema/schema';
import { StateWriter } from '../state-writer';
import { type ServerState, guard, providerMeta, requestContext } from './state';
import { decodeDynamic, encodeDynamic, forTerraform } from './values';
import { unknownPaths } from './walk';

export async function readDataSource(state: ServerState, req: P.ReadDataSource.Request, ctx: CallContext): Promise<P.ReadDataSource.Response> {
  const diags = new Diagnostics();
  const out = (): P.ReadDataSource.Response => ({ diagnostics: diagnosticsToProto(diags) });
  const found = state.instance(state.dataSources, 'data source', req.type_name, diags);
  if (!found) return out();
  const { instance: ds, schema } = found;
  let config: Value;
  let meta: Value;
  try {
    config = decodeDynamic(req.config, schema.type);
    meta = providerMeta(state, req.provider_meta);
  } catch (err) {
    addPathError(diags, err, 'Invalid Data Source Configuration', 'Terraform sent a configuration the provider could not decode.');
    return out();
  }
  const resp = { state: new StateWriter(schema, config), diagnostics: diags };
  await guard(diags, ctx, `reading data source ${req.type_name}`, () =>
    ds.read({ ...requestContext(ctx), config: objectToPlain(config, schema.object) as StateOf<AnySchema>, rawConfig: config, providerMeta: meta }, resp),
  );
  if (diags.hasError()) return out();
  const result = forTerraform(schema, resp.state.value);
  const unknown = unknownPaths(result);
  for (const p of unknown)
    diags.addAttributeError(p, 'Unknown Value In Data Source Result', `Reading ${req.type_name} left this value unknown. This is a bug in the provider.`);
  if (unknown.length > 0) return out();
  return { state: encodeDynamic(result, schema.type), diagnostics: diagnosticsToProto(diags) };
}

/**
 * @module framework/server/upgrade-resource-state
 * UpgradeResourceState comes before every read, plan and apply of an existing instance, even when the stored
 * schema version is current. The stored state arrives as JSON written by the schema version that wrote it;
 * when that is the current version, Terraform has already dropped removed attributes but has not added new
 * ones, so missing attributes become null (blocks: empty). Older versions go through the resource's
 * upgrader for that version, straight to the current schema.
 */
import { decodeJSON } from '../../cty/json';
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import { StateWriter, emptyObject } from '../state-writer';
import { type ServerState, guard, requestContext } from './state';
import { encodeDynamic, forTerraform } from './values';
import { unknownPaths } from './walk';

export async function upgradeResourceState(
  state: ServerState,
  req: P.UpgradeResourceState.Request,
  ctx: CallContext,
): Promise<P.UpgradeResourceState.Response> {
  const diags = new Diagnostics();
  const out = (): P.UpgradeResourceState.Response => ({ diagnostics: diagnosticsToProto(diags) });
  const found = state.instance(state.resources, 'resource', req.type_name, diags);
  if (!found) return out();
  const { instance: resource, schema } = found;
  const json = req.raw_state?.json && req.raw_state.json.length > 0 ? Buffer.from(req.raw_state.json).toString('utf8') : undefined;
  if (json === undefined) {
    const legacy = Object.keys(req.raw_state?.flatmap ?? {}).length > 0;
    diags.addError(
      'Unable to Read Prior State',
      legacy
        ? 'The stored state is in the pre-0.12 flatmap format, which this provider cannot read. Upgrade it with an older Terraform and provider first.'
        : 'Terraform sent no stored state to upgrade.',
    );
    return out();
  }
  const version = Number(req.version);
  if (version > schema.version) {
    diags.addError(
      'Resource State From A Newer Provider',
      `The stored state of this ${req.type_name} was written with schema version ${version}, newer than this provider's version ${schema.version}. Use the provider version that wrote it, or a later one.`,
    );
    return out();
  }

  let upgraded;
  if (version === schema.version) {
    try {
      upgraded = decodeJSON(json, schema.type, { missingAttributes: 'null', unknownAttributes: 'ignore' });
    } catch (err) {
      addPathError(diags, err, 'Unable to Read Prior State', `The stored state of this ${req.type_name} does not fit its schema.`);
      return out();
    }
  } else {
    const upgrader = resource.upgradeState?.[version];
    if (!upgrader) {
      diags.addError(
        'Unable to Upgrade Resource State',
        `The provider cannot upgrade ${req.type_name} state from schema version ${version} to ${schema.version}. This is a bug in the provider; please report it to its developers.`,
      );
      return out();
    }
    let priorState = null;
    if (upgrader.priorSchema) {
      try {
        priorState = decodeJSON(json, upgrader.priorSchema.type, { missingAttributes: 'null', unknownAttributes: 'ignore' });
      } catch (err) {
        addPathError(diags, err, 'Unable to Read Prior State', `The stored state does not fit schema version ${version} of ${req.type_name}.`);
        return out();
      }
    }
    const resp = { state: new StateWriter(schema, emptyObject(schema)), diagnostics: diags };
    const ok = await guard(diags, ctx, `upgrading ${req.type_name} state from version ${version}`, () =>
      upgrader.upgrade({ ...requestContext(ctx), rawJSON: json, priorState }, resp),
    );
    if (!ok || diags.hasError()) return out();
    if (!resp.state.touched) {
      diags.addError(
        'Missing Upgraded Resource State',
        `The upgrader of ${req.type_name} from version ${version} set no state. This is a bug in the provider.`,
      );
      return out();
    }
    upgraded = resp.state.value;
  }
  upgraded = forTerraform(schema, upgraded);
  const unknown = unknownPaths(upgraded);
  if (unknown.length > 0) {
    diags.addAttributeError(unknown[0]!, 'Unknown Value In Upgraded State', 'An upgraded state must be wholly known. This is a bug in the provider.');
    return out();
  }
  return { upgraded_state: encodeDynamic(upgraded, schema.type), diagnostics: diagnosticsToProto(diags) };
}

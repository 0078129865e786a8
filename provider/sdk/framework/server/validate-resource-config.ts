/**
 * @module framework/server/validate-resource-config
 * ValidateResourceConfig, ValidateDataResourceConfig and ValidateEphemeralResourceConfig: decode the
 * configuration (it may hold unknowns, refined ones included), run the schema checks and validators, then the
 * type's own validateConfig. Terraform calls these in validate, plan and apply walks.
 */
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import type { ValidateConfigRequest, ValidateConfigResponse } from '../resource';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, ConfigOf } from '../schema/schema';
import { type ServerState, guard, requestContext } from './state';
import { type ConfigCheckOptions, checkConfig } from './validate-config';
import { decodeDynamic } from './values';

type Validating = { validateConfig?(req: ValidateConfigRequest<AnySchema>, resp: ValidateConfigResponse): void | Promise<void> };

export async function validateTypedConfig(
  schema: AnySchema,
  target: Validating,
  config: P.DynamicValue | undefined,
  ctx: CallContext,
  opts: ConfigCheckOptions,
  diags: Diagnostics,
): Promise<void> {
  let value;
  try {
    value = decodeDynamic(config, schema.type);
  } catch (err) {
    addPathError(diags, err, 'Invalid Configuration Value', 'Terraform sent a configuration the provider could not decode.');
    return;
  }
  checkConfig(schema, value, diags, opts);
  if (!target.validateConfig || diags.hasError()) return;
  await guard(diags, ctx, 'validating the configuration', () =>
    target.validateConfig!(
      { ...requestContext(ctx), config: objectToPlain(value, schema.object, { allowUnknown: true }) as ConfigOf<AnySchema>, rawConfig: value },
      { diagnostics: diags },
    ),
  );
}

export async function validateResourceConfig(
  state: ServerState,
  req: P.ValidateResourceConfig.Request,
  ctx: CallContext,
): Promise<P.ValidateResourceConfig.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.resources, 'resource', req.type_name, diags);
  if (found)
    await validateTypedConfig(
      found.schema,
      found.instance,
      req.config,
      ctx,
      { writeOnlyAllowed: req.client_capabilities?.write_only_attributes_allowed ?? true },
      diags,
    );
  return { diagnostics: diagnosticsToProto(diags) };
}

export async function validateDataResourceConfig(
  state: ServerState,
  req: P.ValidateDataResourceConfig.Request,
  ctx: CallContext,
): Promise<P.ValidateDataResourceConfig.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.dataSources, 'data source', req.type_name, diags);
  if (found) await validateTypedConfig(found.schema, found.instance, req.config, ctx, {}, diags);
  return { diagnostics: diagnosticsToProto(diags) };
}

export async function validateEphemeralResourceConfig(
  state: ServerState,
  req: P.ValidateEphemeralResourceConfig.Request,
  ctx: CallContext,
): Promise<P.ValidateEphemeralResourceConfig.Response> {
  const diags = new Diagnostics();
  const found = state.instance(state.ephemeralResources, 'ephemeral resource', req.type_name, diags);
  if (found) await validateTypedConfig(found.schema, found.instance, req.config, ctx, {}, diags);
  return { diagnostics: diagnosticsToProto(diags) };
}

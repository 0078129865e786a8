/**
 * @module framework/server/configure-provider
 * ValidateProviderConfig and ConfigureProvider. Configure runs once per provider instance in plan, apply,
 * import and refresh walks; its configuration may hold unknowns (values known only after apply). Functions
 * run on an unconfigured process, so nothing may require configure to have happened.
 */
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { Diagnostics, addPathError, diagnosticsToProto } from '../diagnostics';
import type { ConfigureProviderResponse } from '../provider';
import { objectToPlain } from '../schema/convert';
import type { AnySchema, ConfigOf } from '../schema/schema';
import { type ServerState, guard, requestContext } from './state';
import { validateTypedConfig } from './validate-resource-config';
import { decodeDynamic } from './values';

export async function validateProviderConfig(
  state: ServerState,
  req: P.ValidateProviderConfig.Request,
  ctx: CallContext,
): Promise<P.ValidateProviderConfig.Response> {
  const diags = new Diagnostics();
  await validateTypedConfig(state.provider.schema, state.provider, req.config, ctx, {}, diags);
  return { diagnostics: diagnosticsToProto(diags) };
}

export async function configureProvider(state: ServerState, req: P.ConfigureProvider.Request, ctx: CallContext): Promise<P.ConfigureProvider.Response> {
  const diags = new Diagnostics();
  const provider = state.provider;
  let config;
  try {
    config = decodeDynamic(req.config, provider.schema.type);
  } catch (err) {
    addPathError(diags, err, 'Invalid Provider Configuration Value', 'Terraform sent a provider configuration the provider could not decode.');
    return { diagnostics: diagnosticsToProto(diags) };
  }
  const resp: ConfigureProviderResponse = { diagnostics: diags };
  if (provider.configure) {
    await guard(diags, ctx, 'configuring the provider', () =>
      provider.configure!(
        {
          ...requestContext(ctx),
          config: objectToPlain(config, provider.schema.object, { allowUnknown: true }) as ConfigOf<AnySchema>,
          terraformVersion: req.terraform_version,
          clientCapabilities: req.client_capabilities ?? {},
        },
        resp,
      ),
    );
  }
  if (!diags.hasError()) {
    state.providerData = resp.data;
    state.configured = true;
  }
  return { diagnostics: diagnosticsToProto(diags) };
}

/**
 * @module framework/server/server
 * The framework's ProviderServer: the transport calls it, it calls the provider's types. Every method has the
 * same shape (one file per RPC beside this one); schemas are checked when the server is built.
 */
import type * as P from '../../protocol/types';
import type { CallContext, ProviderServer } from '../../protocol/types';
import type { Provider } from '../provider';
import { applyResourceChange } from './apply-resource-change';
import { callFunction } from './call-function';
import { configureProvider, validateProviderConfig } from './configure-provider';
import { closeEphemeralResource, openEphemeralResource, renewEphemeralResource } from './ephemeral-resource';
import { functionToProto, getMetadata, getProviderSchema } from './get-provider-schema';
import { importResourceState } from './import-resource-state';
import { moveResourceState } from './move-resource-state';
import { planResourceChange } from './plan-resource-change';
import { readDataSource } from './read-data-source';
import { readResource } from './read-resource';
import { ServerState } from './state';
import { upgradeResourceState } from './upgrade-resource-state';
import { validateDataResourceConfig, validateEphemeralResourceConfig, validateResourceConfig } from './validate-resource-config';

/** Builds the server for a provider; throws SchemaError listing every schema problem. */
export function providerServer(provider: Provider): ProviderServer {
  const state = new ServerState(provider);
  return {
    getMetadata: async () => getMetadata(state),
    getProviderSchema: async () => getProviderSchema(state),
    validateProviderConfig: (req: P.ValidateProviderConfig.Request, ctx: CallContext) => validateProviderConfig(state, req, ctx),
    configureProvider: (req: P.ConfigureProvider.Request, ctx: CallContext) => configureProvider(state, req, ctx),
    validateResourceConfig: (req: P.ValidateResourceConfig.Request, ctx: CallContext) => validateResourceConfig(state, req, ctx),
    validateDataResourceConfig: (req: P.ValidateDataResourceConfig.Request, ctx: CallContext) => validateDataResourceConfig(state, req, ctx),
    validateEphemeralResourceConfig: (req: P.ValidateEphemeralResourceConfig.Request, ctx: CallContext) => validateEphemeralResourceConfig(state, req, ctx),
    upgradeResourceState: (req: P.UpgradeResourceState.Request, ctx: CallContext) => upgradeResourceState(state, req, ctx),
    readResource: (req: P.ReadResource.Request, ctx: CallContext) => readResource(state, req, ctx),
    planResourceChange: (req: P.PlanResourceChange.Request, ctx: CallContext) => planResourceChange(state, req, ctx),
    applyResourceChange: (req: P.ApplyResourceChange.Request, ctx: CallContext) => applyResourceChange(state, req, ctx),
    importResourceState: (req: P.ImportResourceState.Request, ctx: CallContext) => importResourceState(state, req, ctx),
    moveResourceState: (req: P.MoveResourceState.Request, ctx: CallContext) => moveResourceState(state, req, ctx),
    readDataSource: (req: P.ReadDataSource.Request, ctx: CallContext) => readDataSource(state, req, ctx),
    openEphemeralResource: (req: P.OpenEphemeralResource.Request, ctx: CallContext) => openEphemeralResource(state, req, ctx),
    renewEphemeralResource: (req: P.RenewEphemeralResource.Request, ctx: CallContext) => renewEphemeralResource(state, req, ctx),
    closeEphemeralResource: (req: P.CloseEphemeralResource.Request, ctx: CallContext) => closeEphemeralResource(state, req, ctx),
    getFunctions: async () => {
      const functions: Record<string, P.FunctionSchema> = {};
      for (const [name, fn] of state.functions) functions[name] = functionToProto(fn);
      return { functions, diagnostics: [] };
    },
    callFunction: (req: P.CallFunction.Request, ctx: CallContext) => callFunction(state, req, ctx),
    stopProvider: async () => {
      try {
        await provider.stop?.();
        return { Error: '' };
      } catch (err) {
        return { Error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

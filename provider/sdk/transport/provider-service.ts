/**
 * @module transport/provider-service
 * tfplugin6.Provider over gRPC. Every RPC has the same shape, as in terraform-plugin-go's tf6server: log,
 * convert the request in, call the ProviderServer method with a CallContext, convert the response out,
 * log. The transport holds no provider logic.
 *
 * - A method the server lacks answers UNIMPLEMENTED (Terraform: "Unsupported plugin method"; for
 *   GetMetadata and GetFunctions, which Terraform 1.11 never calls, that is an accepted answer).
 * - A thrown error (or a response that cannot be sent) is a bug in the provider. It becomes one ERROR
 *   diagnostic in the response, never a gRPC status: Terraform renders a status as an opaque "Plugin
 *   error … rpc error: code = Unknown" (docs/sdk/plugin-protocol.md#diagnostics). Its stack goes to the log.
 * - StopProvider aborts the signal of every call in flight, forwards to `stopProvider` when the server has
 *   it, and answers at once: Terraform sends it on Ctrl-C while other calls run, and waits for it.
 * - Calls run concurrently: Terraform issues up to -parallelism of them on one connection.
 *
 * Logs carry the RPC name, a request id, the resource type and the duration, never request or response
 * contents (they hold secrets); the opt-in wire dump (wire-dump.ts) is the one way to see payloads.
 */
import { randomUUID } from 'node:crypto';
import type { CallContext, Diagnostic, ProviderServer } from '../protocol/types';
import type { Converter } from './convert';
import { Cancellation } from './cancellation';
import { type Call, Encoded, type ServiceImplementation } from './grpc-calls';
import { GrpcError, GrpcStatus } from './grpc-status';
import type { HclogLogger } from './logger';
import { StopRequestedError } from './stop';
import { wireDumper } from './wire-dump';

/** Every tfplugin6.8 Provider RPC and the ProviderServer method that serves it. */
export const PROVIDER_RPCS = {
  GetMetadata: 'getMetadata',
  GetProviderSchema: 'getProviderSchema',
  ValidateProviderConfig: 'validateProviderConfig',
  ValidateResourceConfig: 'validateResourceConfig',
  ValidateDataResourceConfig: 'validateDataResourceConfig',
  UpgradeResourceState: 'upgradeResourceState',
  ConfigureProvider: 'configureProvider',
  ReadResource: 'readResource',
  PlanResourceChange: 'planResourceChange',
  ApplyResourceChange: 'applyResourceChange',
  ImportResourceState: 'importResourceState',
  MoveResourceState: 'moveResourceState',
  ReadDataSource: 'readDataSource',
  ValidateEphemeralResourceConfig: 'validateEphemeralResourceConfig',
  OpenEphemeralResource: 'openEphemeralResource',
  RenewEphemeralResource: 'renewEphemeralResource',
  CloseEphemeralResource: 'closeEphemeralResource',
  GetFunctions: 'getFunctions',
  CallFunction: 'callFunction',
  StopProvider: 'stopProvider',
} as const satisfies Record<string, keyof ProviderServer>;

export type ProviderRpc = keyof typeof PROVIDER_RPCS;

export interface ProviderServiceOptions {
  /** The provider server, created lazily after the handshake; every call waits for it. */
  getServer: () => Promise<ProviderServer>;
  converter: Converter;
  /** Logger for the transport's lines (module sdk.proto). */
  log: HclogLogger;
  /** Logger handed to provider code (module provider). */
  providerLog: HclogLogger;
  /**
   * The GetProviderSchema response in wire form, made when the provider was built (ServeOptions.schema):
   * answered as it is, without creating the provider server.
   */
  schema?: Buffer;
}

type Method = (req: unknown, ctx: CallContext) => Promise<unknown>;

type Outcome = { response: Record<string, unknown> } | { unimplemented: string };

function errorText(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message || err.name, stack: err.stack };
  return { message: String(err) };
}

/** The response that reports an error to Terraform, in the RPC's own error channel (not StopProvider's). */
function errorResponse(rpc: Exclude<ProviderRpc, 'StopProvider'>, converter: Converter, err: unknown, stopped: boolean): Record<string, unknown> {
  const { message } = errorText(err);
  const summary = stopped ? 'Provider Operation Stopped' : 'Unexpected Provider Error';
  const detail = stopped
    ? `Terraform asked the provider to stop while it was handling ${rpc}, and the operation ended early.\n\n${message}`
    : `The provider failed unexpectedly while handling ${rpc}. This is always a bug in the provider; please report it to the provider's developers, with the provider log (TF_LOG_PROVIDER=debug) if you can.\n\nError: ${message}`;
  if (converter.hasField(`tfplugin6.${rpc}.Response`, 'diagnostics')) {
    const diagnostic: Diagnostic = { severity: 'ERROR', summary, detail };
    return { diagnostics: [diagnostic] };
  }
  // CallFunction has no diagnostics: its error channel is FunctionError.
  return { error: { text: `${summary}: ${detail}` } };
}

function diagnosticCounts(response: Record<string, unknown>): Record<string, number> {
  const diagnostics = Array.isArray(response.diagnostics) ? (response.diagnostics as Diagnostic[]) : [];
  return {
    diagnostic_error_count: diagnostics.filter((d) => d?.severity === 'ERROR').length,
    diagnostic_warning_count: diagnostics.filter((d) => d?.severity === 'WARNING').length,
  };
}

export function providerService(options: ProviderServiceOptions): ServiceImplementation {
  const { getServer, converter, log, providerLog } = options;
  const inFlight = new Set<Cancellation>();
  const dump = wireDumper();

  async function respond(
    rpc: ProviderRpc,
    protoRequest: Record<string, unknown>,
    cancellation: Cancellation,
    fields: Record<string, string>,
    callLog: HclogLogger,
  ): Promise<Outcome> {
    try {
      const server = await getServer();
      const method = (server as unknown as Record<string, unknown>)[PROVIDER_RPCS[rpc]];
      if (typeof method !== 'function') return { unimplemented: `this provider does not implement ${rpc}` };
      const request = converter.fromProto(`tfplugin6.${rpc}.Request`, protoRequest);
      dump?.(rpc, 'request', request);
      // The provider's lines carry the same request id as the transport's.
      // The signal is made only if the provider reads it (transport/cancellation.ts).
      const ctx: CallContext = {
        get signal() {
          return cancellation.signal;
        },
        log: providerLog.with(fields),
        rpc,
      };
      const response = await (method as Method).call(server, request, ctx);
      dump?.(rpc, 'response', response);
      return { response: converter.toProto(`tfplugin6.${rpc}.Response`, response) };
    } catch (err) {
      // After StopProvider (or a cancelled call) a failure is the expected way out, not a bug.
      const stopped = cancellation.cancelled;
      const { message, stack } = errorText(err);
      if (stopped) callLog.debug('Call ended after StopProvider', { error: message });
      else callLog.error('Unexpected error from the provider', { error: message, stack });
      return { response: errorResponse(rpc as Exclude<ProviderRpc, 'StopProvider'>, converter, err, stopped) };
    }
  }

  function handler(rpc: ProviderRpc) {
    return async (request: Record<string, unknown>, call: Call): Promise<unknown> => {
      // The duration and diagnostic counts go only into trace lines: not measured when those are off.
      const tracing = log.enabled('trace');
      const started = tracing ? performance.now() : 0;
      const fields: Record<string, string> = { tf_rpc: rpc, tf_req_id: randomUUID() };
      const typeName = request?.type_name;
      if (typeof typeName === 'string' && typeName) fields.tf_resource_type = typeName;
      const callLog = log.with(fields);
      callLog.trace('Received request');
      const cancellation = new Cancellation();
      call.onCancel(() => cancellation.cancel(new Error(`Terraform cancelled the ${rpc} call`)));
      inFlight.add(cancellation);
      const result = await respond(rpc, request, cancellation, fields, callLog);
      inFlight.delete(cancellation);
      const duration_ms = tracing ? Number((performance.now() - started).toFixed(3)) : 0;
      if ('unimplemented' in result) {
        if (tracing) callLog.trace('Served request', { duration_ms, grpc_status: 'UNIMPLEMENTED' });
        throw new GrpcError(GrpcStatus.UNIMPLEMENTED, result.unimplemented);
      }
      if (tracing) callLog.trace('Served request', { duration_ms, ...diagnosticCounts(result.response) });
      return result.response;
    };
  }

  function stopProvider(): unknown {
    const callLog = log.with({ tf_rpc: 'StopProvider', tf_req_id: randomUUID() });
    callLog.trace('Received request', { in_flight: inFlight.size });
    for (const cancellation of inFlight) cancellation.cancel(new StopRequestedError());
    callLog.trace('Served request');
    // Forwarded without waiting: the answer must not depend on how long the provider takes to wind down.
    getServer()
      .then(async (server) => {
        if (typeof server.stopProvider !== 'function') return;
        const ctx: CallContext = { signal: new AbortController().signal, log: providerLog.with({ tf_rpc: 'StopProvider' }), rpc: 'StopProvider' };
        const response = await server.stopProvider({}, ctx);
        if (response?.Error) callLog.warn('The provider reported an error while stopping', { error: response.Error });
      })
      .catch((err: unknown) => callLog.error('Unexpected error from the provider while stopping', errorText(err)));
    return { Error: '' };
  }

  const impl: ServiceImplementation = {};
  for (const rpc of Object.keys(PROVIDER_RPCS) as ProviderRpc[]) impl[rpc] = rpc === 'StopProvider' ? stopProvider : handler(rpc);
  const { schema } = options;
  if (schema) {
    impl.GetProviderSchema = () => {
      const callLog = log.with({ tf_rpc: 'GetProviderSchema', tf_req_id: randomUUID() });
      callLog.trace('Received request');
      callLog.trace('Served request', { schema: 'made at build time' });
      return new Encoded(schema);
    };
  }
  return impl;
}

/**
 * @module transport/go-plugin-services
 * The services go-plugin's client expects beside the plugin's own (docs/sdk/plugin-process.md#go-plugin-services),
 * as Terraform 1.11.4 uses them:
 *
 * - plugin.GRPCController/Shutdown: the end of every provider process. Without it each process costs 2 s
 *   and a SIGKILL [verified]. We answer, then `onShutdown` exits.
 * - plugin.GRPCStdio/StreamStdio: opened once after connecting. Kept open and silent: our output already
 *   reaches Terraform on stderr.
 * - plugin.GRPCBroker/StartStream: opened after connecting, never used by providers. Accepted, ignored.
 * - grpc.health.v1.Health: go-plugin's Ping; Terraform 1.11 never calls it, other hosts may. SERVING for
 *   the "plugin" service and the server as a whole.
 */
import {
  type ServerDuplexStream,
  type ServerWritableStream,
  type UntypedServiceImplementation,
  type sendUnaryData,
  type ServerUnaryCall,
  status,
} from '@grpc/grpc-js';
import type { HclogLogger } from './logger';

/** Services named by their full proto name, as the package definition keys them. */
export type ServiceImplementations = Record<string, UntypedServiceImplementation>;

export interface GoPluginServices {
  services: ServiceImplementations;
  /** Ends the streams Terraform holds open (stdio, broker, health watches), so a shutdown is not held up. */
  endStreams(): void;
}

/** The health service names we report: go-plugin's, and "" for the server as a whole. */
const HEALTHY = new Set(['', 'plugin']);

export function goPluginServices(options: { log: HclogLogger; onShutdown: () => void }): GoPluginServices {
  const { log } = options;
  const open = new Set<{ end(): void }>();
  const hold = (stream: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>) => {
    open.add(stream);
    const forget = () => open.delete(stream);
    stream.once('cancelled', forget);
    stream.once('close', forget);
    stream.once('finish', forget);
    stream.on('error', (err: Error) => log.debug('go-plugin stream error', { error: err.message }));
  };

  const controller: UntypedServiceImplementation = {
    Shutdown(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
      log.trace('Received request', { tf_rpc: 'Shutdown' });
      callback(null, {});
      options.onShutdown();
    },
  };

  const stdio: UntypedServiceImplementation = {
    StreamStdio(call: ServerWritableStream<unknown, unknown>) {
      hold(call);
    },
  };

  const broker: UntypedServiceImplementation = {
    StartStream(call: ServerDuplexStream<unknown, unknown>) {
      hold(call);
      call.on('data', () => log.trace('GRPCBroker message ignored: this plugin brokers no connections'));
      call.on('end', () => call.end());
    },
  };

  const health: UntypedServiceImplementation = {
    Check(call: ServerUnaryCall<{ service: string }, unknown>, callback: sendUnaryData<unknown>) {
      if (HEALTHY.has(call.request.service)) callback(null, { status: 'SERVING' });
      else callback({ code: status.NOT_FOUND, details: `unknown service ${call.request.service}` });
    },
    List(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
      callback(null, { statuses: Object.fromEntries([...HEALTHY].map((name) => [name, { status: 'SERVING' }])) });
    },
    Watch(call: ServerWritableStream<{ service: string }, unknown>) {
      hold(call);
      call.write({ status: HEALTHY.has(call.request.service) ? 'SERVING' : 'SERVICE_UNKNOWN' });
    },
  };

  return {
    services: { 'plugin.GRPCController': controller, 'plugin.GRPCStdio': stdio, 'plugin.GRPCBroker': broker, 'grpc.health.v1.Health': health },
    endStreams() {
      for (const stream of open) stream.end();
      open.clear();
    },
  };
}

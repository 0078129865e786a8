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
import type { ServerStream, ServiceImplementation } from './grpc-calls';
import { GrpcError, GrpcStatus } from './grpc-status';
import type { HclogLogger } from './logger';

/** Services named by their full proto name, as the package definition keys them. */
export type ServiceImplementations = Record<string, ServiceImplementation>;

export interface GoPluginServices {
  services: ServiceImplementations;
  /** Ends the streams Terraform holds open (stdio, broker, health watches), so a shutdown is not held up. */
  endStreams(): void;
}

/** The health service names we report: go-plugin's, and "" for the server as a whole. */
const HEALTHY = new Set(['', 'plugin']);

export function goPluginServices(options: { log: HclogLogger; onShutdown: () => void }): GoPluginServices {
  const { log } = options;
  const open = new Set<ServerStream>();
  const hold = (stream: ServerStream) => {
    open.add(stream);
    stream.onCancel(() => open.delete(stream));
  };

  const controller: ServiceImplementation = {
    Shutdown() {
      log.trace('Received request', { tf_rpc: 'Shutdown' });
      // After the reply is written (this returns first); onShutdown then closes the server gracefully.
      setImmediate(options.onShutdown);
      return {};
    },
  };

  const stdio: ServiceImplementation = {
    StreamStdio(stream: ServerStream) {
      hold(stream);
    },
  };

  const broker: ServiceImplementation = {
    StartStream(stream: ServerStream) {
      hold(stream);
      stream.onMessage(() => log.trace('GRPCBroker message ignored: this plugin brokers no connections'));
      stream.onEnd(() => {
        open.delete(stream);
        stream.end();
      });
    },
  };

  const health: ServiceImplementation = {
    Check(request: { service: string }) {
      if (HEALTHY.has(request.service)) return { status: 'SERVING' };
      throw new GrpcError(GrpcStatus.NOT_FOUND, `unknown service ${request.service}`);
    },
    List() {
      return { statuses: Object.fromEntries([...HEALTHY].map((name) => [name, { status: 'SERVING' }])) };
    },
    Watch(stream: ServerStream, request: { service: string }) {
      hold(stream);
      stream.write({ status: HEALTHY.has(request.service) ? 'SERVING' : 'SERVICE_UNKNOWN' });
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

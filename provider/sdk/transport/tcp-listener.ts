/**
 * @module transport/tcp-listener
 * The TCP listener Terraform dials on Windows, where go-plugin servers always use TCP, and anywhere the
 * transport variable asks for it (network.ts): 127.0.0.1 only, on the first free port of
 * PLUGIN_MIN_PORT..PLUGIN_MAX_PORT (port-range.ts), else on one the system chooses. Like the unix socket it
 * holds connections unread until the gRPC server takes them (listener.ts).
 */
import type { AddressInfo } from 'node:net';
import { type Listener, holdingServer, listenOn } from './listener';
import { type PortRange, noFreePortMessage } from './port-range';

/** Loopback only, as go-plugin's server: only the local Terraform may dial (and AutoMTLS checks it is ours). */
export const TCP_HOST = '127.0.0.1';

export async function listenTcp(range?: PortRange): Promise<Listener> {
  const { server, accept } = holdingServer();
  if (!range) await listenOn(server, { host: TCP_HOST, port: 0 });
  else {
    let listening = false;
    let lastError = '';
    for (let port = range.min; port <= range.max && !listening; port++) {
      try {
        await listenOn(server, { host: TCP_HOST, port });
        listening = true;
      } catch (err) {
        // Any failure moves on to the next port, as go-plugin's loop does (EADDRINUSE mostly; EACCES too).
        lastError = (err as NodeJS.ErrnoException).code ?? String(err);
      }
    }
    if (!listening) throw new Error(noFreePortMessage(range, TCP_HOST, lastError));
  }
  const { port } = server.address() as AddressInfo;
  return {
    network: 'tcp',
    address: `${TCP_HOST}:${port}`,
    accept,
    close() {
      server.close();
    },
  };
}

/**
 * @module transport/grpc-server
 * The gRPC server behind the listener. This module, grpc-js and the wire definitions are loaded only after
 * the handshake line is out (serve.ts requires it then): they are most of a provider's start-up cost, and
 * Terraform is meanwhile reading the handshake and dialling. Connections that arrive first wait in the
 * listener and are handed over here through grpc-js's connection injector, which runs TLS itself.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ProviderServer } from '../protocol/types';
import type { ServerCertificate } from './certificate';
import { createConverter } from './convert';
import { DESCRIPTOR, SERVED_SERVICES, serviceDefinition } from './descriptor';
import { goPluginServices } from './go-plugin-services';
import type { Listener } from './listener';
import type { HclogLogger } from './logger';
import { providerService } from './provider-service';

/**
 * 256 MiB each way, as terraform-plugin-go: far above grpc-js's 4 MiB receive default (large states and
 * schemas), well below the MaxInt32 Terraform allows, so a runaway message fails as a gRPC error instead
 * of exhausting memory.
 */
const MAX_MESSAGE_BYTES = 256 << 20;

export interface GrpcServerOptions {
  listener: Listener;
  /** AutoMTLS: our certificate, and Terraform's (PLUGIN_CLIENT_CERT), which every client must present. */
  tls?: { certificate: ServerCertificate; clientCertificatePem: string };
  getServer: () => Promise<ProviderServer>;
  log: HclogLogger;
  providerLog: HclogLogger;
  onShutdown: () => void;
}

/** How long a graceful close waits for calls in flight (the Shutdown reply among them) before cutting. */
const CLOSE_GRACE_MS = 250;

export interface GrpcServer {
  /**
   * Stops listening, ends the streams Terraform holds open, lets calls in flight finish (at most
   * CLOSE_GRACE_MS), closes every connection, then calls `done`.
   */
  close(done?: () => void): void;
}

export function startGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { listener, tls, log } = options;
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // Channelz keeps per-call statistics for a debugging service this server never serves; a provider
    // process makes hundreds of calls per command, and the tracking showed in its CPU profile.
    'grpc.enable_channelz': 0,
  });
  const goPlugin = goPluginServices({ log, onShutdown: options.onShutdown });
  const services: Record<string, object> = {
    ...goPlugin.services,
    'tfplugin6.Provider': providerService({ getServer: options.getServer, converter: createConverter(DESCRIPTOR), log, providerLog: options.providerLog }),
  };
  // SERVED_SERVICES is the list the descriptor tests hold against proto-loader: serve exactly that.
  for (const name of SERVED_SERVICES) {
    const implementation = services[name];
    if (!implementation) throw new Error(`no implementation for ${name}`);
    server.addService(serviceDefinition(name), implementation as Parameters<Server['addService']>[1]);
  }

  // `true`: request a client certificate and verify it against Terraform's, as go-plugin servers do
  // (RequireAndVerifyClientCert). That check is the point of AutoMTLS: only our Terraform may call us.
  const credentials = tls
    ? ServerCredentials.createSsl(
        Buffer.from(tls.clientCertificatePem),
        [{ private_key: Buffer.from(tls.certificate.keyPem), cert_chain: Buffer.from(tls.certificate.certPem) }],
        true,
      )
    : ServerCredentials.createInsecure();
  const injector = server.createConnectionInjector(credentials);
  listener.accept((socket) => {
    injector.injectConnection(socket);
    // The listener paused the socket so no byte was read before now. TLS starts reading by itself once it
    // wraps the socket; plaintext HTTP/2 takes the socket's handle over but does not restart a paused one.
    socket.resume();
  });
  log.trace('gRPC server ready', { tls: Boolean(tls) });

  return {
    close(done) {
      goPlugin.endStreams();
      listener.close();
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        server.forceShutdown();
        done?.();
      };
      // Graceful first: a forced shutdown would reset the stream carrying the Shutdown reply.
      server.tryShutdown(finish);
      setTimeout(finish, CLOSE_GRACE_MS).unref();
    },
  };
}

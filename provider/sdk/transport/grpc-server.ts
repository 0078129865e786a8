/**
 * @module transport/grpc-server
 * The gRPC server behind the listener: gRPC over node:http2, with TLS (AutoMTLS) or without, serving the
 * services of transport/descriptor.ts. It is ours rather than grpc-js's because a provider process lives for
 * one Terraform command: grpc-js's server, with its channel and client machinery loaded alongside, was about
 * a third of the work between the handshake and the first answer, and added per call (interceptors,
 * metadata objects, call trackers) about half again what node:http2 itself costs (bench/README.md). What
 * Terraform's go-plugin client uses is served: unary calls, server streams (StreamStdio) and
 * bidirectional ones (GRPCBroker), statuses in trailers, cancellation.
 *
 * This module and the wire definitions are loaded only after the handshake line is out (serve.ts requires
 * it then). Connections that arrive first wait in the listener, paused and unread, and are handed to the
 * HTTP/2 server here, which runs TLS itself.
 */
import { X509Certificate } from 'node:crypto';
import { type Http2Session, type ServerHttp2Stream, constants, createServer } from 'node:http2';
import type { Socket } from 'node:net';
import { type TLSSocket, createServer as createTlsServer } from 'node:tls';
import type { ProviderServer } from '../protocol/types';
import type { ServerCertificate } from './certificate';
import { createConverter } from './convert';
import { DESCRIPTOR, SERVED_SERVICES, serviceDefinition } from './descriptor';
import { type MethodDefinition, type ServiceImplementation, type StreamHandler, type UnaryHandler, refuseCall, serveCall } from './grpc-calls';
import { GrpcStatus } from './grpc-status';
import { goPluginServices } from './go-plugin-services';
import type { Listener } from './listener';
import type { HclogLogger } from './logger';
import { providerService } from './provider-service';

/**
 * 256 MiB each way, as terraform-plugin-go: large states and schemas pass, and a runaway message fails as
 * a gRPC error instead of exhausting memory.
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
  /** The GetProviderSchema response made at build time, in wire form (ServeOptions.schema). */
  schema?: Buffer;
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

/**
 * Node's HTTP/2 session limits, as grpc-js sets them: no cap on a session's buffered memory (Node's default
 * of 10 MB refuses streams once a large message is buffered) or on the size of a header block it sends.
 */
const SESSION_OPTIONS = { maxSessionMemory: Number.MAX_SAFE_INTEGER, maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER };

interface Route {
  method: MethodDefinition;
  handler: UnaryHandler | StreamHandler;
}

/**
 * AutoMTLS in front of the HTTP/2 server: TLS with our certificate, offering h2, asking the client for a
 * certificate, and handing the connection on only when the client presented exactly Terraform's
 * (PLUGIN_CLIENT_CERT). go-plugin servers verify the client against that certificate as their only CA
 * (RequireAndVerifyClientCert); pinning the very certificate is stricter still. The TLS handshake has
 * already checked that the client holds its private key (CertificateVerify), whatever the pin.
 *
 * Why not Node's HTTP/2 secure server with Terraform's certificate as `ca`: a TLS context given any CA
 * builds Node's whole root store first (every bundled root, plus each certificate NODE_EXTRA_CA_CERTS names),
 * 2 to 5 ms on every provider start, for a check that needs none of it. `ca: []` keeps the context's store
 * empty; with rejectUnauthorized off the handshake completes, and the pin decides.
 */
function pinnedTls(tls: NonNullable<GrpcServerOptions['tls']>, server: ReturnType<typeof createServer>, log: HclogLogger): (socket: Socket) => void {
  const terraform = new X509Certificate(tls.clientCertificatePem).raw;
  const tlsServer = createTlsServer(
    { key: tls.certificate.keyPem, cert: tls.certificate.certPem, ca: [], requestCert: true, rejectUnauthorized: false, ALPNProtocols: ['h2'] },
    (socket: TLSSocket) => {
      const peer = socket.getPeerX509Certificate();
      if (!peer?.raw.equals(terraform)) {
        log.debug('refused a connection: the client did not present the certificate Terraform announced', { presented: Boolean(peer) });
        socket.destroy();
        return;
      }
      server.emit('connection', socket);
    },
  );
  // A client speaking plaintext to TLS, or one that fails the handshake: its connection ends here.
  tlsServer.on('tlsClientError', (err: Error) => log.debug('refused a connection: TLS handshake failed', { error: err.message }));
  return (socket) => {
    tlsServer.emit('connection', socket);
    // The listener paused the socket so no byte was read before now; TLS starts reading once it wraps it.
    socket.resume();
  };
}

export function startGrpcServer(options: GrpcServerOptions): GrpcServer {
  const { listener, tls, log } = options;
  const goPlugin = goPluginServices({ log, onShutdown: options.onShutdown });
  const services: Record<string, ServiceImplementation> = {
    ...goPlugin.services,
    'tfplugin6.Provider': providerService({
      getServer: options.getServer,
      converter: createConverter(DESCRIPTOR),
      log,
      providerLog: options.providerLog,
      schema: options.schema,
    }),
  };
  const routes = new Map<string, Route>();
  // SERVED_SERVICES is the list the descriptor tests hold against proto-loader: serve exactly that.
  for (const name of SERVED_SERVICES) {
    const implementation = services[name];
    if (!implementation) throw new Error(`no implementation for ${name}`);
    for (const [methodName, method] of Object.entries(serviceDefinition(name))) {
      const handler = implementation[methodName] as ServiceImplementation[string] | undefined;
      if (handler) routes.set(method.path, { method, handler });
    }
  }

  const server = createServer(SESSION_OPTIONS);
  const callOptions = {
    maxReceiveBytes: MAX_MESSAGE_BYTES,
    maxSendBytes: MAX_MESSAGE_BYTES,
    onError: (err: unknown, path: string) => log.debug('gRPC call failed after its stream closed', { path, error: String((err as Error)?.message ?? err) }),
  };
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    stream.on('error', (err: Error) => log.trace('gRPC stream error', { error: err.message }));
    const contentType = headers[constants.HTTP2_HEADER_CONTENT_TYPE];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
      stream.respond({ ':status': constants.HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE }, { endStream: true });
      return;
    }
    const path = String(headers[constants.HTTP2_HEADER_PATH]);
    const route = routes.get(path);
    if (!route) {
      refuseCall(stream, GrpcStatus.UNIMPLEMENTED, `unknown method ${path}`);
      return;
    }
    serveCall(stream, route.method, route.handler, callOptions);
  });

  const sessions = new Set<Http2Session>();
  let closing = false;
  server.on('session', (session: Http2Session) => {
    if (closing) {
      session.destroy();
      return;
    }
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', (err: Error) => log.debug('gRPC connection error', { error: err.message }));
  });
  // A TLS client that does not negotiate h2: refused at once (Node would wait 10 s by default).
  server.on('unknownProtocol', (socket: Socket) => socket.destroy());

  listener.accept(
    tls
      ? pinnedTls(tls, server, log)
      : (socket) => {
          server.emit('connection', socket);
          // Paused by the listener: plaintext HTTP/2 takes the socket's handle over but does not restart it.
          socket.resume();
        },
  );
  log.trace('gRPC server ready', { tls: Boolean(tls) });

  return {
    close(done) {
      closing = true;
      goPlugin.endStreams();
      listener.close();
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        for (const session of sessions) session.destroy();
        done?.();
      };
      // Graceful first (GOAWAY, then each connection closes once its calls are answered): a forced close
      // would reset the stream carrying the Shutdown reply.
      let open = sessions.size;
      if (open === 0) {
        setImmediate(finish);
        return;
      }
      for (const session of sessions) {
        session.close(() => {
          if (--open === 0) finish();
        });
      }
      timer = setTimeout(finish, CLOSE_GRACE_MS);
      timer.unref();
    },
  };
}

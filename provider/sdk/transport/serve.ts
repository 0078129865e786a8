/**
 * @module transport/serve
 * The provider process: from `main()` to serving tfplugin6 to Terraform, and out again.
 *
 * Start-up is on Terraform's critical path, 3–5 times per command, so the order is deliberate. Before the
 * handshake line only node core modules run: crash handler, stdout/console takeover, cookie and protocol
 * checks, a certificate (node:crypto, a few milliseconds at most), a unix socket or TCP listener (node:net). Then the line goes out,
 * and only then is grpc-js loaded, the wire definitions built and the provider's server factory called;
 * connections that arrive meanwhile wait in the listener, and the first RPC waits for the factory.
 */
import type { ProviderServer } from '../protocol/types';
import { generateServerCertificate } from './certificate';
import { crash, installCrashHandler } from './crash';
import { debugInstructions, reattachProviders } from './debug';
import type * as GrpcServerModule from './grpc-server';
import { APP_PROTOCOL_VERSION, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, chooseProtocolVersion, handshakeLine, notAPluginMessage } from './handshake';
import type { Listener } from './listener';
import { type HclogLogger, createLogger, thresholdFromEnv } from './logger';
import { chooseNetwork, listen } from './network';
import { exitOnTerminate, ignoreInterrupts, watchParent } from './signals';
import { takeOverStdout } from './stdio';

export interface ServeOptions {
  /** The provider's source address as users write it fully qualified: `registry.terraform.io/NS/TYPE`. */
  providerAddress: string;
  /**
   * Creates the provider server. Called once, after the handshake: load heavy provider code inside it
   * (`() => require('./provider').createServer()`) so that it does not delay the handshake. Code that runs
   * at import time, before `serve` is called, runs before the stdout takeover too: it must not print.
   */
  server: () => ProviderServer | Promise<ProviderServer>;
  /**
   * The provider's GetProviderSchema response in wire form, base64, made when the executable was built
   * (scripts/bundle.js does it for the providers it lists). The first process of every Terraform command
   * only fetches the schema: with this it answers without creating the provider server at all, and a
   * process creates it only when a call needs it. Without it the server is created right after the
   * handshake, in the background.
   */
  schema?: string;
  /** Command-line arguments; process.argv.slice(2) by default. `--debug` selects debug mode. */
  argv?: string[];
}

interface Context {
  options: ServeOptions;
  log: HclogLogger;
  providerLog: HclogLogger;
  getServer: () => Promise<ProviderServer>;
  writeStdout: (text: string) => void;
  executable: string;
  /** The provider's type, the last part of its address: `keyplane`. */
  type: string;
  /** The parent (Terraform) as it was when the process started. */
  parentPid: number;
}

function fail(message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(1);
}

/** Loads grpc-js and the wire definitions: deliberately not a top-level import (see the module comment). */
function startGrpc(ctx: Context, listener: Listener, tls: GrpcServerModule.GrpcServerOptions['tls'], onShutdown: () => void): GrpcServerModule.GrpcServer {
  const { startGrpcServer } = require('./grpc-server') as typeof GrpcServerModule;
  const schema = ctx.options.schema ? Buffer.from(ctx.options.schema, 'base64') : undefined;
  const grpc = startGrpcServer({ listener, tls, getServer: ctx.getServer, log: ctx.log, providerLog: ctx.providerLog, onShutdown, schema });
  if (schema) return grpc;
  // Create the provider now, in the background; a failure is reported by every RPC that needs it.
  ctx
    .getServer()
    .catch((err: unknown) =>
      ctx.log.error('The provider server could not be created', { error: String((err as Error)?.message ?? err), stack: (err as Error)?.stack }),
    );
  return grpc;
}

/** Launched by Terraform: cookie, AutoMTLS, handshake, serve until Shutdown. */
async function serveManaged(ctx: Context): Promise<void> {
  const env = process.env;
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) fail(notAPluginMessage(ctx.executable));
  const protocol = chooseProtocolVersion(env.PLUGIN_PROTOCOL_VERSIONS);
  if (!protocol.ok) fail(protocol.message);
  ignoreInterrupts(ctx.log);
  exitOnTerminate(ctx.log);
  // Terraform sends its client certificate exactly when it wants TLS (TF_DISABLE_PLUGIN_TLS unset).
  const clientCertificatePem = env.PLUGIN_CLIENT_CERT;
  const tls = clientCertificatePem ? { certificate: generateServerCertificate(), clientCertificatePem } : undefined;
  const listener = await listen(chooseNetwork(env, ctx.type), env, { socketGroup: true });
  ctx.writeStdout(handshakeLine({ network: listener.network, address: listener.address, certificateDer: tls?.certificate.der }));
  // The line go-plugin's own servers log, so a TF_LOG=debug output shows where each provider listened.
  ctx.log.debug('plugin address', { network: listener.network, address: listener.address });

  const grpc = startGrpc(ctx, listener, tls, () => {
    // Terraform waits 2 s for the exit after Shutdown, then kills. The reply is on its way; Terraform
    // closes the connection once it has it, which ends the graceful close, and we exit.
    grpc.close(() => process.exit(0));
  });
  watchParent(ctx.parentPid, () => {
    // Nobody is left to talk to: no grace.
    ctx.log.warn('Terraform went away (parent process changed); exiting');
    process.exit(0);
  });
}

/** Started by a developer with --debug: plaintext, reattach instructions, serve until Ctrl-C. */
async function serveDebug(ctx: Context): Promise<void> {
  const listener = await listen(chooseNetwork(process.env, ctx.type), process.env);
  // Terraform does not send Shutdown to a reattached provider [verified]; if another host does, this
  // process still belongs to the developer, who may attach more runs to it.
  const grpc = startGrpc(ctx, listener, undefined, () => ctx.log.debug('Shutdown ignored in debug mode; stop the provider with Ctrl-C'));
  const stop = (signal: NodeJS.Signals) => {
    ctx.log.info(`${signal}: stopping the debug provider`);
    grpc.close(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  ctx.writeStdout(debugInstructions(ctx.options.providerAddress, reattachProviders(ctx.options.providerAddress, listener, process.pid, APP_PROTOCOL_VERSION)));
}

/**
 * Serves the provider and never returns control in a useful way: the process lives until Terraform's
 * Shutdown (or Ctrl-C in debug mode). The promise settles once the server is listening. Run by hand
 * without Terraform's cookie, it explains itself and exits 1; any other failure to start is reported
 * as a crash (exit 2), which Terraform shows as "plugin crashed".
 *
 * @example
 * #!/usr/bin/env node
 * import { serve } from '../sdk/serve';
 * serve({ providerAddress: 'registry.terraform.io/example/example', server: () => require('./provider').createServer() });
 */
export async function serve(options: ServeOptions): Promise<void> {
  const parentPid = process.ppid;
  installCrashHandler();
  const type = options.providerAddress.split('/').pop() ?? 'provider';
  const threshold = thresholdFromEnv(process.env, type);
  // Transport lines under @module sdk.proto and provider lines under provider, as terraform-plugin-go.
  const log = createLogger({ threshold, module: 'sdk.proto', fields: { tf_provider_addr: options.providerAddress, tf_proto_version: '6.8' } });
  const providerLog = createLogger({ threshold, module: 'provider', fields: { tf_provider_addr: options.providerAddress } });
  const writeStdout = takeOverStdout(providerLog);
  let server: Promise<ProviderServer> | undefined;
  const ctx: Context = {
    options,
    log,
    providerLog,
    getServer: () => (server ??= Promise.resolve().then(options.server)),
    writeStdout,
    executable: `terraform-provider-${type}`,
    type,
    parentPid,
  };
  const debug = (options.argv ?? process.argv.slice(2)).includes('--debug');
  try {
    await (debug ? serveDebug(ctx) : serveManaged(ctx));
  } catch (err) {
    // As a panic: of all a provider writes on stderr, that is what Terraform shows without TF_LOG.
    crash(new Error(`${ctx.executable} could not start its plugin server: ${(err as Error)?.message ?? String(err)}`, { cause: err }), 'serve');
  }
}

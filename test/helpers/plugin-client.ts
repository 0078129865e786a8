/**
 * Plays Terraform's part with a provider executable, without Terraform: starts it with the environment
 * go-plugin's client sets (cookie, protocol versions, a client certificate for AutoMTLS), reads the
 * handshake line, and dials the socket with grpc-js, presenting the client certificate and trusting only
 * the server certificate from the handshake, with server name `localhost`, as Terraform does.
 *
 * Used by the transport's end-to-end tests and by bench/provider-startup.ts. The client side is built from
 * the same proto/descriptor.json as the server, so a test drives the real wire definitions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Client, type ServiceClientConstructor, credentials as grpcCredentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type ServerCertificate, generateServerCertificate } from '../../provider/sdk/transport/certificate';
import { fromJSON } from '@grpc/proto-loader';
import { CONVERSION_OPTIONS, DESCRIPTOR } from '../../provider/sdk/transport/descriptor';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/sdk/transport/handshake';

/** What go-plugin's client adds to the environment of every plugin it starts (Terraform 1.11.4). */
export const TERRAFORM_PLUGIN_ENV: Record<string, string> = {
  [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
  PLUGIN_PROTOCOL_VERSIONS: '5,6',
  PLUGIN_MIN_PORT: '10000',
  PLUGIN_MAX_PORT: '25000',
};

export interface Handshake {
  core: number;
  app: number;
  network: string;
  address: string;
  protocol: string;
  /** The server certificate's DER, when the line carries one. */
  certificate?: Buffer;
  line: string;
}

/** Parses the handshake as go-plugin does (trimmed, split on `|`, certificate only when over 50 chars). */
export function parseHandshake(line: string): Handshake {
  const parts = line.trim().split('|');
  if (parts.length < 4) throw new Error(`Unrecognized remote plugin message: ${line}`);
  const [core, app, network, address, protocol = 'netrpc', cert = ''] = parts;
  if (cert.includes('=')) throw new Error('the certificate field is padded: go-plugin decodes it without padding');
  return {
    core: Number(core),
    app: Number(app),
    network: network!,
    address: address!,
    protocol,
    certificate: cert.length > 50 ? Buffer.from(cert, 'base64') : undefined,
    line,
  };
}

export interface LaunchOptions {
  /** Extra environment for the plugin (over this process's environment and TERRAFORM_PLUGIN_ENV). */
  env?: Record<string, string | undefined>;
  /** Our client certificate, sent as PLUGIN_CLIENT_CERT; `null` launches without TLS, as TF_DISABLE_PLUGIN_TLS does. */
  clientCertificate?: ServerCertificate | null;
  /** How long to wait for the handshake. */
  timeoutMs?: number;
}

export interface LaunchedPlugin {
  child: ChildProcess;
  handshake: Handshake;
  /** The client certificate the plugin was given, if any. */
  clientCertificate?: ServerCertificate;
  /** Milliseconds from spawn to the handshake line. */
  handshakeMs: number;
  /** Everything on stdout so far, handshake included. */
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a provider executable as Terraform would and waits for its handshake line. */
export function launchPlugin(executable: string, options: LaunchOptions = {}): Promise<LaunchedPlugin> {
  const clientCertificate = options.clientCertificate === null ? undefined : (options.clientCertificate ?? generateServerCertificate());
  const env: Record<string, string | undefined> = { ...process.env, ...TERRAFORM_PLUGIN_ENV, PLUGIN_CLIENT_CERT: clientCertificate?.certPem, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const started = performance.now();
  const child = spawn(executable, [], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no handshake from ${executable} within ${options.timeoutMs ?? 10_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 10_000);
    let done = false;
    child.stdout!.on('data', (d: string) => {
      stdout += d;
      const newline = stdout.indexOf('\n');
      if (done || newline < 0) return;
      done = true;
      clearTimeout(timer);
      const handshakeMs = performance.now() - started;
      try {
        resolve({
          child,
          handshake: parseHandshake(stdout.slice(0, newline)),
          clientCertificate,
          handshakeMs,
          stdout: () => stdout,
          stderr: () => stderr,
          exited,
        });
      } catch (err) {
        reject(err);
      }
    });
    void exited.then(({ code, signal }) => {
      if (done) return;
      clearTimeout(timer);
      reject(new Error(`${executable} exited (${code ?? signal}) before its handshake; stderr: ${stderr}`));
    });
  });
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface PluginClients {
  provider: Client;
  controller: Client;
  health: Client;
  broker: Client;
  stdio: Client;
  close(): void;
}

let packages: Record<string, Record<string, unknown>> | undefined;

function serviceConstructor(name: string): ServiceClientConstructor {
  // proto-loader here, not the server's own definitions: the client side takes the library's path.
  packages ??= loadPackageDefinition(fromJSON(DESCRIPTOR as Parameters<typeof fromJSON>[0], { keepCase: true, ...CONVERSION_OPTIONS })) as unknown as Record<
    string,
    Record<string, unknown>
  >;
  let node: unknown = packages;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ServiceClientConstructor;
}

export interface DialOptions {
  /** Present this client certificate (default: the one the plugin was launched with). `null`: none at all. */
  clientCertificate?: ServerCertificate | null;
  /** Plaintext even though the handshake carries a certificate. */
  insecure?: boolean;
}

/** Connects to a launched plugin (or any handshake) as Terraform does. */
export function dialPlugin(plugin: Pick<LaunchedPlugin, 'handshake' | 'clientCertificate'>, options: DialOptions = {}): PluginClients {
  const { handshake } = plugin;
  const target = handshake.network === 'unix' ? `unix://${handshake.address}` : handshake.address;
  const client = options.clientCertificate === null ? undefined : (options.clientCertificate ?? plugin.clientCertificate);
  const creds =
    handshake.certificate && !options.insecure
      ? grpcCredentials.createSsl(
          Buffer.from(pem(handshake.certificate)),
          client ? Buffer.from(client.keyPem) : null,
          client ? Buffer.from(client.certPem) : null,
        )
      : grpcCredentials.createInsecure();
  // Terraform's Go client verifies the server certificate for the name "localhost".
  const channelOptions = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost', 'grpc.max_receive_message_length': 256 << 20 };
  const make = (name: string) => new (serviceConstructor(name))(target, creds, channelOptions);
  const clients = {
    provider: make('tfplugin6.Provider'),
    controller: make('plugin.GRPCController'),
    health: make('grpc.health.v1.Health'),
    broker: make('plugin.GRPCBroker'),
    stdio: make('plugin.GRPCStdio'),
  };
  return {
    ...clients,
    close: () => {
      for (const c of Object.values(clients)) c.close();
    },
  };
}

/** One unary call as a promise (5 s deadline unless told). */
export function call<T = Record<string, unknown>>(client: Client, method: string, request: unknown = {}, deadlineMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    if (typeof fn !== 'function') return reject(new Error(`no method ${method} on this client`));
    fn.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
  });
}

/** Ends a plugin the way Terraform does: GRPCController.Shutdown, then wait for the exit. */
export async function shutdownPlugin(plugin: LaunchedPlugin, clients: PluginClients): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  await call(clients.controller, 'Shutdown', {}).catch(() => undefined); // Terraform ignores its error too
  clients.close();
  return plugin.exited;
}

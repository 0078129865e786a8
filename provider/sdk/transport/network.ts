/**
 * @module transport/network
 * Which network the provider listens on, and the listener for it. go-plugin servers use a unix socket except
 * on Windows, where they use TCP; we do the same, and `<TYPE>_PLUGIN_TRANSPORT=tcp` (KEYPLANE_PLUGIN_TRANSPORT
 * for the Keyplane provider) forces TCP elsewhere, for hosts where a unix socket cannot be used (a socket
 * directory that is not shared, a sandbox that forbids them). See docs/sdk/plugin-process.md#transport.
 */
import { type Listener, type Network, listenUnix } from './listener';
import { portRange } from './port-range';
import { listenTcp } from './tcp-listener';

const NETWORKS: readonly Network[] = ['unix', 'tcp'];

/**
 * The variable that chooses the transport for a provider of type `providerType` (the last part of its
 * address): `keyplane` → KEYPLANE_PLUGIN_TRANSPORT. Named per provider, as TF_LOG_PROVIDER_<TYPE>
 * (logger.ts), so one provider can be switched without the others.
 */
export function transportVariable(providerType: string): string {
  return `${providerType.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PLUGIN_TRANSPORT`;
}

/**
 * The network to listen on: TCP on Windows; elsewhere the unix socket unless the variable says `tcp`.
 * Throws, naming the variable, for any other value (a typo must not quietly keep the default) and for
 * `unix` on Windows.
 */
export function chooseNetwork(env: Record<string, string | undefined>, providerType: string, platform: NodeJS.Platform = process.platform): Network {
  const variable = transportVariable(providerType);
  const value = env[variable];
  const windows = platform === 'win32';
  if (value === undefined || value === '') return windows ? 'tcp' : 'unix';
  if (!(NETWORKS as readonly string[]).includes(value)) {
    throw new Error(`${variable} is ${JSON.stringify(value)}: it must be "tcp" or "unix" (or unset for the platform's default, ${windows ? 'tcp' : 'unix'})`);
  }
  if (windows && value === 'unix') throw new Error(`${variable} is "unix", but on Windows the provider listens on TCP only: unset it`);
  return value as Network;
}

/** Listens on `network` with the settings go-plugin's variables give (PLUGIN_UNIX_SOCKET_*, PLUGIN_MIN/MAX_PORT). */
export function listen(network: Network, env: Record<string, string | undefined>, options: { socketGroup?: boolean } = {}): Promise<Listener> {
  if (network === 'tcp') return listenTcp(portRange(env));
  return listenUnix({ dir: env.PLUGIN_UNIX_SOCKET_DIR, group: options.socketGroup ? env.PLUGIN_UNIX_SOCKET_GROUP : undefined });
}

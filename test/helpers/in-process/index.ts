/**
 * The in-process provider harness (provider.ts: Terraform's call sequence and checks, RPC by RPC) and its
 * Keyplane layer: the Keyplane provider configured against a real service over HTTP.
 *
 * @example
 * const service = await startHttpService();
 * const p = await inProcessProvider(service);
 * const k = p.resource('keyplane_api_key', 'k');
 * const plan = await k.plan({ name: 'ci' });
 * expect(plan.action).toBe('create');
 * const { state } = await k.apply(plan);
 */
import type { Plain } from './schema';
import { InProcessProvider } from './provider';

export * from './provider';
export { type Plain, type PathSteps, unknown } from './schema';

export interface KeyplaneInProcessOptions {
  /** The key the provider acts with (the service's admin key by default). */
  apiKey?: string;
  /** The endpoint it calls (the service's by default: a fault-injecting proxy, say). */
  endpoint?: string;
  /** More of the provider block, over endpoint and api_key (null removes one, so the environment decides). */
  config?: Plain;
  /** Environment while ConfigureProvider runs; KEYPLANE_ENDPOINT and KEYPLANE_API_KEY are unset unless given. */
  env?: Record<string, string | undefined>;
  /** false: do not configure at start (to drive ConfigureProvider in the test). */
  configure?: boolean;
}

/** The Keyplane provider in process, configured against `service` as its admin unless told otherwise. */
export function inProcessProvider(service: { endpoint: string; adminKey: string }, options: KeyplaneInProcessOptions = {}): Promise<InProcessProvider> {
  return InProcessProvider.start({
    server: () => (require('../../../provider/keyplane/provider') as typeof import('../../../provider/keyplane/provider')).createServer(),
    config: { endpoint: options.endpoint ?? service.endpoint, api_key: options.apiKey ?? service.adminKey, ...options.config },
    env: { KEYPLANE_ENDPOINT: undefined, KEYPLANE_API_KEY: undefined, ...options.env },
    configure: options.configure,
  });
}

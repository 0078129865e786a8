/**
 * @module keyplane/provider-data
 * What the provider's configure hands to every resource, data source and ephemeral resource: the client,
 * who the configured key acts for (checked once with whoami at configure time), and the plan-time lookups; and the base class
 * through which they all receive it.
 */
import type { KeyplaneClient, Whoami } from '../../client';
import type { PlanLookups } from './plan-lookups';
import type { KeyReads } from './api-key/key-reads';
import type { ConfigureResourceRequest, ConfigureResourceResponse, Diagnostics } from '../sdk';

export interface ProviderData {
  client: KeyplaneClient;
  whoami: Whoami;
  /** Plan-time lookups shared by every call of the process (plan-lookups.ts). */
  lookups: PlanLookups;
  /** keyplane_api_key's refresh reads, coalesced across the process's concurrent calls (api-key/key-reads.ts). */
  keyReads: KeyReads;
}

/** The provider data, or an error diagnostic (a provider bug) when something else arrived. */
export function providerDataFrom(data: unknown, diagnostics: Diagnostics): ProviderData | undefined {
  if (data === undefined) return undefined; // validate calls run before configure
  const d = data as Partial<ProviderData> | null;
  if (d && typeof d === 'object' && d.client && d.whoami && d.lookups && d.keyReads) return d as ProviderData;
  diagnostics.addError(
    'Unexpected Provider Data',
    'The keyplane provider handed its resources something other than a configured client. This is a bug in the provider; please report it.',
  );
  return undefined;
}

/** What every resource, data source and ephemeral resource extends: configure keeps the provider data for CRUD. */
export abstract class ConfiguredByProvider {
  private data: ProviderData | undefined;

  configure(req: ConfigureResourceRequest, resp: ConfigureResourceResponse): void {
    this.data = providerDataFrom(req.providerData, resp.diagnostics);
  }

  /** Validate calls run unconfigured; CRUD always runs after configure, so a missing client is a bug. */
  protected get client(): KeyplaneClient {
    if (!this.data) throw new Error('the keyplane provider was not configured before CRUD');
    return this.data.client;
  }

  /** keyplane_api_key's coalesced refresh reads; like `client`, only after configure. */
  protected get keyReads(): KeyReads {
    if (!this.data) throw new Error('the keyplane provider was not configured before CRUD');
    return this.data.keyReads;
  }

  /** Undefined before configure (validate calls), where a check that needs the provider's key is skipped. */
  protected get configuredData(): ProviderData | undefined {
    return this.data;
  }
}

/**
 * @module keyplane/provider-data
 * What the provider's configure hands to every resource, data source and ephemeral resource: the client,
 * and who the configured key acts for (checked once with whoami at configure time).
 */
import type { KeyplaneClient, Whoami } from '../../client';
import type { Diagnostics } from '../sdk/framework';

export interface ProviderData {
  client: KeyplaneClient;
  whoami: Whoami;
}

/** The provider data, or an error diagnostic (a provider bug) when something else arrived. */
export function providerDataFrom(data: unknown, diagnostics: Diagnostics): ProviderData | undefined {
  if (data === undefined) return undefined; // validate calls run before configure
  const d = data as Partial<ProviderData> | null;
  if (d && typeof d === 'object' && d.client && d.whoami) return d as ProviderData;
  diagnostics.addError(
    'Unexpected Provider Data',
    'The keyplane provider handed its resources something other than a configured client. This is a bug in the provider; please report it.',
  );
  return undefined;
}

/**
 * `--service-account-name NAME`, the name-based twin of `--service-account ID` (api-key create and list):
 * resolved to the account's id through the API, before the request it belongs to.
 * @module
 */
import { Option } from 'commander';
import type { KeyplaneClient } from '../client';

export const SERVICE_ACCOUNT_NAME_FLAG = '--service-account-name';

/** The option, which cannot be given with `--service-account` (nor with the other flags named in `conflicts`). */
export function serviceAccountNameOption(description: string, conflicts: string[] = []): Option {
  return new Option(`${SERVICE_ACCOUNT_NAME_FLAG} <name>`, description).conflicts(['serviceAccount', ...conflicts]);
}

/** The service account id the flags name: `--service-account` as given, or the account named by `--service-account-name`. */
export async function serviceAccountIdFrom(client: KeyplaneClient, o: { serviceAccount?: string; serviceAccountName?: string }): Promise<string | undefined> {
  if (o.serviceAccountName === undefined) return o.serviceAccount;
  const sa = await client.findServiceAccountByName(o.serviceAccountName);
  if (!sa)
    throw new Error(
      `${SERVICE_ACCOUNT_NAME_FLAG} ${JSON.stringify(o.serviceAccountName)}: no service account has this name (or you may not see it); keyplane service-account list shows them`,
    );
  return sa.id;
}

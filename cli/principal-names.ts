/**
 * Names for the user and service account ids in a table (a key's owner and creator): a service account's
 * name, a user's email. Each id is looked up once, a few at a time; one the API will not answer for (a
 * deleted user, say) keeps its id.
 * @module
 */
import { KeyplaneApiError, type KeyplaneClient } from '../client';
import { ID_PREFIXES } from '../contract/id-prefixes';
import type { Format } from './output';

const LOOKUPS_AT_ONCE = 4;

async function nameOf(client: KeyplaneClient, id: string): Promise<string | undefined> {
  try {
    if (id.startsWith(`${ID_PREFIXES.serviceAccount}_`)) return (await client.getServiceAccount(id)).name;
    if (id.startsWith(`${ID_PREFIXES.user}_`)) return (await client.getUser(id)).email;
  } catch (err) {
    if (!(err instanceof KeyplaneApiError)) throw err;
  }
  return undefined;
}

/** The names of `ids` that could be read, by id. */
export async function principalNames(client: KeyplaneClient, ids: Iterable<string>): Promise<Map<string, string>> {
  const pending = [...new Set(ids)];
  const names = new Map<string, string>();
  const worker = async () => {
    for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
      const name = await nameOf(client, id);
      if (name !== undefined) names.set(id, name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_AT_ONCE, pending.length) }, worker));
  return names;
}

/** The names a table shows for `ids`; none for JSON and YAML, which print the API's ids. */
export async function namesForTable(client: KeyplaneClient, format: Format, ids: Iterable<string | null>): Promise<Map<string, string>> {
  if (format !== 'table') return new Map();
  return principalNames(
    client,
    [...ids].filter((id): id is string => id !== null),
  );
}

/** `id` by name in a table: its name when it could be read, else the id itself. */
export function byName(names: ReadonlyMap<string, string>, id: string): string {
  return names.get(id) ?? id;
}

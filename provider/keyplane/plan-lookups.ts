/**
 * @module keyplane/plan-lookups
 * What plan-time checks look up in the service (provider/keyplane/api-key/plan-checks.ts), shared by every
 * plan of one provider process. Terraform plans each resource in its own call, many at once, so 200 keys
 * asked for the same scope catalogue, the same allow lists and the same secret 200 times. Here one request
 * answers all the calls that wait for it. What only has to exist (a scope name, an allow list) is kept for the
 * rest of the process (one command) once found; a miss asks the service again, so an object made meanwhile
 * (by this apply, or by hand) is seen, and a failed lookup is never an answer for later calls. What is
 * judged by fields that change (a service account's managers, whether the key may write a secret) is shared
 * only by the calls waiting at the same time: an apply may change them between two plans of one process.
 */
import type { IpAllowList, KeyplaneClient, Secret, ServiceAccount } from '../../client';

export class PlanLookups {
  readonly #client: KeyplaneClient;
  #catalogue: Promise<Set<string>> | undefined;
  readonly #allowLists = new Map<string, Promise<IpAllowList>>();
  readonly #serviceAccounts = new Map<string, Promise<ServiceAccount>>();
  readonly #secrets = new Map<string, Promise<Secret>>();

  constructor(client: KeyplaneClient) {
    this.#client = client;
  }

  /** The names in `wanted` the scope catalogue lacks; the catalogue is fetched again before a name is called missing. */
  async missingScopes(wanted: readonly string[]): Promise<string[]> {
    const cached = this.#catalogue;
    const missing = (known: Set<string>) => wanted.filter((s) => !known.has(s));
    if (cached) {
      const found = missing(await cached);
      if (found.length === 0) return found;
    }
    // Calls that missed on the same catalogue share the one fetch that replaces it.
    if (this.#catalogue === cached) this.#catalogue = this.#remember(this.#client.listScopes().then((l) => new Set(l.map((s) => s.name))));
    return missing(await this.#catalogue!);
  }

  allowList(id: string): Promise<IpAllowList> {
    return this.#shared(this.#allowLists, id, () => this.#client.getAllowList(id), true);
  }

  serviceAccount(id: string): Promise<ServiceAccount> {
    return this.#shared(this.#serviceAccounts, id, () => this.#client.getServiceAccount(id), false);
  }

  secret(id: string): Promise<Secret> {
    return this.#shared(this.#secrets, id, () => this.#client.getSecret(id), false);
  }

  /** The catalogue promise, forgotten if it fails. */
  #remember(p: Promise<Set<string>>): Promise<Set<string>> {
    p.catch(() => {
      if (this.#catalogue === p) this.#catalogue = undefined;
    });
    return p;
  }

  /** `keep`: a found value answers later calls too; otherwise only the calls made while it is on its way. */
  #shared<T>(map: Map<string, Promise<T>>, id: string, fetch: () => Promise<T>, keep: boolean): Promise<T> {
    let p = map.get(id);
    if (!p) {
      const fetched = fetch();
      p = fetched;
      map.set(id, fetched);
      // A failure (not found, refused, unreachable) is the answer of the calls already waiting only.
      const forget = () => {
        if (map.get(id) === fetched) map.delete(id);
      };
      fetched.then(keep ? undefined : forget, forget);
    }
    return p;
  }
}

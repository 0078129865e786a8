/**
 * @module keyplane/api-key/key-reads
 * Refresh reads of keyplane_api_key, coalesced. Terraform refreshes each resource in its own ReadResource
 * call, up to its parallelism at once; a plan of 200 keys was 200 GET /v1/api-keys/{id}. Reads that wait at
 * the same moment go out as one `GET /v1/api-keys?id=…&id=…` (docs/api/README.md), which answers each key
 * as the single GET does and leaves out ids of no key.
 *
 * Only reads already waiting are batched: a read is never held back for others to come. A batch leaves on the
 * next turn of the event loop (the calls whose gRPC frames arrived together), or as soon as one of the
 * MAX_IN_FLIGHT requests answers; the reads that came meanwhile form the next batch. Every batch is sent after
 * each of its reads was asked for, so each answer is the key's state at a moment within its own call, as a
 * single GET would be.
 *
 * A listing that fails is answered per read: a refusal that a single GET might not share (400 from a service
 * without the `id` filter, a malformed id, a 403 or 404 on the listing) falls back to one GET per key, whose
 * own answer, error or "gone", lands on its own resource. An error that a GET would meet as well (401, 429
 * after the client's retries, 5xx, an unreachable service) fails each read of the batch with it, never as
 * "gone". An answer that does not hold to the filter (an id that was not asked for, a next page) is not
 * trusted for any key: its reads fall back too, and so do all later reads of the process.
 */
import { type ApiKey, KeyplaneApiError, type KeyplaneClient } from '../../../client';
import { LIMITS } from '../../../contract/limits';
import { isNotFound } from '../client-errors';

/** What one read found: the key, no such key, or an error (`batch`: how many keys the failed request read). */
export type KeyRead = { found: ApiKey } | { gone: true } | { error: unknown; batch: number };

/** Listings on their way at once; more reads wait for the next batch. */
const MAX_IN_FLIGHT = 2;

interface Waiting {
  id: string;
  settle: (read: KeyRead) => void;
}

export class KeyReads {
  readonly #client: KeyplaneClient;
  readonly #maxBatch: number;
  #waiting: Waiting[] = [];
  #scheduled = false;
  #inFlight = 0;
  /** Set once a listing answered outside its filter: this service's listing is not used to read keys again. */
  #listingUntrusted = false;

  constructor(client: KeyplaneClient, maxBatch: number = LIMITS.idFilters.max) {
    this.#client = client;
    this.#maxBatch = Math.max(1, Math.min(maxBatch, LIMITS.idFilters.max, LIMITS.page.sizeMax));
  }

  /** The key's current state, or `gone` when the service has no key with this id. Never rejects. */
  read(id: string): Promise<KeyRead> {
    return new Promise((settle) => {
      this.#waiting.push({ id, settle });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= MAX_IN_FLIGHT || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < MAX_IN_FLIGHT && this.#waiting.length > 0) {
        const batch = this.#takeBatch();
        this.#inFlight++;
        void this.#send(batch).finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
      }
    });
  }

  /** Up to maxBatch distinct ids, in the order asked, with every read waiting for one of them. */
  #takeBatch(): Waiting[] {
    const ids = new Set<string>();
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    for (const w of this.#waiting) {
      if (ids.has(w.id) || ids.size < this.#maxBatch) {
        ids.add(w.id);
        batch.push(w);
      } else rest.push(w);
    }
    this.#waiting = rest;
    return batch;
  }

  async #send(batch: Waiting[]): Promise<void> {
    const ids = [...new Set(batch.map((w) => w.id))];
    if (ids.length === 1 || this.#listingUntrusted) return this.#eachAlone(batch);
    let items: ApiKey[];
    try {
      const page = await this.#client.listApiKeys({ id: ids, page_size: ids.length });
      if (page.next_page_token !== null || page.items.some((k) => !ids.includes(k.id))) {
        this.#listingUntrusted = true;
        return this.#eachAlone(batch);
      }
      items = page.items;
    } catch (err) {
      if (listingRefused(err)) return this.#eachAlone(batch);
      for (const w of batch) w.settle({ error: err, batch: ids.length });
      return;
    }
    const byId = new Map(items.map((k) => [k.id, k]));
    for (const w of batch) {
      const key = byId.get(w.id);
      w.settle(key ? { found: key } : { gone: true });
    }
  }

  /** One GET per distinct id, as before coalescing: each read gets its own answer. */
  async #eachAlone(batch: Waiting[]): Promise<void> {
    const answers = new Map<string, Promise<KeyRead>>();
    for (const w of batch) {
      let answer = answers.get(w.id);
      if (!answer) {
        answer = this.#client.getApiKey(w.id).then(
          (found): KeyRead => ({ found }),
          (err: unknown): KeyRead => (isNotFound(err) ? { gone: true } : { error: err, batch: 1 }),
        );
        answers.set(w.id, answer);
      }
      void answer.then(w.settle);
    }
    await Promise.all(answers.values());
  }
}

/**
 * A refusal of the listing itself, which single GETs may not meet: the filter unknown to an older service or
 * an id it refuses (400), a listing this key may not make or that is not there (403, 404). Not 401 nor 429:
 * a GET would be refused the same way, and sending one per key would only multiply the refusals.
 */
function listingRefused(err: unknown): boolean {
  return err instanceof KeyplaneApiError && (err.status === 400 || err.status === 403 || err.status === 404);
}

/**
 * Last-used time and addresses (the one Keyplane saw, and the one a verifying service claimed), recorded for
 * every successful verification but written in batches (service/db/batched-writer.ts), so verification does
 * no database write per request; a later use of the same key replaces an earlier pending one.
 * @module
 */
import type { Kysely } from 'kysely';
import { BatchedWriter } from '../db/batched-writer';
import type { Database } from '../db/tables';

interface Use {
  /** Milliseconds: formatted only when written, not on every verification. */
  at: number;
  seenIp: string | null;
  claimedIp: string | null;
}

export class LastUsedRecorder extends BatchedWriter<Use> {
  constructor(
    private readonly db: Kysely<Database>,
    intervalMs = 1000,
    onError?: (err: unknown) => void,
  ) {
    super(intervalMs, onError);
  }

  record(keyId: string, seenIp: string | null, claimedIp: string | null): void {
    this.pending.set(keyId, { at: Date.now(), seenIp, claimedIp });
  }

  protected async write(batch: ReadonlyMap<string, Use>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const [id, use] of batch) {
        const at = new Date(use.at).toISOString();
        await trx
          .updateTable('api_keys')
          .set({ last_used_at: at, last_used_ip: use.seenIp, last_used_claimed_ip: use.claimedIp })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute();
      }
    });
  }

  /** A newer use replaces the one that failed to be written. */
  protected restore(failed: Use, since: Use | undefined): Use {
    return since ?? failed;
  }
}

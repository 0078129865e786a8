/**
 * Last-used time and addresses (the one Keyplane saw, and the one a verifying service claimed), recorded for
 * every successful verification but written in batches, so
 * verification does no database write per request. Pending records are flushed on an interval and at
 * shutdown; a later use of the same key replaces an earlier pending one.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

interface Use {
  /** Milliseconds: formatted only when written, not on every verification. */
  at: number;
  seenIp: string | null;
  claimedIp: string | null;
}

export class LastUsedRecorder {
  private pending = new Map<string, Use>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly intervalMs = 1000,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(keyId: string, from: Omit<Use, 'at'>): void {
    this.pending.set(keyId, { at: Date.now(), ...from });
  }

  /** Writes what is pending; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(this.onError);
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
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
    } catch (err) {
      // Keep the batch for the next attempt unless a newer use replaced it meanwhile.
      for (const [id, use] of batch) if (!this.pending.has(id)) this.pending.set(id, use);
      throw err;
    }
  }
}

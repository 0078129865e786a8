/**
 * Records kept in memory by key and written in batches, on an interval and at shutdown, so the request that
 * makes one does no database write: last use of keys (service/keys/last-used.ts) and failed authentications
 * (service/audit/failed-auth.ts). A batch that fails to write goes back, merged with what came meanwhile, for
 * the next attempt: nothing is lost while the process lives.
 * @module
 */
export abstract class BatchedWriter<V> {
  protected pending = new Map<string, V>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Writes one batch; throwing puts it back. */
  protected abstract write(batch: ReadonlyMap<string, V>): Promise<void>;

  /** A record of a failed batch, given the one made since for the same key (if any): what is kept. */
  protected abstract restore(failed: V, since: V | undefined): V;

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes what is pending; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending()).catch(this.onError);
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.write(batch);
    } catch (err) {
      for (const [id, failed] of batch) this.pending.set(id, this.restore(failed, this.pending.get(id)));
      throw err;
    }
  }
}

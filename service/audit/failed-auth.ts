/**
 * Failed authentications, audited as counts: one `auth.failed` event per source (client address, reason, key
 * id when the key is known) per window, written in batches on an interval and at shutdown. A request that
 * fails to authenticate does no database write, so a client that keeps failing cannot slow everyone else's
 * requests down with audit writes. The event's `details` hold the count, the times of the first and last
 * failure it counts, and the method and path of the first.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { type AuditEntry, writeAuditBatch } from './audit-log';

export interface FailedAuth {
  address: string;
  reason: string;
  keyId?: string;
  method: string;
  path: string;
  requestId: string;
}

interface Source {
  first: FailedAuth;
  /** False for the per-reason count of failures from sources beyond `maxSources`, which has no address. */
  known: boolean;
  count: number;
  firstAt: string;
  lastAt: string;
}

export interface FailedAuthOptions {
  windowMs: number;
  /** Sources kept per window, which bounds the memory a client rotating addresses can take. */
  maxSources: number;
}

export class FailedAuthRecorder {
  private pending = new Map<string, Source>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: FailedAuthOptions,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.windowMs);
    this.timer.unref();
  }

  record(failure: FailedAuth): void {
    const at = new Date().toISOString();
    let id = `${failure.address}\n${failure.reason}\n${failure.keyId ?? ''}`;
    let known = true;
    if (!this.pending.has(id) && this.pending.size >= this.options.maxSources) {
      id = `\n${failure.reason}`;
      known = false;
      // A full window is closed early, so the next failures are counted per source again.
      void this.flush();
    }
    const source = this.pending.get(id);
    if (source) {
      source.count++;
      source.lastAt = at;
    } else {
      this.pending.set(id, { first: failure, known, count: 1, firstAt: at, lastAt: at });
    }
  }

  /** Failures counted and not yet written. */
  get pendingCount(): number {
    let n = 0;
    for (const source of this.pending.values()) n += source.count;
    return n;
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
      await writeAuditBatch(this.db, [...batch.values()].map(toEntry));
    } catch (err) {
      // Nothing is lost: the counts go back, merged with those made meanwhile, for the next attempt.
      for (const [id, source] of batch) {
        const later = this.pending.get(id);
        this.pending.set(id, later ? { ...source, count: source.count + later.count, lastAt: later.lastAt } : source);
      }
      throw err;
    }
  }
}

function toEntry(source: Source): AuditEntry {
  const { first } = source;
  return {
    action: 'auth.failed',
    outcome: 'failure',
    keyId: source.known ? first.keyId : undefined,
    address: source.known ? first.address : undefined,
    requestId: first.requestId,
    time: source.lastAt,
    details: {
      reason: first.reason,
      method: first.method,
      path: first.path,
      count: source.count,
      first_at: source.firstAt,
      last_at: source.lastAt,
      ...(source.known ? {} : { other_sources: true }),
    },
  };
}

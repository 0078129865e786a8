/**
 * Failed authentications, audited as counts: one `auth.failed` event per source (client address, reason, key
 * id when the key is known) per window, written in batches on an interval and at shutdown. A request that
 * fails to authenticate does no database write, so a client that keeps failing cannot slow everyone else's
 * requests down with audit writes. The event's `details` hold the count, the times of the first and last
 * failure it counts, and the method and path of the first.
 * @module
 */
import type { Kysely } from 'kysely';
import { BatchedWriter } from '../db/batched-writer';
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

export class FailedAuthRecorder extends BatchedWriter<Source> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: FailedAuthOptions,
    onError?: (err: unknown) => void,
  ) {
    super(options.windowMs, onError);
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

  protected async write(batch: ReadonlyMap<string, Source>): Promise<void> {
    await writeAuditBatch(this.db, [...batch.values()].map(toEntry));
  }

  /** Counts of a failed write are added to those made since: none is lost. */
  protected restore(failed: Source, since: Source | undefined): Source {
    return since ? { ...failed, count: failed.count + since.count, lastAt: since.lastAt } : failed;
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

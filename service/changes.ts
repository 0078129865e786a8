/**
 * Tells every node that authentication data changed (a key, its owner, its creator or an allow list), so
 * verification caches never answer from a stale entry.
 *
 * On PostgreSQL the signal is a NOTIFY sent inside the writing transaction, which PostgreSQL delivers to every
 * listening node at commit. Each node empties its cache when it hears a change and then acknowledges it with
 * a NOTIFY of its own; the writing node, which counted the listening nodes inside its transaction, answers
 * its client only once every one of them has acknowledged (or after `ackTimeoutMs`). So a key revoked
 * through one node is refused by every other node on the very next request, not merely soon after.
 *
 * While a node cannot hear (its listening connection dropped, or a heartbeat went unanswered) it does not
 * trust its cache at all: a missed notification could otherwise keep a revoked key alive. It reconnects on
 * its own and starts again from an empty cache.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql, type Transaction } from 'kysely';
import { Client } from 'pg';
import type { Store } from './db/connect';
import type { Database } from './db/tables';

export const CHANGE_CHANNEL = 'keyplane_auth_changes';
export const ACK_CHANNEL = 'keyplane_auth_acks';
/** The application_name of a listening connection, set once it listens: the writer counts these. */
export const LISTENER_APPLICATION_NAME = 'keyplane-change-listener';

export interface ChangeFeedOptions {
  /** How long a writer waits for every node's acknowledgement before answering anyway. */
  ackTimeoutMs?: number;
  /** How often the listening connection is checked with a round trip. */
  heartbeatMs?: number;
  /** A heartbeat unanswered this long makes the node distrust its cache and reconnect. */
  heartbeatTimeoutMs?: number;
  /** Delay before reconnecting a dropped listener, and between failed attempts. */
  reconnectMs?: number;
}

/** The listening connection, with its queries sent one at a time (pg wants no overlapping queries). */
interface Listener {
  client: Client;
  run(text: string, values?: unknown[]): Promise<unknown>;
}

interface Awaiting {
  /** Listening nodes counted inside the writing transaction; unknown until the NOTIFY query returns. */
  expected?: number;
  acks: number;
  resolve(): void;
  promise: Promise<void>;
}

export class ChangeFeed extends EventEmitter {
  private listener?: Listener;
  private readonly awaiting = new Map<string, Awaiting>();
  private closed = false;
  private heartbeat?: NodeJS.Timeout;
  private readonly ackTimeoutMs: number;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly reconnectMs: number;
  /** False while a PostgreSQL node cannot hear other nodes' changes. */
  trustworthy = true;

  constructor(
    private readonly store: Store,
    options: ChangeFeedOptions = {},
  ) {
    super();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
    this.reconnectMs = options.reconnectMs ?? 100;
    // Several listeners (verifier, tests) are normal; no leak warning for them.
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (this.store.dialect !== 'postgres') return;
    await this.connect();
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Whether this node currently hears other nodes' changes (always true on SQLite, where there are none). */
  get listening(): boolean {
    return this.store.dialect !== 'postgres' || this.listener !== undefined;
  }

  /**
   * Call inside the transaction that changes authentication data. Returns a token for `committed` (or for
   * `abandoned`, when the transaction fails). The token is registered before the NOTIFY is sent, because
   * acknowledgements may arrive before `committed` runs.
   */
  async publish(trx: Transaction<Database>): Promise<string> {
    const token = randomUUID();
    if (this.store.dialect !== 'postgres') return token;
    let waiting: Awaiting | undefined;
    if (this.listener) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      waiting = { acks: 0, resolve, promise };
      this.awaiting.set(token, waiting);
    }
    // Counted in the same transaction: a node that starts listening later empties its cache when it does.
    const { rows } = await sql<{ listeners: number }>`
      select pg_notify(${CHANGE_CHANNEL}, ${token}),
             (select count(*) from pg_stat_activity
               where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database())::int as listeners`.execute(trx);
    if (waiting) {
      waiting.expected = Number(rows[0]?.listeners ?? 0);
      if (waiting.acks >= waiting.expected) waiting.resolve();
    }
    return token;
  }

  /**
   * Call after that transaction committed: this node stops trusting its cache at once, and on PostgreSQL the
   * call waits (up to `ackTimeoutMs`) until every node that was listening has emptied its cache.
   */
  async committed(token: string): Promise<void> {
    this.emit('change');
    const waiting = this.awaiting.get(token);
    if (!waiting) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([waiting.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.ackTimeoutMs)))]);
    } finally {
      clearTimeout(timer);
      this.awaiting.delete(token);
    }
  }

  /** The transaction that published `token` rolled back: nothing will be heard. */
  abandoned(token: string): void {
    this.awaiting.delete(token);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const w of this.awaiting.values()) w.resolve();
    await this.listener?.client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // Keepalive lets a silently dropped connection (a partition, not a closed socket) be noticed too.
    const client = new Client({ connectionString: this.store.postgresUrl, keepAlive: true, keepAliveInitialDelayMillis: 5000 });
    let queue: Promise<unknown> = Promise.resolve();
    const run = (text: string, values?: unknown[]) => {
      const result = queue.then(() => client.query(text, values));
      queue = result.catch(() => undefined);
      return result;
    };
    const listener: Listener = { client, run };
    client.on('notification', (n) => {
      if (!n.payload) return;
      if (n.channel === CHANGE_CHANNEL) {
        // Empty the cache first, then say so.
        this.emit('change');
        run('select pg_notify($1, $2)', [ACK_CHANNEL, n.payload]).catch(() => undefined);
      } else if (n.channel === ACK_CHANNEL) {
        const waiting = this.awaiting.get(n.payload);
        if (waiting && ++waiting.acks >= (waiting.expected ?? Infinity)) waiting.resolve();
      }
    });
    client.on('error', () => this.lost(listener));
    client.on('end', () => this.lost(listener));
    try {
      await client.connect();
      await run(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${ACK_CHANNEL}`);
      // Named only now, so writers never count a connection that does not listen yet.
      await run(`SET application_name = '${LISTENER_APPLICATION_NAME}'`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = listener;
    this.trustworthy = true;
    // Whatever happened while we were deaf is unknown: start from an empty cache.
    this.emit('change');
  }

  /** A round trip on the listening connection; a late answer means we may be missing notifications. */
  private beat(): void {
    const listener = this.listener;
    if (!listener || this.closed) return;
    const overdue = setTimeout(() => {
      if (this.listener !== listener) return;
      // Drop the silent connection and reconnect; until then the cache is not trusted.
      (listener.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      this.lost(listener);
    }, this.heartbeatTimeoutMs);
    overdue.unref();
    listener.run('select 1').then(
      () => clearTimeout(overdue),
      () => clearTimeout(overdue),
    );
  }

  private lost(listener: Listener): void {
    if (this.listener !== listener) return;
    this.listener = undefined;
    this.trustworthy = false;
    this.emit('change');
    // Writers waiting for acknowledgements that this connection can no longer carry stop waiting.
    for (const w of this.awaiting.values()) w.resolve();
    listener.client.end().catch(() => undefined);
    if (this.closed) return;
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => setTimeout(retry, Math.max(this.reconnectMs, 500)).unref());
    };
    setTimeout(retry, this.reconnectMs).unref();
  }
}

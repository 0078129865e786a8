/**
 * Tells every node that authentication data changed (a key, its owner, its creator or an allow list), so
 * verification caches never answer from a stale entry: once a write that changed such data has answered, no
 * node accepts what it revoked.
 *
 * On PostgreSQL the signal is a NOTIFY sent inside the writing transaction, which PostgreSQL delivers to every
 * listening node at commit. Each node empties its cache when it hears a change and then acknowledges it with
 * a NOTIFY of its own on its listening connection. After the commit the writer lists the listening
 * connections (by their application_name in pg_stat_activity) and answers its client once every one of them
 * has acknowledged. A node that stays silent (its connection stalled, its machine gone) holds the writer
 * until that node's lease has surely run out, and no longer: `leaseMs` plus `CLOCK_RATE_MARGIN` of it.
 *
 * The lease. A node answers from its cache only while its lease is valid. A round trip on the listening
 * connection renews it: a query sent at local monotonic time s, once answered, makes the lease run until
 * s + leaseMs (the send time, not the answer time). Why an answer proves the node heard every change committed
 * before s: a committing backend puts its notifications in PostgreSQL's queue and signals every listening
 * backend (SignalBackends, from AtCommit_Notify) before it reports the commit to its client. A listening
 * backend that receives a query after that has the signal pending, and before it sends ReadyForQuery it
 * delivers pending notifications (postgres.c: "if (notifyInterruptPending) ProcessNotifyInterrupt(false)",
 * "they'll be seen by the client before ReadyForQuery is"). node-postgres handles messages in the order they
 * arrive, so the `notification` event, which empties the cache synchronously, runs before the query resolves.
 * service/db/changes.test.ts checks this ordering against a real server.
 *
 * The bound. The writer starts its clock when its commit returns, after the real commit. A node that did not
 * acknowledge either renewed its lease with a query sent after the commit, and so heard the change first, or
 * holds a lease from a query sent before it, which ends within leaseMs of the commit on the node's own clock.
 * The writer waits leaseMs (plus a margin for the two clocks running at slightly different rates) on its own
 * clock, so by the time it answers every such lease has run out, and the node reads the store until a
 * heartbeat renews it. Heartbeats run every `heartbeatMs` (a quarter of the lease by default), so a healthy
 * node's lease does not lapse. The monotonic clock must advance while a node is stalled: true of a paused
 * process, a blocked event loop or a stopped backend; not of a machine suspended to memory.
 *
 * The writer lists the listening connections after its commit, not inside its transaction: a connection named
 * later starts (or restarts) from an empty cache after the commit, so every entry it caches is read after it;
 * one named earlier is waited for. Acknowledgements are matched to the counted connections by backend pid, so
 * a node that starts listening meanwhile cannot stand in for one that stays silent.
 *
 * While a node cannot hear (its listening connection dropped, or a heartbeat went unanswered) its lease ends
 * at once, and it reconnects on its own, starting again from an empty cache. On SQLite there is one process
 * per data dir (service/db/data-dir-lock.ts), so nothing to hear and the cache is always trusted.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { sql, type Transaction } from 'kysely';
import { Client } from 'pg';
import type { Store } from './db/connect';
import type { Database } from './db/tables';

export const CHANGE_CHANNEL = 'keyplane_auth_changes';
export const ACK_CHANNEL = 'keyplane_auth_acks';
/** The application_name of a listening connection, set once it listens: the writer counts these. */
export const LISTENER_APPLICATION_NAME = 'keyplane-change-listener';

/** How long a round trip on the listening connection lets a node answer from its cache. */
export const DEFAULT_LEASE_MS = 2000;
/**
 * The writer waits this fraction of the lease beyond it, for the rates of two nodes' monotonic clocks to
 * differ. Real clocks differ by well under 0.1 % (NTP slews at most 500 ppm); 1 % leaves room.
 */
export const CLOCK_RATE_MARGIN = 0.01;

export interface ChangeFeedOptions {
  /** How long after a heartbeat is sent its answer lets this node trust its cache; 2 s by default. */
  leaseMs?: number;
  /** How often the listening connection is checked with a round trip; a quarter of the lease by default. */
  heartbeatMs?: number;
  /** A heartbeat unanswered this long drops the connection and reconnects; one lease by default. */
  heartbeatTimeoutMs?: number;
  /** Delay before reconnecting a dropped listener, and between failed attempts. */
  reconnectMs?: number;
}

/** The listening connection, with its queries sent one at a time (pg wants no overlapping queries). */
interface Listener {
  client: Client;
  run(text: string, values?: unknown[]): Promise<unknown>;
  /** A heartbeat is on its way: the next one waits for it rather than queueing behind it. */
  beating: boolean;
}

interface Awaiting {
  /** Backend pids of the listening connections counted after the commit; unknown until that query returns. */
  expected?: number[];
  /** Backend pids that acknowledged. */
  heard: Set<number>;
  resolve(): void;
  promise: Promise<void>;
}

export class ChangeFeed extends EventEmitter {
  private listener?: Listener;
  private readonly awaiting = new Map<string, Awaiting>();
  private closed = false;
  private heartbeat?: NodeJS.Timeout;
  private readonly postgres: boolean;
  /** performance.now() until which this node may answer from its cache (PostgreSQL only). */
  private leaseUntil = Number.NEGATIVE_INFINITY;
  readonly leaseMs: number;
  /** The longest a writer waits for a node that does not acknowledge: the lease and its margin. */
  readonly writerWaitMs: number;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly reconnectMs: number;

  constructor(
    private readonly store: Store,
    options: ChangeFeedOptions = {},
  ) {
    super();
    this.postgres = store.dialect === 'postgres';
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.writerWaitMs = Math.ceil(this.leaseMs * (1 + CLOCK_RATE_MARGIN));
    this.heartbeatMs = options.heartbeatMs ?? this.leaseMs / 4;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? this.leaseMs;
    this.reconnectMs = options.reconnectMs ?? 100;
    for (const [name, value] of Object.entries({
      leaseMs: this.leaseMs,
      heartbeatMs: this.heartbeatMs,
      heartbeatTimeoutMs: this.heartbeatTimeoutMs,
      reconnectMs: this.reconnectMs,
    })) {
      if (!Number.isFinite(value) || value <= 0) throw new Error(`change feed ${name} must be a positive number of milliseconds, not ${value}`);
    }
    // A heartbeat must come round well within a lease, or a healthy node's lease lapses between two.
    if (this.heartbeatMs > this.leaseMs / 2) {
      throw new Error(`change feed heartbeatMs (${this.heartbeatMs}) must be at most half of leaseMs (${this.leaseMs})`);
    }
    // Several listeners (verifier, tests) are normal; no leak warning for them.
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    if (!this.postgres) return;
    await this.connect();
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Whether this node may answer from its cache now: its lease is valid (always on SQLite). Read on every
   * verification, so it only compares two numbers.
   */
  get trustworthy(): boolean {
    return !this.postgres || performance.now() < this.leaseUntil;
  }

  /** Whether this node has a listening connection (always true on SQLite, where there is nothing to hear). */
  get listening(): boolean {
    return !this.postgres || this.listener !== undefined;
  }

  /**
   * Call inside the transaction that changes authentication data. Returns a token for `committed` (or for
   * `abandoned`, when the transaction fails). The token is registered before the NOTIFY is sent, because
   * acknowledgements may arrive before `committed` runs.
   */
  async publish(trx: Transaction<Database>): Promise<string> {
    const token = randomUUID();
    if (!this.postgres) return token;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.awaiting.set(token, { heard: new Set(), resolve, promise });
    await sql`select pg_notify(${CHANGE_CHANNEL}, ${token})`.execute(trx);
    return token;
  }

  /**
   * Call after that transaction committed: this node stops using its cache entries at once, and on PostgreSQL
   * the call returns once every listening node has emptied its cache, or once the lease of any that did not
   * say so has surely run out (`writerWaitMs` after this call began).
   */
  async committed(token: string): Promise<void> {
    const deadline = performance.now() + this.writerWaitMs;
    this.emit('change');
    const waiting = this.awaiting.get(token);
    if (!waiting) return;
    this.listenerPids().then(
      (pids) => {
        waiting.expected = pids;
        settle(waiting);
      },
      // Not listening, or the query failed: acknowledgements cannot be counted, so wait out the lease.
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    // A timer may fire a little early: check the clock and wait again.
    const expired = new Promise<void>((resolve) => {
      const check = () => {
        const left = deadline - performance.now();
        if (left <= 0) resolve();
        else timer = setTimeout(check, Math.ceil(left));
      };
      check();
    });
    try {
      await Promise.race([waiting.promise, expired]);
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
    this.leaseUntil = Number.NEGATIVE_INFINITY;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.listener?.client.end().catch(() => undefined);
  }

  /**
   * The backend pids of the listening connections, asked on this node's own listening connection (no pool
   * connection to wait for, and acknowledgements could not arrive without it anyway).
   */
  private async listenerPids(): Promise<number[]> {
    const listener = this.listener;
    if (!listener) throw new Error('not listening');
    const result = (await listener.run('select pid from pg_stat_activity where application_name = $1 and datname = current_database()', [
      LISTENER_APPLICATION_NAME,
    ])) as { rows: { pid: number }[] };
    return result.rows.map((r) => Number(r.pid));
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
    const listener: Listener = { client, run, beating: false };
    client.on('notification', (n) => {
      if (!n.payload) return;
      if (n.channel === CHANGE_CHANNEL) {
        // Empty the cache first, then say so.
        this.emit('change');
        run('select pg_notify($1, $2)', [ACK_CHANNEL, n.payload]).catch(() => undefined);
      } else if (n.channel === ACK_CHANNEL) {
        const waiting = this.awaiting.get(n.payload);
        if (waiting) {
          waiting.heard.add(n.processId);
          settle(waiting);
        }
      }
    });
    client.on('error', () => this.lost(listener));
    client.on('end', () => this.lost(listener));
    let sentAt: number;
    try {
      await client.connect();
      await run(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${ACK_CHANNEL}`);
      // Named only now, so writers never count a connection that does not listen yet. Sent after LISTEN took
      // effect, so its answer is the first lease. The server's keepalives make a vanished node's backend
      // exit (and stop being counted) within seconds rather than the system's default two hours.
      sentAt = performance.now();
      await run(
        `SET application_name = '${LISTENER_APPLICATION_NAME}'; SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3`,
      );
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = listener;
    // Whatever happened while we were deaf is unknown: start from an empty cache.
    this.emit('change');
    this.renew(listener, sentAt);
  }

  private renew(listener: Listener, sentAt: number): void {
    if (this.listener === listener && !this.closed) this.leaseUntil = Math.max(this.leaseUntil, sentAt + this.leaseMs);
  }

  /** A round trip on the listening connection renews the lease; a late answer means we may be missing notifications. */
  private beat(): void {
    const listener = this.listener;
    if (!listener || this.closed || listener.beating) return;
    listener.beating = true;
    const sentAt = performance.now();
    const overdue = setTimeout(() => {
      if (this.listener !== listener) return;
      // Drop the silent connection and reconnect; the lease ends now.
      (listener.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      this.lost(listener);
    }, this.heartbeatTimeoutMs);
    overdue.unref();
    listener.run('select 1').then(
      () => {
        clearTimeout(overdue);
        listener.beating = false;
        this.renew(listener, sentAt);
      },
      () => {
        clearTimeout(overdue);
        listener.beating = false;
      },
    );
  }

  private lost(listener: Listener): void {
    if (this.listener !== listener) return;
    this.listener = undefined;
    this.leaseUntil = Number.NEGATIVE_INFINITY;
    this.emit('change');
    // Writers waiting for acknowledgements this connection can no longer carry wait out the lease.
    listener.client.end().catch(() => undefined);
    if (this.closed) return;
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => setTimeout(retry, Math.max(this.reconnectMs, 500)).unref());
    };
    setTimeout(retry, this.reconnectMs).unref();
  }
}

/** Resolves a writer's wait once every counted connection has acknowledged. */
function settle(waiting: Awaiting): void {
  if (waiting.expected?.every((pid) => waiting.heard.has(pid))) waiting.resolve();
}

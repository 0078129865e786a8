/**
 * Tells every node that authentication data changed (a key, its owner, its creator or an allow list), so
 * verification caches never answer from a stale entry. On PostgreSQL the signal is a NOTIFY sent inside the
 * writing transaction, which PostgreSQL delivers to every listening node at commit; the writing node also
 * invalidates itself at once. While the listening connection is down the cache is bypassed, because a missed
 * notification could otherwise keep a revoked key alive.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql, type Transaction } from 'kysely';
import { Client } from 'pg';
import type { Store } from './db/connect';
import type { Database } from './db/tables';

const CHANNEL = 'keyplane_auth_changes';

export class ChangeFeed extends EventEmitter {
  private listener?: Client;
  private readonly awaiting = new Map<string, { heard: () => void; promise: Promise<void> }>();
  private closed = false;
  /** False while a PostgreSQL node cannot hear other nodes' changes. */
  trustworthy = true;

  constructor(private readonly store: Store) {
    super();
  }

  async start(): Promise<void> {
    if (this.store.dialect === 'postgres') await this.connect();
  }

  /**
   * Call inside the transaction that changes authentication data. Returns a token for `committed` (or for
   * `abandoned`, when the transaction fails). The token is registered before the NOTIFY is sent, because our
   * own listener may hear it before `committed` runs.
   */
  async publish(trx: Transaction<Database>): Promise<string> {
    const token = randomUUID();
    if (this.store.dialect === 'postgres' && this.listener) {
      let heard!: () => void;
      const promise = new Promise<void>((resolve) => (heard = resolve));
      this.awaiting.set(token, { heard, promise });
    }
    if (this.store.dialect === 'postgres') await sql`select pg_notify(${CHANNEL}, ${token})`.execute(trx);
    return token;
  }

  /**
   * Call after that transaction committed: this node stops trusting its cache at once, and on PostgreSQL the
   * call waits (up to a second) until this node's own listener has heard the notification. PostgreSQL sends
   * a notification to all listeners together, so by then it is on its way to every other node's socket too,
   * ahead of any request a client sends after our response: a key revoked here is refused there on the
   * very next request.
   */
  async committed(token: string): Promise<void> {
    this.emit('change');
    const waiting = this.awaiting.get(token);
    if (!waiting) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([waiting.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    this.awaiting.delete(token);
  }

  /** The transaction that published `token` rolled back: nothing will be heard. */
  abandoned(token: string): void {
    this.awaiting.delete(token);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // Keepalive lets a silently dropped connection (a partition, not a closed socket) be noticed too.
    const client = new Client({ connectionString: this.store.postgresUrl, keepAlive: true, keepAliveInitialDelayMillis: 5000 });
    client.on('notification', (n) => {
      this.emit('change');
      if (n.payload) this.awaiting.get(n.payload)?.heard();
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
    this.trustworthy = true;
    // Whatever happened while we were deaf is unknown: start from an empty cache.
    this.emit('change');
  }

  private lost(client: Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    this.trustworthy = false;
    this.emit('change');
    if (this.closed) return;
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => setTimeout(retry, 500).unref());
    };
    setTimeout(retry, 100).unref();
  }
}

/**
 * The change feed on a real PostgreSQL server: a writer waits until every listening node has emptied its
 * cache, or until a silent node's lease has surely run out; a node whose connection goes silent (no FIN, no
 * RST: a partition) stops trusting its cache when its lease runs out, and reconnects. The partition is a TCP
 * proxy that stops forwarding. And the ordering the lease rests on: PostgreSQL delivers a committed
 * notification to a listening connection before it answers any later query there.
 */
import { createServer, type Server, Socket } from 'node:net';
import { Client, type Notification } from 'pg';
import { ChangeFeed, type ChangeFeedOptions } from '../changes';
import { describePostgres, describeSqlite, startPostgres, type PostgresServer } from '../../test/helpers/postgres';
import { openStore, type Store } from './connect';

/** Forwards to PostgreSQL until frozen; frozen, it holds every byte in both directions without closing. */
class FreezableProxy {
  private server?: Server;
  private pairs = new Set<[Socket, Socket]>();
  private frozen = false;
  port = 0;
  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    this.server = createServer((down) => {
      const up = new Socket();
      up.connect(this.target, '127.0.0.1');
      const pair: [Socket, Socket] = [down, up];
      this.pairs.add(pair);
      down.pipe(up);
      up.pipe(down);
      const drop = () => {
        down.destroy();
        up.destroy();
        this.pairs.delete(pair);
      };
      down.on('error', drop).on('close', drop);
      up.on('error', drop).on('close', drop);
      if (this.frozen)
        pair.forEach((s) => {
          s.pause();
        });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  freeze(): void {
    this.frozen = true;
    for (const pair of this.pairs) for (const s of pair) s.pause();
  }

  thaw(): void {
    this.frozen = false;
    for (const pair of this.pairs) for (const s of pair) s.resume();
  }

  get connections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    for (const [down, up] of this.pairs) {
      down.destroy();
      up.destroy();
    }
    await new Promise((r) => this.server?.close(r));
  }
}

/** Short lease and heartbeat so the tests run quickly; the same on every feed, as on every node. */
const FAST: ChangeFeedOptions = { leaseMs: 1500, heartbeatMs: 100, heartbeatTimeoutMs: 400, reconnectMs: 50 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publishes a change in a transaction and waits until it is committed everywhere; resolves with the wait in ms. */
const publishAndCommit = async (feed: ChangeFeed, store: Store) => {
  let token = '';
  await store.db.transaction().execute(async (trx) => {
    token = await feed.publish(trx);
  });
  const started = Date.now();
  await feed.committed(token);
  return Date.now() - started;
};

describePostgres('the change feed on PostgreSQL', () => {
  let pg: PostgresServer;
  let proxy: FreezableProxy;
  let writerStore: Store;
  let nodeStore: Store;
  let writer: ChangeFeed;
  let node: ChangeFeed;
  let nodeChanges = 0;

  beforeAll(async () => {
    pg = await startPostgres();
    proxy = new FreezableProxy(Number(new URL(pg.url).port));
    await proxy.start();
    writerStore = await openStore({ databaseUrl: pg.url });
    const proxied = new URL(pg.url);
    proxied.port = String(proxy.port);
    nodeStore = await openStore({ databaseUrl: proxied.toString() });
    writer = new ChangeFeed(writerStore, FAST);
    node = new ChangeFeed(nodeStore, FAST);
    node.on('change', () => nodeChanges++);
    await writer.start();
    await node.start();
  }, 60_000);

  afterAll(async () => {
    await node?.close();
    await writer?.close();
    await nodeStore?.close();
    await writerStore?.close();
    await proxy?.stop();
    await pg?.stop();
  });

  test('a writer answers once every listening node has emptied its cache, well before the timeout', async () => {
    expect(writer.listening && node.listening).toBe(true);
    let nodeHeardFirst = false;
    const before = nodeChanges;
    const tookPromise = publishAndCommit(writer, writerStore);
    node.once('change', () => (nodeHeardFirst = true));
    const took = await tookPromise;
    expect(nodeHeardFirst).toBe(true);
    expect(nodeChanges).toBe(before + 1);
    expect(took).toBeLessThan(writer.leaseMs / 2);
  });

  test('a node that hears but cannot answer holds the writer until its lease has surely run out, and no longer', async () => {
    expect(writer.writerWaitMs).toBe(Math.ceil(FAST.leaseMs! * 1.01));
    proxy.freeze();
    try {
      const took = await publishAndCommit(writer, writerStore);
      // PostgreSQL still lists the node's connection as listening, so the writer waits for its acknowledgement
      // until the lease and its margin have passed (meanwhile the node's lease ran out, or its heartbeat gave up).
      expect(took).toBeGreaterThanOrEqual(writer.writerWaitMs - 2);
      expect(took).toBeLessThan(writer.writerWaitMs + 1000);
      expect(node.trustworthy).toBe(false);
    } finally {
      proxy.thaw();
    }
  });

  test('a stalled node stops using its cache when its lease runs out, before any timeout notices, and catches up', async () => {
    // A node whose heartbeat never gives up: only the lease stands between it and a stale cache.
    const patient = new ChangeFeed(nodeStore, { ...FAST, heartbeatTimeoutMs: 60_000 });
    let heard = 0;
    patient.on('change', () => heard++);
    await patient.start();
    try {
      for (let i = 0; i < 100 && !(node.listening && node.trustworthy); i++) await sleep(20);
      expect(patient.trustworthy).toBe(true);
      const frozenAt = Date.now();
      proxy.freeze();
      let lapsedAfter = -1;
      const watch = setInterval(() => {
        if (lapsedAfter < 0 && !patient.trustworthy) lapsedAfter = Date.now() - frozenAt;
      }, 5);
      const heardBefore = heard;
      try {
        const took = await publishAndCommit(writer, writerStore);
        // When the writer answers, the stalled node no longer answers from its cache, though it heard nothing
        // and still holds its connection.
        expect(patient.trustworthy).toBe(false);
        expect(patient.listening).toBe(true);
        expect(heard).toBe(heardBefore);
        expect(took).toBeGreaterThanOrEqual(writer.writerWaitMs - 2);
        // The lease ran out about a lease after the last answered heartbeat (one interval before the freeze at most).
        expect(lapsedAfter).toBeGreaterThan(FAST.leaseMs! - FAST.heartbeatMs! - 50);
        expect(lapsedAfter).toBeLessThanOrEqual(FAST.leaseMs! + 50);
      } finally {
        clearInterval(watch);
        proxy.thaw();
      }
      // Its connection flows again: the notification arrives before any heartbeat's answer renews the lease.
      for (let i = 0; i < 100 && !patient.trustworthy; i++) await sleep(20);
      expect(patient.trustworthy).toBe(true);
      expect(heard).toBeGreaterThan(heardBefore);
    } finally {
      await patient.close();
    }
  });

  test('a silent connection is noticed by the heartbeat: the cache is distrusted, then the node reconnects', async () => {
    // Let the previous test's reconnect settle.
    for (let i = 0; i < 100 && !(node.listening && node.trustworthy); i++) await sleep(20);
    expect(node.trustworthy).toBe(true);
    const distrusted = new Promise<number>((resolve) => {
      const started = Date.now();
      const check = () => (node.trustworthy ? setTimeout(check, 5) : resolve(Date.now() - started));
      check();
    });
    proxy.freeze();
    const after = await distrusted;
    expect(after).toBeLessThan(1500);
    expect(node.listening).toBe(false);
    proxy.thaw();
    for (let i = 0; i < 200 && !node.trustworthy; i++) await sleep(20);
    expect(node.trustworthy).toBe(true);
    expect(node.listening).toBe(true);
    // The new connection carries changes again.
    const before = nodeChanges;
    expect(await publishAndCommit(writer, writerStore)).toBeLessThan(writer.leaseMs / 2);
    expect(nodeChanges).toBeGreaterThan(before);
  });

  test('a notification committed before a query is sent reaches the listening connection before that query is answered', async () => {
    // The claim the lease rests on (service/changes.ts), checked on the server itself with plain connections.
    const listener = new Client({ connectionString: pg.url });
    const notifier = new Client({ connectionString: pg.url });
    await listener.connect();
    await notifier.connect();
    try {
      await listener.query('LISTEN lease_order');
      const heard = new Set<string>();
      listener.on('notification', (n: Notification) => heard.add(n.payload ?? ''));
      const late: number[] = [];
      let notYetAtSend = 0;
      for (let i = 0; i < 300; i++) {
        await notifier.query("select pg_notify('lease_order', $1)", [String(i)]);
        // Vary what the listener does: an idle query, a query that touches a table, one inside a transaction.
        const query = ['select 1', 'select count(*) from pg_stat_activity', 'begin; select 1; commit'][i % 3]!;
        if (!heard.has(String(i))) notYetAtSend++;
        await listener.query(query);
        if (!heard.has(String(i))) late.push(i);
      }
      expect(late).toEqual([]);
      expect(heard.size).toBe(300);
      // The case that matters happened: the notification was still on its way when the query went out (here
      // about half the time).
      expect(notYetAtSend).toBeGreaterThan(0);
    } finally {
      await listener.end();
      await notifier.end();
    }
  });
});

describeSqlite('the change feed on SQLite', () => {
  test('on SQLite there is nothing to listen to and nothing to wait for', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const feed = new ChangeFeed(store);
    await feed.start();
    let heard = 0;
    feed.on('change', () => heard++);
    expect(feed.listening).toBe(true);
    // One process per data dir: its cache is always to be trusted.
    expect(feed.trustworthy).toBe(true);
    expect(await publishAndCommit(feed, store)).toBeLessThan(50);
    expect(heard).toBe(1);
    await feed.close();
    await store.close();
  });

  test('a lease, heartbeat or delay that is not a positive number of milliseconds is refused, naming it', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    try {
      expect(() => new ChangeFeed(store, { leaseMs: 0 })).toThrow('change feed leaseMs must be a positive number of milliseconds, not 0');
      expect(() => new ChangeFeed(store, { heartbeatMs: Number.NaN })).toThrow('change feed heartbeatMs must be a positive number of milliseconds, not NaN');
      expect(() => new ChangeFeed(store, { heartbeatTimeoutMs: -1 })).toThrow('heartbeatTimeoutMs');
      expect(() => new ChangeFeed(store, { reconnectMs: Number.POSITIVE_INFINITY })).toThrow('reconnectMs');
      // Heartbeats too rare for the lease would let a healthy node's lease lapse.
      expect(() => new ChangeFeed(store, { leaseMs: 1000, heartbeatMs: 600 })).toThrow('change feed heartbeatMs (600) must be at most half of leaseMs (1000)');
      // The defaults: a 2 s lease, a heartbeat every quarter of it, a writer waiting at most 1 % longer.
      const feed = new ChangeFeed(store);
      expect(feed.leaseMs).toBe(2000);
      expect(feed.writerWaitMs).toBe(2020);
      expect(new ChangeFeed(store, { leaseMs: 1000 }).writerWaitMs).toBe(1010);
    } finally {
      await store.close();
    }
  });
});

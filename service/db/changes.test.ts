/**
 * The change feed on a real PostgreSQL server: a writer waits until every listening node has emptied its
 * cache, and a node whose connection goes silent (no FIN, no RST: a partition) stops trusting its cache
 * and reconnects. The partition is a TCP proxy that stops forwarding.
 */
import { createServer, type Server, Socket } from 'node:net';
import { ChangeFeed } from '../changes';
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
    writer = new ChangeFeed(writerStore, { ackTimeoutMs: 1500, heartbeatMs: 100, heartbeatTimeoutMs: 400, reconnectMs: 50 });
    node = new ChangeFeed(nodeStore, { ackTimeoutMs: 1500, heartbeatMs: 100, heartbeatTimeoutMs: 400, reconnectMs: 50 });
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
    expect(took).toBeLessThan(1000);
  });

  test('a node that hears but cannot answer holds the writer until the timeout', async () => {
    proxy.freeze();
    try {
      const took = await publishAndCommit(writer, writerStore);
      // PostgreSQL still counts the node as listening, so the writer waits for its acknowledgement until
      // the 1500 ms timeout (meanwhile the node's own heartbeat has made it distrust its cache).
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(node.trustworthy).toBe(false);
    } finally {
      proxy.thaw();
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
    expect(await publishAndCommit(writer, writerStore)).toBeLessThan(1000);
    expect(nodeChanges).toBeGreaterThan(before);
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
    expect(await publishAndCommit(feed, store)).toBeLessThan(50);
    expect(heard).toBe(1);
    await feed.close();
    await store.close();
  });
});

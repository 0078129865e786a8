/**
 * Two service nodes on one real PostgreSQL server, with node B's listening connection silently stalled: its
 * backend process stopped with SIGSTOP, so PostgreSQL still lists it as listening but it neither delivers
 * notifications nor answers. A key revoked through node A must be refused by B on the very next request once
 * A has answered, and from then on; A may take up to the lease and its margin to answer, no longer, and
 * answers fast while every node is healthy. After SIGCONT, B serves from its cache again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { initialise } from '../../service/bootstrap';
import { DEFAULT_LEASE_MS, CLOCK_RATE_MARGIN } from '../../service/changes';
import { createContext } from '../../service/context';
import { createMasterKeyFile, readMasterKeyFile } from '../../service/crypto/master-key';
import { type RunningServer, startServer } from '../../service/server';
import { describePostgres, startPostgres, type PostgresServer } from '../helpers/postgres';
import { listenerPids as listenerPidsIn, revokeSilently as revokeSilentlyIn, until as waitUntil } from '../helpers/nodes';
import { callApi } from '../helpers/service';

/** What a writer waits at most for a silent node (service/changes.ts, with its default lease). */
const WRITER_WAIT_MS = Math.ceil(DEFAULT_LEASE_MS * (1 + CLOCK_RATE_MARGIN));

describePostgres('a node whose listening connection is stalled', () => {
  let pg: PostgresServer;
  let dir: string;
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;
  let sqlClient: Client;
  /** The backend pid of B's listening connection. */
  let bListener: number;

  const call = (node: RunningServer, method: string, path: string, body?: unknown, key = admin) => callApi(node.url, key, method, path, body);
  const create = async (node: RunningServer, name: string) => {
    const res = await call(node, 'POST', '/v1/api-keys', { name });
    expect(res.status).toBe(201);
    return { id: res.body.api_key.id as string, secret: res.body.secret as string };
  };
  const whoami = (node: RunningServer, key: string) => call(node, 'GET', '/v1/whoami', undefined, key);
  const verify = (node: RunningServer, key: string) => call(node, 'POST', '/v1/keys/verify', { key });
  /** Revokes through A; resolves with the answer and how long A took to give it. */
  const revokeTimed = async (id: string) => {
    const started = performance.now();
    const res = await call(a, 'POST', `/v1/api-keys/${id}/revoke`, { reason: 'test' });
    return { status: res.status, took: performance.now() - started };
  };
  const revokeSilently = (id: string) => revokeSilentlyIn(sqlClient, id);
  const listenerPids = () => listenerPidsIn(sqlClient);
  const until = (what: string, check: () => Promise<boolean>, ms = 15_000) => waitUntil(what, check, ms);
  /** Whether B answers for a key from its cache: a silent revocation goes unseen only there. */
  const bServesFromCache = async () => {
    const k = await create(a, 'cache-probe');
    for (let i = 0; i < 3; i++) if ((await whoami(b, k.secret)).status !== 200) return false;
    await revokeSilently(k.id);
    return (await whoami(b, k.secret)).status === 200;
  };

  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'keyplane-stalled-'));
    const masterKeyFile = join(dir, 'master.key');
    createMasterKeyFile(masterKeyFile);
    const ctx = await createContext({ databaseUrl: pg.url, masterKey: readMasterKeyFile(masterKeyFile) });
    admin = (await initialise(ctx, { email: 'admin@example.com', name: 'Admin' })).secret;
    await ctx.close();
    sqlClient = new Client({ connectionString: pg.url });
    await sqlClient.connect();
    // The test's many refused requests come from one address: no failed-authentication limit in the way.
    const node = { databaseUrl: pg.url, masterKeyFile, listen: '127.0.0.1:0', logLevel: 'silent', abuseLimits: { failedAuth: { max: 1_000_000 } } };
    // One after the other, so the listening connection that appears second is B's.
    a = await startServer(node);
    const aListeners = await listenerPids();
    expect(aListeners).toHaveLength(1);
    b = await startServer(node);
    const both = await listenerPids();
    expect(both).toHaveLength(2);
    bListener = both.find((p) => !aListeners.includes(p))!;
  }, 60_000);
  afterAll(async () => {
    // Never leave a stopped backend behind, whatever failed.
    try {
      if (bListener) process.kill(bListener, 'SIGCONT');
    } catch {
      // already gone
    }
    await sqlClient?.end();
    await a?.close();
    await b?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('with every node healthy, a revocation answers well within the lease and B refuses the key next', async () => {
    expect(await bServesFromCache()).toBe(true);
    for (let i = 0; i < 5; i++) {
      const key = await create(a, `healthy-${i}`);
      for (let j = 0; j < 3; j++) expect((await whoami(b, key.secret)).status).toBe(200);
      const revoked = await revokeTimed(key.id);
      expect(revoked.status).toBe(200);
      expect(revoked.took).toBeLessThan(DEFAULT_LEASE_MS / 2);
      expect((await whoami(b, key.secret)).status).toBe(401);
    }
  });

  test("a key revoked through A is refused by B on its very next request, though B's listening backend is stopped", async () => {
    const key = await create(a, 'revoke-while-stalled');
    for (let i = 0; i < 5; i++) expect((await whoami(b, key.secret)).status).toBe(200);
    expect((await verify(b, key.secret)).body.valid).toBe(true);
    process.kill(bListener, 'SIGSTOP');
    try {
      const revoked = await revokeTimed(key.id);
      expect(revoked.status).toBe(200);
      const next = await whoami(b, key.secret);
      expect(next.status).toBe(401);
      expect(next.body.error.message).toMatch(/revoked/);
      // A heard nothing from B's connection, so it waited until B's lease had surely run out, and no longer.
      expect(revoked.took).toBeGreaterThanOrEqual(DEFAULT_LEASE_MS);
      expect(revoked.took).toBeLessThan(WRITER_WAIT_MS + 1000);
      // And it keeps refusing, on both routes, for longer than a lease, while the backend stays stopped.
      const end = Date.now() + DEFAULT_LEASE_MS * 1.5;
      let asked = 0;
      while (Date.now() < end) {
        expect((await whoami(b, key.secret)).status).toBe(401);
        expect((await verify(b, key.secret)).body).toMatchObject({ valid: false, reason: 'revoked' });
        asked++;
      }
      expect(asked).toBeGreaterThan(10);
      // PostgreSQL still lists the stopped backend as listening.
      expect(await listenerPids()).toContain(bListener);
    } finally {
      process.kill(bListener, 'SIGCONT');
    }
  });

  test('after SIGCONT the stalled connection is gone, B serves from its cache again and revocations answer fast', async () => {
    // B gave up on the stopped connection and listens on a new one; the old backend exits once it runs.
    await until('the stopped listener to go', async () => {
      const pids = await listenerPids();
      return pids.length === 2 && !pids.includes(bListener);
    });
    await until('B to serve from its cache', bServesFromCache);
    const key = await create(a, 'after-sigcont');
    for (let i = 0; i < 3; i++) expect((await whoami(b, key.secret)).status).toBe(200);
    const revoked = await revokeTimed(key.id);
    expect(revoked.status).toBe(200);
    expect(revoked.took).toBeLessThan(DEFAULT_LEASE_MS / 2);
    expect((await whoami(b, key.secret)).status).toBe(401);
  }, 30_000);
});

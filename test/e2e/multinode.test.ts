/**
 * Two service nodes (real `startServer`, real HTTP on loopback) sharing one real PostgreSQL server and one
 * master key file: keys cross nodes, a revocation on one node is refused by the other on its very next
 * request although that node had the key cached, concurrent writers lose nothing, and a node that loses its
 * LISTEN connection stops trusting its cache and comes back; a PostgreSQL restart under load leaves both
 * nodes up and serving.
 */
import { Client } from 'pg';
import type { RunningServer } from '../../service/server';
import { describePostgres, type PostgresServer } from '../helpers/postgres';
import { type TwoNodes, listenerPids as listenerPidsIn, revokeSilently as revokeSilentlyIn, startTwoNodes, until as waitUntil } from '../helpers/nodes';
import { callApi } from '../helpers/service';

interface Created {
  id: string;
  secret: string;
}

describePostgres('two nodes on one PostgreSQL', () => {
  let nodes: TwoNodes;
  let pg: PostgresServer;
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;
  let sqlClient: Client;

  const call = (node: RunningServer, method: string, path: string, body?: unknown, key = admin) => callApi(node.url, key, method, path, body);
  const create = async (node: RunningServer, name: string, extra: Record<string, unknown> = {}): Promise<Created> => {
    const res = await call(node, 'POST', '/v1/api-keys', { name, ...extra });
    expect(res.status).toBe(201);
    return { id: res.body.api_key.id, secret: res.body.secret };
  };
  const whoami = (node: RunningServer, key: string) => call(node, 'GET', '/v1/whoami', undefined, key);
  const verify = (node: RunningServer, key: string) => call(node, 'POST', '/v1/keys/verify', { key });
  const revoke = (node: RunningServer, id: string) => call(node, 'POST', `/v1/api-keys/${id}/revoke`, { reason: 'test' });
  const revokeSilently = (id: string) => revokeSilentlyIn(sqlClient, id);
  const listenerPids = () => listenerPidsIn(sqlClient);
  const until = (what: string, check: () => Promise<boolean>, ms = 10_000) => waitUntil(what, check, ms);

  beforeAll(async () => {
    nodes = await startTwoNodes('keyplane-nodes-');
    ({ pg, a, b, admin } = nodes);
    sqlClient = new Client({ connectionString: pg.url });
    await sqlClient.connect();
  }, 60_000);
  afterAll(async () => {
    await sqlClient?.end();
    await nodes?.stop();
  });

  test('the nodes are distinct servers, each listening for changes', async () => {
    expect(a.url).not.toBe(b.url);
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await listenerPids()).toHaveLength(2);
  });

  test('a key created on node A works on node B', async () => {
    const key = await create(a, 'cross');
    const who = await whoami(b, key.secret);
    expect(who.status).toBe(200);
    expect(who.body.api_key).toMatchObject({ id: key.id, name: 'cross' });
    expect(who.body.principal.email).toBe('admin@example.com');
    expect((await verify(b, key.secret)).body).toMatchObject({ valid: true, key_id: key.id, name: 'cross' });
    // And B's view of the key over the management API is A's.
    expect((await call(b, 'GET', `/v1/api-keys/${key.id}`)).body).toMatchObject({ id: key.id, name: 'cross', revoked_at: null });
  });

  test('B caches verifications: a change PostgreSQL never announced is not seen by B', async () => {
    const key = await create(a, 'cached');
    for (let i = 0; i < 3; i++) expect((await whoami(b, key.secret)).status).toBe(200);
    await revokeSilently(key.id);
    // B answers from its cache; A, which has not seen the key since creation emptied its cache, asks the store.
    expect((await whoami(b, key.secret)).status).toBe(200);
    expect((await verify(b, key.secret)).body.valid).toBe(true);
    expect((await verify(a, key.secret)).body).toMatchObject({ valid: false, reason: 'revoked' });
    // Any announced change empties every node's cache, this entry with it.
    await create(a, 'any change');
    expect((await whoami(b, key.secret)).status).toBe(401);
  });

  test('a key revoked on A is refused by B on its very next request, though B had it cached', async () => {
    const key = await create(a, 'revoke-me');
    for (let i = 0; i < 5; i++) expect((await whoami(b, key.secret)).status).toBe(200);
    expect((await verify(b, key.secret)).body.valid).toBe(true);
    const revoked = await revoke(a, key.id);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const next = await whoami(b, key.secret);
    expect(next.status).toBe(401);
    expect(next.body.error.message).toMatch(/revoked/);
    expect((await verify(b, key.secret)).body).toMatchObject({ valid: false, reason: 'revoked', key_id: key.id });
  });

  test('revocation crosses nodes at once, every time, in both directions and on both routes', async () => {
    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 ? [b, a] : [a, b];
      const key = await create(from, `race-${i}`);
      for (let j = 0; j < 3; j++) expect((await verify(to, key.secret)).body.valid).toBe(true);
      expect((await whoami(to, key.secret)).status).toBe(200);
      expect((await revoke(from, key.id)).status).toBe(200);
      // The first request after the revocation's response, alternately through each route.
      if (i % 4 < 2) expect((await verify(to, key.secret)).body).toMatchObject({ valid: false, reason: 'revoked' });
      else expect((await whoami(to, key.secret)).status).toBe(401);
    }
  });

  test('8 clients creating keys concurrently on both nodes lose nothing', async () => {
    const clients = Array.from({ length: 8 }, async (_, c) => {
      const made: Created[] = [];
      for (let i = 0; i < 25; i++) made.push(await create(c % 2 ? b : a, `load-${c}-${i}`, { labels: { run: 'concurrency' } }));
      return made;
    });
    const made = (await Promise.all(clients)).flat();
    expect(made).toHaveLength(200);
    expect(new Set(made.map((m) => m.id)).size).toBe(200);
    for (const node of [a, b]) {
      const listed: string[] = [];
      let token: string | null = null;
      do {
        const res: { body: { api_keys: { id: string; name: string }[]; next_page_token: string | null } } = await call(
          node,
          'GET',
          `/v1/api-keys?label=run=concurrency&page_size=64${token ? `&page_token=${token}` : ''}`,
        );
        listed.push(...res.body.api_keys.map((k) => k.id));
        token = res.body.next_page_token;
      } while (token);
      expect(listed).toHaveLength(200);
      expect([...listed].sort()).toEqual(made.map((m) => m.id).sort());
    }
    const count = await sqlClient.query("select count(*) as n from api_keys where name like 'load-%'");
    expect(Number(count.rows[0].n)).toBe(200);
    // Every secret verifies, on the node that did not create it.
    const outcomes = await Promise.all(made.map((m, i) => verify(i % 2 ? a : b, m.secret)));
    expect(outcomes.filter((o) => o.body.valid === true)).toHaveLength(200);
    expect(outcomes.map((o) => o.body.key_id).sort()).toEqual(made.map((m) => m.id).sort());
  });

  test('parallel secret writers across both nodes lose nothing', async () => {
    const id = (await call(a, 'POST', '/v1/secrets', { name: 'shared' })).body.id;
    const writes = await Promise.all(
      Array.from({ length: 24 }, (_, i) => call(i % 2 ? a : b, 'POST', `/v1/secrets/${id}/versions`, { entries: { [`n${i}`]: `v${i}` } })),
    );
    expect(writes.map((w) => w.status)).toEqual(Array(24).fill(201));
    // Each writer got its own version number: none overwrote another.
    expect(writes.map((w) => w.body.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const latest = (await call(b, 'GET', `/v1/secrets/${id}/versions/latest`)).body;
    expect(latest.version).toBe(24);
    expect(latest.entries).toEqual(Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`n${i}`, `v${i}`])));
    const versions = (await call(a, 'GET', `/v1/secrets/${id}/versions`)).body.versions;
    expect(versions).toHaveLength(24);
  });

  test('when the LISTEN connections drop, the nodes stop trusting their caches, then reconnect', async () => {
    const silent = await create(a, 'deaf-silent');
    const meanwhile = await create(a, 'deaf-meanwhile');
    for (const k of [silent, meanwhile]) for (let i = 0; i < 3; i++) expect((await whoami(b, k.secret)).status).toBe(200);
    // A revocation B never hears of; while B listens, its cache still answers for the key.
    await revokeSilently(silent.id);
    expect((await whoami(b, silent.secret)).status).toBe(200);

    const before = await listenerPids();
    expect(before).toHaveLength(2);
    const killed = await sqlClient.query('select pg_terminate_backend(pid) as ok from pg_stat_activity where pid = any($1)', [before]);
    expect(killed.rows.map((r) => r.ok)).toEqual([true, true]);
    // The backends exit a moment after the signal; their sockets close as they do.
    await until(
      'the listener backends to exit',
      async () => (await sqlClient.query('select count(*)::int as n from pg_stat_activity where pid = any($1)', [before])).rows[0].n === 0,
    );
    // A revocation B cannot hear while deaf (A's notification goes nowhere B listens).
    expect((await revoke(a, meanwhile.id)).status).toBe(200);
    // B must not answer from a cache that may have missed changes: bypassed while deaf, emptied on reconnect.
    expect((await whoami(b, silent.secret)).status).toBe(401);
    expect((await whoami(b, meanwhile.secret)).status).toBe(401);
    expect((await verify(b, meanwhile.secret)).body).toMatchObject({ valid: false, reason: 'revoked' });

    // The listeners come back on new connections.
    await until('both listeners to reconnect', async () => {
      const now = await listenerPids();
      return now.length === 2 && now.every((p) => !before.includes(p));
    });
    // And revocation crosses nodes through them again, with the key cached first.
    const again = await create(a, 'after-reconnect');
    for (let i = 0; i < 3; i++) expect((await whoami(b, again.secret)).status).toBe(200);
    // B trusts its cache again: an unannounced revocation is not seen...
    await revokeSilently(again.id);
    expect((await whoami(b, again.secret)).status).toBe(200);
    // ...until a revocation through A announces a change (it changes no row now, but still notifies).
    expect((await revoke(a, again.id)).status).toBe(200);
    expect((await whoami(b, again.secret)).status).toBe(401);
  });

  test('PostgreSQL restarted under load: both nodes stay up answering 201 or 503, then serve and hear revocations again', async () => {
    sqlClient.on('error', () => undefined); // the restart cuts the test's own connection too
    const answers: { status: number; code?: string }[] = [];
    const load = Array.from({ length: 40 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 10))
        .then(() => call(i % 2 ? a : b, 'POST', '/v1/api-keys', { name: `pg-restart-${i}` }))
        .then((r) => answers.push({ status: r.status, code: r.body?.error?.code })),
    );
    await new Promise((r) => setTimeout(r, 50));
    pg.restart();
    await Promise.all(load);
    expect(answers.filter((x) => !(x.status === 201 || (x.status === 503 && x.code === 'unavailable')))).toEqual([]);

    await until('both nodes to serve', async () => (await whoami(a, admin)).status === 200 && (await whoami(b, admin)).status === 200);
    sqlClient = new Client({ connectionString: pg.url });
    await sqlClient.connect();
    await until('both listeners to reconnect', async () => (await listenerPids()).length === 2);
    const k = await create(a, 'after-pg-restart');
    for (let i = 0; i < 3; i++) expect((await whoami(b, k.secret)).status).toBe(200);
    expect((await revoke(a, k.id)).status).toBe(200);
    expect((await whoami(b, k.secret)).status).toBe(401);
  }, 60_000);
});

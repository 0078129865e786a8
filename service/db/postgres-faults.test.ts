/**
 * PostgreSQL faults never kill a node: backends terminated while requests hold their connections (as a
 * database restart or an operator's pg_terminate_backend does) answer 503 `unavailable` with Retry-After,
 * never 500 and never a crash, and the node serves again at once. Every write it acknowledged is stored.
 */
import { Client } from 'pg';
import { startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';
import { describePostgres, type PostgresServer } from '../../test/helpers/postgres';

describePostgres('on PostgreSQL', () => {
  let svc: TestService & { pg: PostgresServer };
  beforeAll(async () => {
    svc = await startTestServiceOnPostgres();
  }, 60_000);
  afterAll(() => svc?.close());

  /** Terminates every other backend of the database, the node's checked-out and idle connections alike. */
  async function terminateBackends(): Promise<number> {
    const admin = new Client({ connectionString: svc.pg.url });
    await admin.connect();
    try {
      const r = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  test('backends terminated under load: every answer is 201 or a 503 with Retry-After, the node serves after, and no acknowledged key is lost', async () => {
    const acknowledged: string[] = [];
    const answers: { status: number; body: any; headers: Record<string, unknown> }[] = [];
    for (let round = 0; round < 5; round++) {
      const load = Array.from({ length: 20 }, (_, i) =>
        svc.request({ method: 'POST', url: '/v1/api-keys', body: { name: `load-${round}-${i}` } }).then((r) => {
          answers.push(r);
          if (r.status === 201) acknowledged.push(r.body.api_key.id);
        }),
      );
      await new Promise((r) => setTimeout(r, 5 * round));
      expect(await terminateBackends()).toBeGreaterThan(0);
      await Promise.all(load);
    }
    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    expect(statuses).toEqual(statuses.filter((s) => s === 201 || s === 503));
    expect(statuses).toContain(503); // the terminations did hit requests in flight
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.body.error).toMatchObject({ code: 'unavailable' });
      expect(a.headers['retry-after']).toBe('1');
    }
    // Serves again without a restart, and every acknowledged key is there.
    let ok = 0;
    for (let i = 0; i < 20 && ok === 0; i++) {
      if ((await svc.call('GET', '/v1/whoami')).status === 200) ok++;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(1);
    for (const id of acknowledged) expect((await svc.call('GET', `/v1/api-keys/${id}`)).status).toBe(200);
  }, 60_000);

  test('the database restarted under load: no crash, 201 or 503 with Retry-After, serving again after, nothing acknowledged lost', async () => {
    const acknowledged: string[] = [];
    const statuses = new Set<number>();
    const load = Array.from({ length: 40 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 10))
        .then(() => svc.request({ method: 'POST', url: '/v1/api-keys', body: { name: `restart-${i}` } }))
        .then((r) => {
          statuses.add(r.status);
          if (r.status === 503) expect([r.body.error.code, r.headers['retry-after']]).toEqual(['unavailable', '1']);
          if (r.status === 201) acknowledged.push(r.body.api_key.id);
        }),
    );
    await new Promise((r) => setTimeout(r, 50));
    svc.pg.restart();
    await Promise.all(load);
    expect([...statuses].every((s) => s === 201 || s === 503)).toBe(true);
    let serving = false;
    for (let i = 0; i < 50 && !serving; i++) {
      serving = (await svc.call('GET', '/v1/whoami')).status === 200;
      if (!serving) await new Promise((r) => setTimeout(r, 100));
    }
    expect(serving).toBe(true);
    for (const id of acknowledged) expect((await svc.call('GET', `/v1/api-keys/${id}`)).status).toBe(200);
    // Writes work again too.
    expect((await svc.call('POST', '/v1/api-keys', { name: 'after-restart' })).status).toBe(201);
  }, 90_000);
});

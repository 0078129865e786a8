/**
 * The service's flows on a real PostgreSQL server (through test/helpers/service.ts with a databaseUrl):
 * the same key and secret flows the SQLite tests run, plus what only PostgreSQL can get wrong: migrations
 * on a second start, text-typed counts, unique violations, row locks.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { openStore } from '../../service/db/connect';
import { MIGRATION_NAMES } from '../../service/db/migrations';
import { startTestService, type TestService } from '../helpers/service';
import { describePostgres, startPostgres, type PostgresServer } from '../helpers/postgres';

describePostgres('the service on PostgreSQL', () => {
  let pg: PostgresServer;
  let svc: TestService;
  beforeAll(async () => {
    pg = await startPostgres();
    svc = await startTestService({ databaseUrl: pg.url });
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await pg?.stop();
  });

  test('stores in PostgreSQL, not SQLite', () => {
    expect(svc.ctx.store.dialect).toBe('postgres');
  });

  test('keys: create, verify, filter, revoke, delete', async () => {
    const created = await svc.call('POST', '/v1/api-keys', { name: 'pg', labels: { env: 'prod' }, expires_at: '2099-01-01T00:00:00+02:00' });
    expect(created.status).toBe(201);
    expect(created.body.api_key.expires_at).toBe('2098-12-31T22:00:00.000Z');
    expect((await svc.call('GET', '/v1/whoami', undefined, created.body.secret)).status).toBe(200);
    expect((await svc.call('GET', '/v1/api-keys?label=env=prod&status=active')).body.api_keys.map((k: any) => k.id)).toEqual([created.body.api_key.id]);
    await svc.call('POST', `/v1/api-keys/${created.body.api_key.id}/revoke`, {});
    expect((await svc.call('GET', '/v1/whoami', undefined, created.body.secret)).status).toBe(401);
    expect((await svc.call('GET', '/v1/api-keys?status=revoked')).body.api_keys).toHaveLength(1);
    expect((await svc.call('DELETE', `/v1/api-keys/${created.body.api_key.id}`)).status).toBe(204);
  });

  test('unique names conflict with 409, not 500', async () => {
    expect((await svc.call('POST', '/v1/service-accounts', { name: 'dup' })).status).toBe(201);
    const again = await svc.call('POST', '/v1/service-accounts', { name: 'dup' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_exists', field: 'name' });
  });

  test('20 parallel secret writers lose nothing (row lock)', async () => {
    const id = (await svc.call('POST', '/v1/secrets', { name: 'pg-parallel' })).body.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { [`e${i}`]: `v${i}` } })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const latest = (await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body;
    expect(latest.version).toBe(20);
    expect(Object.keys(latest.entries)).toHaveLength(20);
  });

  test('verification over the API: valid, then revoked, with the key identity', async () => {
    const created = (await svc.call('POST', '/v1/api-keys', { name: 'pg-verify', role: 'viewer' })).body;
    expect((await svc.call('POST', '/v1/keys/verify', { key: created.secret, client_ip: '192.0.2.1' })).body).toMatchObject({
      valid: true,
      key_id: created.api_key.id,
      name: 'pg-verify',
      role: 'viewer',
      scopes: [],
    });
    expect((await svc.call('POST', `/v1/api-keys/${created.api_key.id}/revoke`, { reason: 'rotated' })).body).toMatchObject({ revoke_reason: 'rotated' });
    expect((await svc.call('POST', '/v1/keys/verify', { key: created.secret })).body).toMatchObject({
      valid: false,
      reason: 'revoked',
      key_id: created.api_key.id,
    });
    // The last-used record of the successful verification reached PostgreSQL.
    await svc.ctx.lastUsed.flush();
    expect((await svc.call('GET', `/v1/api-keys/${created.api_key.id}`)).body).toMatchObject({ last_used_ip: '127.0.0.1', last_used_claimed_ip: '192.0.2.1' });
  });

  test('secrets: versions merge, remove, check-and-set, destroy', async () => {
    const secret = (await svc.call('POST', '/v1/secrets', { name: 'pg-secret', description: 'on postgres' })).body;
    expect(secret).toMatchObject({ name: 'pg-secret', latest_version: 0 });
    const v1 = await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { user: 'app', password: 'hunter2' }, expected_version: 0 });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, written: ['password', 'user'], entry_count: 2 });
    const v2 = await svc.call('POST', `/v1/secrets/${secret.id}/versions`, {
      entries: { password: 'correct horse' },
      remove_entries: ['user'],
      expected_version: 1,
    });
    expect(v2.body.version).toBe(2);
    const stale = await svc.call('POST', `/v1/secrets/${secret.id}/versions`, { entries: { x: 'y' }, expected_version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_mismatch');
    expect((await svc.call('GET', `/v1/secrets/${secret.id}/versions/latest`)).body).toMatchObject({ version: 2, entries: { password: 'correct horse' } });
    expect((await svc.call('GET', `/v1/secrets/${secret.id}/versions/1`)).body.entries).toEqual({ user: 'app', password: 'hunter2' });
    expect((await svc.call('POST', `/v1/secrets/${secret.id}/versions/1/destroy`, {})).body.destroyed_at).not.toBeNull();
    expect(
      (await svc.call('GET', `/v1/secrets/${secret.id}/versions`)).body.versions.map((v: { version: number; destroyed_at: string | null }) => [
        v.version,
        v.destroyed_at !== null,
      ]),
    ).toEqual([
      [2, false],
      [1, true],
    ]);
    expect((await svc.call('GET', `/v1/secrets/${secret.id}`)).body.latest_version).toBe(2);
    // Sealed at rest: the value is not in the table.
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const rows = await client.query('select value_sealed from secret_entries where secret_id = $1', [secret.id]);
      expect(rows.rows).toHaveLength(3);
      expect(rows.rows.map((r) => String(r.value_sealed)).join('')).not.toMatch(/correct horse|hunter2/);
    } finally {
      await client.end();
    }
  });

  test('paging through 120 keys in id order, and the audit log of what happened', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await svc.call('POST', '/v1/api-keys', { name: `page-${String(i).padStart(3, '0')}` })).body.api_key.id);
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const res: { body: { api_keys: { id: string }[]; next_page_token: string | null } } = await svc.call(
        'GET',
        `/v1/api-keys?name_prefix=page-&page_size=50${token ? `&page_token=${token}` : ''}`,
      );
      seen.push(...res.body.api_keys.map((k) => k.id));
      token = res.body.next_page_token;
    } while (token);
    expect(seen).toEqual(ids);
    const audit = (await svc.call('GET', '/v1/audit-events?action=api_key.create&page_size=5')).body.audit_events;
    expect(audit.map((e: { target_id: string }) => e.target_id)).toEqual(ids.slice(-5).reverse());
  });

  test('a second start finds the schema migrated and the data in place', async () => {
    const again = await openStore({ databaseUrl: pg.url });
    try {
      const migrations = await again.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      // Every migration the code has, and the ones that predate this test by name (none lost or renamed).
      const names = migrations.map((m) => (m as { name: string }).name);
      expect(names).toEqual(MIGRATION_NAMES);
      expect(names.slice(0, 8)).toEqual([
        '0001_initial',
        '0002_last_used_claimed_ip',
        '0003_created_by_key',
        '0004_service_account_owners',
        '0005_key_rate_limits',
        '0006_key_delivery_and_rotation',
        '0007_secret_entries',
        '0008_key_creation_idempotency_key',
      ]);
      const admins = await again.db.selectFrom('users').select(['email', 'role']).where('role', '=', 'admin').execute();
      expect(admins).toEqual([{ email: 'admin@example.com', role: 'admin' }]);
    } finally {
      await again.close();
    }
  });

  test('the server runs as an unprivileged user, on loopback, with its socket in the temp dir', async () => {
    const pid = readFileSync(join(pg.dir, 'data', 'postmaster.pid'), 'utf8')
      .split('\n')[0]!
      .trim();
    const user = spawnSync('ps', ['-o', 'user=', '-p', pid], { encoding: 'utf8' }).stdout.trim();
    if (process.getuid?.() === 0) expect(['postgres', 'nobody']).toContain(user);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const settings = await client.query(
        "select current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets, current_setting('port') as port",
      );
      expect(settings.rows[0]).toEqual({ listen: '127.0.0.1', sockets: pg.dir, port: String(pg.port) });
    } finally {
      await client.end();
    }
  });
});

/**
 * Keys whose secret an earlier provider wrote into the secret store itself (the key row records no delivered
 * entry): the conversion at start (service/secrets/convert.ts) finds each key's secret among the live values of
 * the latest version and records that entry on the key, so deleting the key (what `terraform destroy` does)
 * takes the entry out of the latest version and leaves the other entries. On SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { displayPrefix, generateKey } from '../../contract/key-format';
import { type PostgresServer, describePostgres, describeSqlite, startPostgres } from '../../test/helpers/postgres';
import { buildApp } from '../app';
import { KeyHasher } from '../auth/key-hash';
import { initialise } from '../bootstrap';
import { createContext } from '../context';
import { SealedBox } from '../crypto/sealed-box';
import { migrateTo } from '../db/migrations';
import { newId } from '../ids';
import { DELIVERED_ENTRY_HEADER } from '../keys/delivery';
import { convertSecretSnapshots } from './convert';

const T = '2026-01-01T00:00:00.000Z';

interface OldData {
  secrets: { deploy: string; elsewhere: string };
  keys: { legacy: string; replaced: string; delivered: string; rotated: string };
}

/**
 * A store at 0006 as an earlier provider left it: it wrote keys' secrets into "deploy" itself (so no key row
 * records a delivered entry), version by version, as sealed snapshots.
 */
async function seedOldStore(db: Kysely<any>, masterKey: Buffer): Promise<OldData> {
  await migrateTo(db, '0006_key_delivery_and_rotation');
  const box = new SealedBox(masterKey);
  const hasher = new KeyHasher(masterKey);
  const plain = { legacy: generateKey(), replaced: generateKey(), delivered: generateKey(), rotatedOld: generateKey(), rotatedNew: generateKey() };
  const secrets = { deploy: newId('secret'), elsewhere: newId('secret') };
  await db
    .insertInto('users')
    .values({ id: 'usr_old', email: 'old@example.com', name: 'Old', role: 'developer', disabled: 0, created_at: T, updated_at: T })
    .execute();
  const history: Record<string, Record<string, string>[]> = {
    [secrets.deploy]: [
      { other: 'kept', d_key: plain.rotatedOld },
      // The earlier provider's writes: legacy to api_key, replaced to b_key.
      { other: 'kept', d_key: plain.rotatedOld, api_key: plain.legacy, b_key: plain.replaced },
      // b_key then took another value (replaced's secret is no longer live); c_key holds a key the service delivered elsewhere.
      { other: 'kept', d_key: plain.rotatedOld, api_key: plain.legacy, b_key: 'not-a-key-value', c_key: plain.delivered },
    ],
    [secrets.elsewhere]: [{ api_key: 'elsewhere-value' }],
  };
  for (const [id, versions] of Object.entries(history)) {
    await db
      .insertInto('secrets')
      .values({
        id,
        name: id,
        description: '',
        owner_type: 'user',
        owner_id: 'usr_old',
        created_by: 'usr_old',
        latest_version: versions.length,
        created_at: T,
        updated_at: T,
      })
      .execute();
    for (const [i, entries] of versions.entries()) {
      await db
        .insertInto('secret_versions')
        .values({
          secret_id: id,
          version: i + 1,
          entries_sealed: box.seal(JSON.stringify(entries), `${id}#${i + 1}`),
          entry_keys: JSON.stringify(Object.keys(entries).sort()),
          created_by: 'usr_old',
          created_at: T,
          destroyed_at: null,
        })
        .execute();
    }
  }
  const key = (name: string, secret: string, extra: Record<string, unknown> = {}) => ({
    id: newId('apiKey'),
    name,
    description: '',
    owner_type: 'user',
    owner_id: 'usr_old',
    created_by: 'usr_old',
    role: 'developer',
    scopes: '[]',
    labels: '{}',
    expires_at: null,
    key_hash: hasher.hash(secret),
    display_prefix: displayPrefix(secret),
    created_at: T,
    updated_at: T,
    revoked_at: null,
    revoke_reason: null,
    last_used_at: null,
    last_used_ip: null,
    created_by_key: null,
    delivered_secret_id: null,
    delivered_entry_key: null,
    delivered_version: null,
    secret_version: 1,
    rotated_at: null,
    previous_key_hash: null,
    previous_display_prefix: null,
    previous_secret_expires_at: null,
    ...extra,
  });
  const rows = {
    legacy: key('legacy', plain.legacy),
    replaced: key('replaced', plain.replaced),
    delivered: key('delivered', plain.delivered, { delivered_secret_id: secrets.elsewhere, delivered_entry_key: 'api_key', delivered_version: 1 }),
    // Rotated with its secret in the response: the previous secret, still working, is the one in d_key.
    rotated: key('rotated', plain.rotatedNew, {
      secret_version: 2,
      rotated_at: T,
      previous_key_hash: hasher.hash(plain.rotatedOld),
      previous_display_prefix: displayPrefix(plain.rotatedOld),
      previous_secret_expires_at: '2999-01-01T00:00:00.000Z',
    }),
  };
  for (const row of Object.values(rows)) await db.insertInto('api_keys').values(row).execute();
  return { secrets, keys: { legacy: rows.legacy.id, replaced: rows.replaced.id, delivered: rows.delivered.id, rotated: rows.rotated.id } };
}

type Open = () => Promise<{ db: Kysely<any>; options: { databaseUrl?: string; sqlitePath?: string }; done(): Promise<void> }>;

function deliveredTests(open: Open) {
  test("an old key's secret live in the latest version is recorded as delivered there; deleting the key removes that entry and keeps the others", async () => {
    const masterKey = randomBytes(32);
    const store = await open();
    const closers: (() => Promise<void>)[] = [];
    try {
      const old = await seedOldStore(store.db, masterKey);
      await store.db.destroy();
      const start = async () => {
        const ctx = await createContext({ ...store.options, masterKey });
        const app = await buildApp(ctx);
        const close = async () => {
          await app.close();
          await ctx.close();
        };
        closers.push(close);
        return { ctx, app, close };
      };
      const delivered = async (ctx: Awaited<ReturnType<typeof start>>['ctx']) => {
        const rows = await ctx.store.db.selectFrom('api_keys').select(['id', 'delivered_secret_id', 'delivered_entry_key', 'delivered_version']).execute();
        const by = new Map(rows.map((r) => [r.id, [r.delivered_secret_id, r.delivered_entry_key, r.delivered_version]]));
        return Object.fromEntries(Object.entries(old.keys).map(([name, id]) => [name, by.get(id)]));
      };
      const expected = {
        // api_key took legacy's secret in version 2; version 3 kept it, so 2 is the version it was set in.
        legacy: [old.secrets.deploy, 'api_key', 2],
        // Its value in b_key was replaced: not the key's current delivery.
        replaced: [null, null, null],
        // Already recorded by the service: untouched, though its secret is also in c_key.
        delivered: [old.secrets.elsewhere, 'api_key', 1],
        // Matched by its previous secret.
        rotated: [old.secrets.deploy, 'd_key', 1],
      };

      const a = await start();
      expect(await delivered(a.ctx)).toEqual(expected);
      await a.close();
      // A second start changes nothing.
      const b = await start();
      expect(await convertSecretSnapshots(b.ctx)).toBe(0);
      expect(await delivered(b.ctx)).toEqual(expected);
      const admin = await initialise(b.ctx, { email: 'admin@example.com', name: 'Admin' });
      const call = (method: 'GET' | 'DELETE', url: string) => b.app.inject({ method, url, headers: { authorization: `Bearer ${admin.secret}` } });
      const latest = async () => {
        const res = await call('GET', `/v1/secrets/${old.secrets.deploy}/versions/latest`);
        expect(res.statusCode).toBe(200);
        const v = JSON.parse(res.body);
        return { version: v.version, entry_keys: v.entry_keys };
      };
      expect(await latest()).toEqual({ version: 3, entry_keys: ['api_key', 'b_key', 'c_key', 'd_key', 'other'] });

      const del = async (id: string) => {
        const res = await call('DELETE', `/v1/api-keys/${id}`);
        expect(res.statusCode).toBe(204);
        return res.headers[DELIVERED_ENTRY_HEADER.toLowerCase()];
      };
      expect(await del(old.keys.legacy)).toBe(`removed; secret=${old.secrets.deploy}; entry=api_key; version=4`);
      expect(await latest()).toEqual({ version: 4, entry_keys: ['b_key', 'c_key', 'd_key', 'other'] });
      // The other entries keep their values.
      const v4 = JSON.parse((await call('GET', `/v1/secrets/${old.secrets.deploy}/versions/4`)).body);
      expect([v4.entries.other, v4.entries.b_key]).toEqual(['kept', 'not-a-key-value']);
      // No delivered entry: the secret is left as it is.
      expect(await del(old.keys.replaced)).toBeUndefined();
      expect(await latest()).toEqual({ version: 4, entry_keys: ['b_key', 'c_key', 'd_key', 'other'] });
      expect(await del(old.keys.rotated)).toBe(`removed; secret=${old.secrets.deploy}; entry=d_key; version=5`);
      expect(await latest()).toEqual({ version: 5, entry_keys: ['b_key', 'c_key', 'other'] });
    } finally {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await store.done();
    }
  });
}

describeSqlite('on SQLite', () => {
  deliveredTests(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-convert-delivered-'));
    const sqlitePath = join(dir, 'keyplane.db');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(sqlitePath) }) });
    return { db, options: { sqlitePath }, done: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

describePostgres('on PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.stop());
  deliveredTests(async () => {
    const name = 'convert_delivered';
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = pg.url.replace(/\/keyplane$/, `/${name}`);
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 2 }) }) });
    return { db, options: { databaseUrl: url }, done: async () => undefined };
  });
});

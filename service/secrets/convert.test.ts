/**
 * A data dir made before the entry model (migration 0006, sealed snapshots in secret_versions) is converted at
 * start (service/secrets/convert.ts): every version reads as before, destroyed versions still show no values,
 * a second start converts nothing, and writes continue from the converted latest. On SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { type PostgresServer, describePostgres, describeSqlite, startPostgres } from '../../test/helpers/postgres';
import { buildApp } from '../app';
import { initialise } from '../bootstrap';
import { type ServiceContext, createContext } from '../context';
import { SealedBox } from '../crypto/sealed-box';
import { migrateTo } from '../db/migrations';
import { newId } from '../ids';
import { convertSecretSnapshots } from './convert';

const T = '2026-01-01T00:00:00.000Z';

/** Old snapshots, version by version; null is a destroyed version (its names known, its values gone). */
type Snapshot = Record<string, string> | { destroyed: string[] };
const HISTORIES: Record<string, Snapshot[]> = {
  app: [
    { user: 'app', password: 'hunter2-old-value' },
    { user: 'app', password: 'correct-horse-value', host: 'db1' },
    { destroyed: ['host', 'password', 'user'] },
    { user: 'app', password: 'correct-horse-value', host: 'db3' },
    { user: 'app' },
  ],
  // More entries than the old read allowed (it refused over 256).
  wide: [Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key_${i}`, `wide-value-${i}`]))],
  // The latest was destroyed; the old model carried nothing over from it.
  emptied: [{ token: 'leaked-token-value' }, { destroyed: ['token'] }, { fresh: 'after-destroy' }],
};
const PLAINTEXTS = ['hunter2-old-value', 'correct-horse-value', 'wide-value-299', 'leaked-token-value'];

/** Brings `db` to 0006 and writes the secrets of HISTORIES as that version stored them; returns their ids. */
async function seedOldStore(db: Kysely<any>, masterKey: Buffer): Promise<Record<string, string>> {
  await migrateTo(db, '0006_key_delivery_and_rotation');
  const box = new SealedBox(masterKey);
  const ids: Record<string, string> = {};
  for (const [name, history] of Object.entries(HISTORIES)) {
    const id = newId('secret');
    ids[name] = id;
    await db
      .insertInto('secrets')
      .values({
        id,
        name,
        description: '',
        owner_type: 'user',
        owner_id: 'usr_old',
        created_by: 'usr_old',
        latest_version: history.length,
        created_at: T,
        updated_at: T,
      })
      .execute();
    for (const [i, snap] of history.entries()) {
      const version = i + 1;
      const destroyed = 'destroyed' in snap && Array.isArray(snap.destroyed);
      const names = destroyed ? (snap.destroyed as string[]) : Object.keys(snap).sort();
      await db
        .insertInto('secret_versions')
        .values({
          secret_id: id,
          version,
          entries_sealed: destroyed ? null : box.seal(JSON.stringify(snap), `${id}#${version}`),
          entry_keys: JSON.stringify(names),
          created_by: 'usr_old',
          created_at: T,
          destroyed_at: destroyed ? T : null,
        })
        .execute();
    }
  }
  return ids;
}

interface Started {
  ctx: ServiceContext;
  app: FastifyInstance;
  key: string;
  close(): Promise<void>;
}

function storeTests(open: () => Promise<{ db: Kysely<any>; options: { databaseUrl?: string; sqlitePath?: string }; dir?: string; done(): Promise<void> }>) {
  let started: Started[] = [];
  afterEach(async () => {
    for (const s of started) await s.close();
    started = [];
  });

  test('every version of every secret reads as before; a second start converts nothing; writes continue', async () => {
    const masterKey = randomBytes(32);
    const store = await open();
    try {
      const ids = await seedOldStore(store.db, masterKey);
      await store.db.destroy();
      const start = async (first: boolean): Promise<Started> => {
        const ctx = await createContext({ ...store.options, masterKey });
        const key = first ? (await initialise(ctx, { email: 'admin@example.com', name: 'Admin' })).secret : '';
        const app = await buildApp(ctx);
        const close = async () => {
          await app.close();
          await ctx.close();
        };
        const s = { ctx, app, key, close };
        started.push(s);
        return s;
      };
      const a = await start(true);
      const get = async (s: Started, url: string) => {
        const res = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${a.key}` } });
        expect([url, res.statusCode]).toEqual([url, 200]);
        return JSON.parse(res.body);
      };
      const expectAsBefore = async (s: Started) => {
        for (const [name, history] of Object.entries(HISTORIES)) {
          const id = ids[name]!;
          for (const [i, snap] of history.entries()) {
            const v = await get(s, `/v1/secrets/${id}/versions/${i + 1}`);
            const destroyed = 'destroyed' in snap && Array.isArray(snap.destroyed);
            const names = destroyed ? (snap.destroyed as string[]) : Object.keys(snap).sort();
            expect([name, i + 1, v.entries, v.entry_keys, v.destroyed_entries, v.destroyed_at !== null, v.entry_count]).toEqual([
              name,
              i + 1,
              destroyed ? {} : snap,
              names,
              destroyed ? names : [],
              destroyed,
              names.length,
            ]);
          }
          expect((await get(s, `/v1/secrets/${id}/versions/latest`)).version).toBe(history.length);
          const listed = (await get(s, `/v1/secrets/${id}/versions?page_size=200`)).versions;
          expect(listed.map((v: { version: number }) => v.version)).toEqual(history.map((_, i) => history.length - i));
        }
      };
      await expectAsBefore(a);
      // What each version changed, as the converted metadata says it.
      const app = (await get(a, `/v1/secrets/${ids.app}/versions?page_size=200`)).versions.reverse();
      expect(app.map((v: { written: string[]; removed: string[] }) => [v.written, v.removed])).toEqual([
        [['password', 'user'], []],
        [['host', 'password'], []],
        [['host', 'password', 'user'], []],
        [['host', 'password', 'user'], []],
        [[], ['host', 'password']],
      ]);
      expect(await get(a, `/v1/secrets/${ids.wide}`)).toMatchObject({ entry_count: 300, latest_version: 1 });
      expect(await a.ctx.store.db.selectFrom('secret_snapshots').selectAll().execute()).toEqual([]);
      await a.close();
      started = [];

      // A second start: nothing left to convert, every read the same.
      const b = await start(false);
      expect(await convertSecretSnapshots(b.ctx)).toBe(0);
      await expectAsBefore(b);
      // Writes go on from the converted latest, and destroying a converted version erases what it set.
      const w = await b.app.inject({
        method: 'POST',
        url: `/v1/secrets/${ids.app}/versions`,
        headers: { authorization: `Bearer ${a.key}` },
        payload: { entries: { password: 'new-password-value' } },
      });
      expect([w.statusCode, JSON.parse(w.body).version]).toEqual([201, 6]);
      expect((await get(b, `/v1/secrets/${ids.app}/versions/latest`)).entries).toEqual({ user: 'app', password: 'new-password-value' });
      expect((await get(b, `/v1/secrets/${ids.emptied}/versions/latest`)).entries).toEqual({ fresh: 'after-destroy' });
      const secretRow = await b.ctx.store.db.selectFrom('secrets').select(['live_entries', 'live_bytes']).where('id', '=', ids.app).executeTakeFirstOrThrow();
      expect(secretRow).toEqual({ live_entries: 2, live_bytes: 'user'.length + 'app'.length + 'password'.length + 'new-password-value'.length });
      await b.close();
      started = [];
      // No old value in the clear anywhere in a SQLite store's files.
      if (store.dir) {
        const bytes = Buffer.concat(readdirSync(store.dir).map((f) => readFileSync(join(store.dir!, f))));
        expect(bytes.includes(Buffer.from('usr_old'))).toBe(true); // the scan sees the database
        for (const p of PLAINTEXTS) expect([p, bytes.includes(Buffer.from(p))]).toEqual([p, false]);
      }
    } finally {
      await store.done();
    }
  });
}

describeSqlite('on SQLite', () => {
  storeTests(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-convert-'));
    const sqlitePath = join(dir, 'keyplane.db');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(sqlitePath) }) });
    return { db, options: { sqlitePath }, dir, done: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

describePostgres('on PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.stop());
  let databases = 0;
  /** A fresh database on the server, so that each test starts from an empty store. */
  const freshDatabase = async () => {
    const name = `convert_${++databases}`;
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return pg.url.replace(/\/keyplane$/, `/${name}`);
  };
  storeTests(async () => {
    const url = await freshDatabase();
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 2 }) }) });
    return { db, options: { databaseUrl: url }, done: async () => undefined };
  });

  test('two nodes starting at once convert each secret once', async () => {
    const url = await freshDatabase();
    const masterKey = randomBytes(32);
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 2 }) }) });
    const ids = await seedOldStore(db, masterKey);
    await db.destroy();
    const nodes = await Promise.all([createContext({ databaseUrl: url, masterKey }), createContext({ databaseUrl: url, masterKey })]);
    try {
      const rows = await nodes[0].store.db
        .selectFrom('secret_versions')
        .select(['secret_id', 'version'])
        .where('secret_id', '=', ids.app!)
        .orderBy('version')
        .execute();
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
      const live = await nodes[1].store.db
        .selectFrom('secret_entries')
        .select('entry_key')
        .where('secret_id', '=', ids.wide!)
        .where('ended_in_version', 'is', null)
        .execute();
      expect(live).toHaveLength(300);
      expect(await nodes[0].store.db.selectFrom('secret_snapshots').selectAll().execute()).toEqual([]);
    } finally {
      for (const n of nodes) await n.close();
    }
  });
});

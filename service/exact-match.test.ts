/**
 * The exact text filters give the same answers on SQLite and PostgreSQL: case matters, and LIKE's wildcards
 * and escape character are plain characters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from './db/connect';
import { containsText, startsWith } from './exact-match';
import { describePostgres, describeSqlite, startPostgres, type PostgresServer } from '../test/helpers/postgres';

const NAMES = ['ci_deploy', 'cixdeploy', 'CI_build', 'ci%', 'ci%x', 'ci\\x', 'ciné-1', 'cine', '日本_語', 'a"b', "o'k"];

function matchTests(open: () => Promise<Store>, close: () => Promise<void> = async () => undefined) {
  let store: Store;
  beforeAll(async () => {
    store = await open();
    const now = new Date().toISOString();
    await store.db
      .insertInto('scopes')
      .values(NAMES.map((name) => ({ name, description: `<${name}>`, builtin: 0, created_at: now })))
      .execute();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await close();
  });

  const prefixed = async (prefix: string) =>
    (await store.db.selectFrom('scopes').select('name').where(startsWith('name', prefix)).execute()).map((r) => r.name).sort();
  const containing = async (text: string) =>
    (await store.db.selectFrom('scopes').select('name').where(containsText('description', text)).execute()).map((r) => r.name).sort();
  const expected = (f: (n: string) => boolean) => NAMES.filter(f).sort();

  test.each(['ci_', 'ci', 'CI', 'ci%', 'ci\\', 'ciné', 'cine', '日本_', '日本%', 'a"', "o'", 'x'])('startsWith %j', async (prefix) => {
    expect(await prefixed(prefix)).toEqual(expected((n) => n.startsWith(prefix)));
  });

  test.each(['_', '%', '\\', 'I_', 'i_d', 'né-', '本_語>', '"b>', "'k", '<ci%>'])('containsText %j', async (text) => {
    expect(await containing(text)).toEqual(expected((n) => `<${n}>`.includes(text)));
  });
}

describeSqlite('on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-match-'));
  matchTests(
    () => openStore({ sqlitePath: join(dir, 'match.db') }),
    async () => rmSync(dir, { recursive: true, force: true }),
  );
});

describePostgres('on PostgreSQL', () => {
  let pg: PostgresServer;
  matchTests(
    async () => {
      pg = await startPostgres();
      return openStore({ databaseUrl: pg.url });
    },
    async () => pg?.stop(),
  );
});

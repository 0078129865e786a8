/**
 * The entry model (service/secrets/store.ts): each entry value lives over a range of versions, so a secret
 * holds thousands of entries, removing an entry writes a version without it, destroying a version takes away
 * only the values it wrote, and every limit is checked at write (a write never succeeds that a read refuses).
 */
import type { FastifyRequest } from 'fastify';
import { LIMITS } from '../../contract/limits';
import { describePostgres, describeSqlite } from '../../test/helpers/postgres';
import { startTestService, startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';
import { inTransaction } from '../db/transaction';
import { removeEntryIfWrittenIn, utf8Bytes, writeEntries } from './store';

const LIMIT = LIMITS.secretEntries;

let svc: TestService;

let n = 0;
const create = async () => (await svc.call('POST', '/v1/secrets', { name: `entries-${++n}` })).body.id as string;
const write = (id: string, body: Record<string, unknown>) => svc.call('POST', `/v1/secrets/${id}/versions`, body);
const read = async (id: string, v: number | 'latest' = 'latest') => {
  const res = await svc.call('GET', `/v1/secrets/${id}/versions/${v}`);
  expect([res.status, res.body.error]).toEqual([200, undefined]);
  return res.body;
};
const range = (count: number, f: (i: number) => [string, string]) => Object.fromEntries(Array.from({ length: count }, (_, i) => f(i)));

/** The secret row's live count and bytes, and the same recomputed from the entry rows. */
async function accounting(id: string) {
  const db = svc.ctx.store.db;
  const secret = await db.selectFrom('secrets').select(['live_entries', 'live_bytes']).where('id', '=', id).executeTakeFirstOrThrow();
  const live = await db
    .selectFrom('secret_entries')
    .select(['entry_key', 'value_bytes'])
    .where('secret_id', '=', id)
    .where('ended_in_version', 'is', null)
    .execute();
  return { stored: secret, recomputed: { live_entries: live.length, live_bytes: live.reduce((s, r) => s + utf8Bytes(r.entry_key) + r.value_bytes, 0) } };
}

function entryTests(start: () => Promise<TestService>) {
  beforeAll(async () => {
    svc = await start();
  });
  afterAll(() => svc.close());

  test('300 entries written one version each: latest reads all 300', async () => {
    const id = await create();
    for (let i = 0; i < 300; i++) expect((await write(id, { entries: { [`key_${i}`]: `value-${i}` } })).status).toBe(201);
    const latest = await read(id);
    expect(latest.version).toBe(300);
    expect(latest.entries).toEqual(range(300, (i) => [`key_${i}`, `value-${i}`]));
    expect(latest.entry_keys).toHaveLength(300);
    // Each version holds what was written up to it.
    expect((await read(id, 150)).entries).toEqual(range(150, (i) => [`key_${i}`, `value-${i}`]));
  });

  describe('N writers of different entries into one secret', () => {
    test('one entry removed: every other entry is in latest, and older versions still show it', async () => {
      const id = await create();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => write(id, { entries: { [`key_${i}`]: `value-${i}` } })));
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
      const removal = await write(id, { remove_entries: ['key_5'] });
      expect(removal.body).toMatchObject({ version: 13, written: [], removed: ['key_5'], entry_count: 11, destroyed_at: null });
      const { key_5: removed, ...others } = range(12, (i) => [`key_${i}`, `value-${i}`]);
      expect((await read(id)).entries).toEqual(others);
      // Removing destroyed nothing: the version before still reads the removed value.
      expect((await read(id, 12)).entries).toEqual({ ...others, key_5: removed });
      // The next writer starts from the latest, not from nothing.
      await write(id, { entries: { late: 'x' } });
      expect((await read(id)).entries).toEqual({ ...others, late: 'x' });
    });

    test('destroying the latest version takes away only the value it wrote; latest keeps every other live entry', async () => {
      const id = await create();
      for (let i = 0; i < 5; i++) await write(id, { entries: { [`key_${i}`]: `value-${i}` } });
      const destroyed = await svc.call('POST', `/v1/secrets/${id}/versions/5/destroy`, {});
      expect([destroyed.status, destroyed.body]).toEqual([
        200,
        expect.objectContaining({ version: 5, written: ['key_4'], destroyed_at: expect.any(String), destroyed_entries: ['key_4'] }),
      ]);
      const latest = await read(id);
      expect(latest).toMatchObject({ version: 5, entries: range(4, (i) => [`key_${i}`, `value-${i}`]), destroyed_entries: ['key_4'] });
      expect(JSON.stringify(latest)).not.toContain('value-4');
      // A later write carries every live entry over, and may write the destroyed name anew.
      await write(id, { entries: { key_4: 'fresh' } });
      expect((await read(id)).entries).toEqual({ ...range(4, (i) => [`key_${i}`, `value-${i}`]), key_4: 'fresh' });
      expect((await read(id)).destroyed_entries).toEqual([]);
      expect((await accounting(id)).stored).toEqual((await accounting(id)).recomputed);
    });

    test('destroying an older version erases its values from every version showing them, and nothing else', async () => {
      const id = await create();
      await write(id, { entries: { a: 'a1', b: 'b1' } }); // 1
      await write(id, { entries: { c: 'c2' } }); // 2
      await write(id, { entries: { a: 'a3' } }); // 3: a overwritten, b (from 1) still live
      const d = (await svc.call('POST', `/v1/secrets/${id}/versions/1/destroy`, {})).body;
      expect(d.destroyed_entries).toEqual(['a', 'b']);
      expect(await read(id, 1)).toMatchObject({ entries: {}, entry_keys: ['a', 'b'], destroyed_entries: ['a', 'b'] });
      expect(await read(id, 2)).toMatchObject({ entries: { c: 'c2' }, destroyed_entries: ['a', 'b'] });
      expect(await read(id, 3)).toMatchObject({ entries: { a: 'a3', c: 'c2' }, destroyed_entries: ['b'], destroyed_at: null });
      const rows = await svc.ctx.store.db.selectFrom('secret_entries').selectAll().where('secret_id', '=', id).where('set_in_version', '=', 1).execute();
      expect(rows.map((r) => [r.entry_key, r.value_sealed])).toEqual([
        ['a', null],
        ['b', null],
      ]);
      expect((await accounting(id)).stored).toEqual((await accounting(id)).recomputed);
    });
  });

  describe('limits, checked at write and naming the field', () => {
    test(`${LIMIT.perSecret} live entries are accepted and read back; one more is a 400 at entries`, async () => {
      const id = await create();
      const per = 250;
      for (let w = 0; w < LIMIT.perSecret / per; w++) {
        const res = await write(id, { entries: range(per, (i) => [`e${w * per + i}`, `v${w * per + i}`]) });
        expect(res.status).toBe(201);
      }
      const over = await write(id, { entries: { one_more: 'x' } });
      expect([over.status, over.body.error.code, over.body.error.field]).toEqual([400, 'invalid_argument', 'entries']);
      expect(over.body.error.message).toMatch(new RegExp(`at most ${LIMIT.perSecret} entries`));
      // Overwriting and removing still work at the limit; a removal makes room.
      expect((await write(id, { entries: { e0: 'new' } })).status).toBe(201);
      expect((await write(id, { remove_entries: ['e1'], entries: { one_more: 'x' } })).status).toBe(201);
      const latest = await svc.call('GET', `/v1/secrets/${id}/versions/latest`);
      expect(latest.status).toBe(200);
      expect(Object.keys(latest.body.entries)).toHaveLength(LIMIT.perSecret);
      expect((await svc.call('GET', `/v1/secrets/${id}`)).body).toMatchObject({ entry_count: LIMIT.perSecret });
    });

    test(`${LIMIT.bytesPerSecret} bytes of names and values are accepted, and the largest read stays under the client's answer limit`, async () => {
      const id = await create();
      // Control characters: JSON escapes each as 6 bytes, the worst case for the answer's size.
      const value = '\u0001'.repeat(LIMIT.valueMax);
      let bytes = 0;
      let i = 0;
      while (bytes + 8 + LIMIT.valueMax <= LIMIT.bytesPerSecret) {
        const batch: Record<string, string> = {};
        // Two a write: escaped, each value is 384 KiB of the 1 MiB request body.
        for (let k = 0; k < 2 && bytes + 8 + LIMIT.valueMax <= LIMIT.bytesPerSecret; k++, i++) {
          const name = `big_${String(i).padStart(4, '0')}`;
          batch[name] = value;
          bytes += utf8Bytes(name) + LIMIT.valueMax;
        }
        expect((await write(id, { entries: batch })).status).toBe(201);
      }
      const rest = LIMIT.bytesPerSecret - bytes - 'fill'.length;
      expect((await write(id, { entries: { fill: 'x'.repeat(rest) } })).status).toBe(201);
      expect((await svc.call('GET', `/v1/secrets/${id}`)).body.entry_bytes).toBe(LIMIT.bytesPerSecret);
      const over = await write(id, { entries: { z: 'y' } });
      expect([over.status, over.body.error.field]).toEqual([400, 'entries']);
      expect(over.body.error.message).toMatch(new RegExp(`at most ${LIMIT.bytesPerSecret} bytes`));
      // A bigger value for an existing entry counts its growth only.
      expect((await write(id, { entries: { fill: 'x'.repeat(rest + 1) } })).body.error.field).toBe('entries');
      expect((await write(id, { entries: { fill: 'x'.repeat(rest) } })).status).toBe(201);
      const res = await svc.app.inject({ method: 'GET', url: `/v1/secrets/${id}/versions/latest`, headers: { authorization: `Bearer ${svc.adminKey}` } });
      expect(res.statusCode).toBe(200);
      // client/http.ts refuses answers over 64 MiB; the largest read is well below.
      expect(res.rawPayload.length).toBeLessThan(40 * 1024 * 1024);
      expect(res.rawPayload.length).toBeGreaterThan(6 * (LIMIT.bytesPerSecret - 65536) * 0.9);
    });

    test.each([
      ['a value over the size limit', 'entries.a', () => ({ entries: { a: 'x'.repeat(LIMIT.valueMax + 1) } })],
      ['too many entries in one write', 'entries', () => ({ entries: range(LIMIT.perWrite + 1, (i) => [`e${i}`, 'v']) })],
      ['too many removals in one write', 'remove_entries', () => ({ remove_entries: Array.from({ length: LIMIT.perWrite + 1 }, (_, i) => `e${i}`) })],
    ])('%s is a 400 naming %s', async (_name, field, body) => {
      const id = await create();
      const res = await write(id, body());
      expect([res.status, res.body.error.field]).toEqual([400, field]);
    });

    test('a secret over a limit (from before the limits) may shrink but not grow', async () => {
      const id = await create();
      await write(id, { entries: { a: '1', b: '2' } });
      await svc.ctx.store.db
        .updateTable('secrets')
        .set({ live_entries: LIMIT.perSecret + 2 })
        .where('id', '=', id)
        .execute();
      expect((await write(id, { entries: { c: '3' } })).body.error.field).toBe('entries');
      expect((await write(id, { entries: { a: '9' } })).status).toBe(201);
      expect((await write(id, { remove_entries: ['b'] })).status).toBe(201);
    });

    test('a write from inside the service is held to the same limits, naming the field its caller gives', async () => {
      const id = await create();
      const attempt = (entries: Record<string, string>) =>
        inTransaction(svc.ctx, (trx) => writeEntries(svc.ctx, trx, fakeRequest(), { secretId: id, entries, entriesField: 'delivery.secret_store' }));
      await expect(attempt(range(LIMIT.perWrite + 1, (i) => [`e${i}`, 'v']))).rejects.toMatchObject({ status: 400, field: 'delivery.secret_store' });
      await svc.ctx.store.db.updateTable('secrets').set({ live_entries: LIMIT.perSecret }).where('id', '=', id).execute();
      await expect(attempt({ k: 'v' })).rejects.toMatchObject({ status: 400, field: 'delivery.secret_store' });
    });
  });

  /** What the store needs of a request: who acts, from where, under which request id. */
  function fakeRequest(): FastifyRequest {
    return { auth: { actor: { type: 'user', id: svc.adminUserId } }, ip: '127.0.0.1', id: 'req_test' } as unknown as FastifyRequest;
  }

  describe('removeEntryIfWrittenIn', () => {
    const remove = (secretId: string, entryKey: string, version: number) =>
      inTransaction(svc.ctx, (trx) => removeEntryIfWrittenIn(svc.ctx, trx, fakeRequest(), { secretId, entryKey, version }));

    test('removes the entry (a new version) only while its live value is the one set in the given version', async () => {
      const id = await create();
      await write(id, { entries: { api_key: 'first-key', other: 'o' } }); // 1
      await write(id, { entries: { api_key: 'replacement-key' } }); // 2: a replacement wrote the same entry
      expect(await remove(id, 'api_key', 1)).toBeNull();
      expect(await read(id)).toMatchObject({ version: 2, entries: { api_key: 'replacement-key', other: 'o' } });
      expect(await remove(id, 'other', 2)).toBeNull();
      expect(await remove(id, 'missing', 2)).toBeNull();
      const removed = await remove(id, 'api_key', 2);
      expect(removed).toMatchObject({ version: 3, removed: ['api_key'], written: [], entry_count: 1 });
      expect(await read(id)).toMatchObject({ version: 3, entries: { other: 'o' } });
      expect((await read(id, 2)).entries).toEqual({ api_key: 'replacement-key', other: 'o' });
      // Already removed: nothing to do.
      expect(await remove(id, 'api_key', 2)).toBeNull();
      expect((await svc.call('GET', `/v1/secrets/${id}`)).body.latest_version).toBe(3);
    });

    test('a secret that no longer exists is nothing to do', async () => {
      const id = await create();
      await write(id, { entries: { api_key: 'k' } });
      expect((await svc.call('DELETE', `/v1/secrets/${id}`)).status).toBe(204);
      expect(await remove(id, 'api_key', 1)).toBeNull();
    });
  });

  test('live count and bytes match the rows after writes, overwrites, removals, replace and destroys', async () => {
    const id = await create();
    const steps: Record<string, unknown>[] = [
      { entries: { a: 'ä', b: 'bb', c: 'ccc' } },
      { entries: { a: 'aaaa' }, remove_entries: ['b', 'nope'] },
      { entries: { d: '日本' } },
      { replace: true, entries: { e: 'e', a: 'a' } },
      { entries: { f: 'ffff' } },
    ];
    for (const [i, body] of steps.entries()) {
      expect((await write(id, body)).status).toBe(201);
      if (i === 2) await svc.call('POST', `/v1/secrets/${id}/versions/3/destroy`, {});
      const { stored, recomputed } = await accounting(id);
      expect([i, stored]).toEqual([i, recomputed]);
    }
    await svc.call('POST', `/v1/secrets/${id}/versions/5/destroy`, {});
    const { stored, recomputed } = await accounting(id);
    expect(stored).toEqual(recomputed);
    expect((await read(id)).entries).toEqual({ a: 'a', e: 'e' });
    // Every version's entry_count is the number of entries it shows.
    const versions = (await svc.call('GET', `/v1/secrets/${id}/versions`)).body.versions as { version: number; entry_count: number }[];
    for (const v of versions) expect([v.version, v.entry_count]).toEqual([v.version, (await read(id, v.version)).entry_keys.length]);
  });

  test('the version listing pages newest first; a token it did not issue is a 400 at page_token', async () => {
    const id = await create();
    for (let i = 0; i < 7; i++) await write(id, { entries: { [`k${i}`]: 'v' } });
    const seen: number[] = [];
    let token: string | null = null;
    do {
      const res = await svc.call('GET', `/v1/secrets/${id}/versions?page_size=3${token ? `&page_token=${token}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.versions.map((v: { version: number }) => v.version));
      token = res.body.next_page_token;
    } while (token);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    for (const bad of ['garbage!', Buffer.from('0').toString('base64url'), Buffer.from('99999999999').toString('base64url')]) {
      const res = await svc.call('GET', `/v1/secrets/${id}/versions?page_token=${bad}`);
      expect([bad, res.status, res.body.error.field]).toEqual([bad, 400, 'page_token']);
    }
  });

  test('reading an old version while writers overwrite its entries shows it exactly, each name once', async () => {
    const id = await create();
    const original = range(20, (i) => [`k${i}`, `original-${i}`]);
    await write(id, { entries: original });
    const [writes, reads] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => write(id, { entries: { [`k${i}`]: `overwritten-${i}` } }))),
      Promise.all(Array.from({ length: 20 }, () => svc.call('GET', `/v1/secrets/${id}/versions/1`))),
    ]);
    expect(writes.map((w) => w.status)).toEqual(Array(20).fill(201));
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(r.body.entry_keys).toEqual(Object.keys(original).sort());
      expect(r.body.entries).toEqual(original);
    }
  });

  test('parallel writers of different entries, removers and a destroyer lose nothing else', async () => {
    const id = await create();
    await write(id, { entries: range(10, (i) => [`old_${i}`, `old-${i}`]) });
    const results = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) => write(id, { entries: { [`new_${i}`]: `new-${i}` } })),
      ...Array.from({ length: 5 }, (_, i) => write(id, { remove_entries: [`old_${i}`] })),
      svc.call('POST', `/v1/secrets/${id}/versions/1/destroy`, {}),
    ]);
    expect(results.map((r) => r.status)).toEqual([...Array(29).fill(201), 200]);
    expect(
      results
        .slice(0, 29)
        .map((r) => r.body.version)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 29 }, (_, i) => i + 2));
    const latest = await read(id);
    expect(latest.version).toBe(30);
    expect(latest.entries).toEqual(range(24, (i) => [`new_${i}`, `new-${i}`]));
    // old_5..old_9 were written in version 1, which is destroyed: still listed, their values gone.
    expect(latest.destroyed_entries).toEqual(['old_5', 'old_6', 'old_7', 'old_8', 'old_9']);
    expect((await accounting(id)).stored).toEqual((await accounting(id)).recomputed);
  });
}

describeSqlite('on SQLite', () => entryTests(() => startTestService()));
describePostgres('on PostgreSQL', () => entryTests(() => startTestServiceOnPostgres()));

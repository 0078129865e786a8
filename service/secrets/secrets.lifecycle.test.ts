/**
 * The secret store beyond the basics in secrets.test.ts: names, metadata changes, deletion, destroying
 * versions, who may do each, validation of writes, and what is (not) stored and audited in the clear.
 */
import { randomBytes } from 'node:crypto';
import { LIMITS } from '../../contract/limits';
import { SealedBox } from '../crypto/sealed-box';
import { entryAad } from './store';
import { startTestService, type Person, type TestService } from '../../test/helpers/service';

let svc: TestService;
let owner: Person;
let stranger: Person;
let reader: Person;
let writer: Person;
beforeAll(async () => {
  svc = await startTestService();
  owner = await svc.person('developer');
  stranger = await svc.person('developer');
  reader = await svc.person('developer', { scopes: ['keyplane.secrets.read'] });
  writer = await svc.person('developer', { scopes: ['keyplane.secrets.write'] });
});
afterAll(() => svc.close());

let n = 0;
const create = async (key?: string, body: Record<string, unknown> = {}) => {
  const res = await svc.call('POST', '/v1/secrets', { name: `s-${++n}`, ...body }, key);
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { id: string; name: string; owner_id: string; owner_type: string; latest_version: number };
};
const write = (id: string, body: Record<string, unknown>, key?: string) => svc.call('POST', `/v1/secrets/${id}/versions`, body, key);
const latest = async (id: string) => (await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body;

describe('metadata', () => {
  test('a secret is owned by its creator, or by the service account named; its name is unique', async () => {
    const mine = await create(owner.key, { description: 'db password' });
    expect(mine).toMatchObject({ owner_type: 'user', owner_id: owner.id, latest_version: 0, description: 'db password' });
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'secret-sa', role: 'developer', manager_user_ids: [owner.id] })).body;
    expect(await create(owner.key, { service_account_id: sa.id })).toMatchObject({ owner_type: 'service_account', owner_id: sa.id });
    const dup = await svc.call('POST', '/v1/secrets', { name: mine.name }, stranger.key);
    expect([dup.status, dup.body.error]).toEqual([409, { code: 'already_exists', message: expect.any(String), field: 'name' }]);
  });

  test('PATCH renames and describes; a taken name is a 409; others may not', async () => {
    const a = await create(owner.key);
    const b = await create(owner.key);
    const renamed = await svc.call('PATCH', `/v1/secrets/${a.id}`, { name: `${a.name}-renamed` }, owner.key);
    expect(renamed.body).toMatchObject({ id: a.id, name: `${a.name}-renamed`, description: '' });
    expect((await svc.call('PATCH', `/v1/secrets/${a.id}`, { name: b.name }, owner.key)).body.error).toMatchObject({ code: 'already_exists', field: 'name' });
    for (const key of [stranger.key, writer.key, reader.key]) {
      expect((await svc.call('PATCH', `/v1/secrets/${a.id}`, { description: 'mine' }, key)).status).toBe(403);
    }
    expect((await svc.call('GET', `/v1/secrets/${a.id}`)).body).toMatchObject({ name: `${a.name}-renamed`, description: '' });
    expect((await svc.call('PATCH', `/v1/secrets/${a.id}`, { owner_id: stranger.id }, owner.key)).body.error).toMatchObject({
      code: 'invalid_argument',
      field: 'owner_id',
    });
  });

  test('delete removes the secret and every version; only the owner or an admin may', async () => {
    const s = await create(owner.key);
    await write(s.id, { entries: { a: '1' } }, owner.key);
    for (const key of [stranger.key, writer.key]) expect((await svc.call('DELETE', `/v1/secrets/${s.id}`, undefined, key)).status).toBe(403);
    expect((await svc.call('DELETE', `/v1/secrets/${s.id}`, undefined, owner.key)).status).toBe(204);
    for (const url of [`/v1/secrets/${s.id}`, `/v1/secrets/${s.id}/versions/latest`, `/v1/secrets/${s.id}/versions/1`]) {
      expect([url, (await svc.call('GET', url)).body.error.code]).toEqual([url, 'not_found']);
    }
    expect(await svc.ctx.store.db.selectFrom('secret_versions').select('version').where('secret_id', '=', s.id).execute()).toEqual([]);
    // the name is free again
    expect((await svc.call('POST', '/v1/secrets', { name: s.name }, owner.key)).status).toBe(201);
  });

  test('list and read show metadata to everyone and entries to no one', async () => {
    const s = await create(owner.key);
    await write(s.id, { entries: { token: 'metadata-only-value-91' } }, owner.key);
    const views = [
      await svc.call('GET', '/v1/secrets?page_size=200', undefined, stranger.key),
      await svc.call('GET', `/v1/secrets/${s.id}`, undefined, stranger.key),
      await svc.call('GET', `/v1/secrets/${s.id}/versions`, undefined, stranger.key),
    ];
    for (const v of views) expect(v.status).toBe(200);
    expect(views[2]!.body.versions).toEqual([
      {
        secret_id: s.id,
        version: 1,
        written: ['token'],
        removed: [],
        replaced: false,
        entry_count: 1,
        created_by: owner.id,
        created_at: expect.any(String),
        destroyed_at: null,
      },
    ]);
    expect(views[2]!.body.next_page_token).toBeNull();
    expect(JSON.stringify(views.map((v) => v.body))).not.toContain('metadata-only-value-91');
    expect((await svc.call('GET', `/v1/secrets?name=${s.name}`)).body.secrets.map((x: { id: string }) => x.id)).toEqual([s.id]);
  });
});

describe('writing versions', () => {
  test('an entry both written and removed in one write is refused', async () => {
    const s = await create(owner.key);
    const res = await write(s.id, { entries: { a: '1', b: '2' }, remove_entries: ['b'] }, owner.key);
    expect([res.status, res.body.error]).toEqual([400, { code: 'invalid_argument', message: expect.stringMatching(/"b"/), field: 'remove_entries[0]' }]);
    expect((await svc.call('GET', `/v1/secrets/${s.id}`)).body.latest_version).toBe(0);
  });

  test.each([
    ['entries not an object', { entries: 'a=1' }, 'entries'],
    ['entry name with a slash', { entries: { 'a/b': '1' } }, 'entries.a/b'],
    ['entry value over 64 KiB', { entries: { a: 'x'.repeat(65537) } }, 'entries.a'],
    [
      `more than ${LIMITS.secretEntries.perWrite} entries in one write`,
      { entries: Object.fromEntries(Array.from({ length: LIMITS.secretEntries.perWrite + 1 }, (_, i) => [`e${i}`, 'v'])) },
      'entries',
    ],
    [
      `more than ${LIMITS.secretEntries.perWrite} removals in one write`,
      { remove_entries: Array.from({ length: LIMITS.secretEntries.perWrite + 1 }, (_, i) => `e${i}`) },
      'remove_entries',
    ],
    ['negative expected_version', { expected_version: -1 }, 'expected_version'],
    ['fractional expected_version', { expected_version: 1.5 }, 'expected_version'],
    ['expected_version as text', { expected_version: '0' }, 'expected_version'],
    ['repeated removal', { remove_entries: ['a', 'a'] }, 'remove_entries'],
    ['replace as text', { replace: 'true' }, 'replace'],
    ['unknown field', { entries: { a: '1' }, merge: true }, 'merge'],
  ])('%s names %s and writes no version', async (_name, body, field) => {
    const s = await create(owner.key);
    const res = await write(s.id, body, owner.key);
    expect([res.status, res.body.error?.code, res.body.error?.field]).toEqual([400, 'invalid_argument', field]);
    expect((await svc.call('GET', `/v1/secrets/${s.id}`)).body.latest_version).toBe(0);
  });

  test('an entry name in a 400 is worded for entries, not labels', async () => {
    const s = await create(owner.key);
    const res = await write(s.id, { entries: { 'a b': '1' } }, owner.key);
    expect(res.body.error.message).not.toMatch(/63/);
    expect(res.body.error.message).toMatch(/A-Za-z0-9_\.-/);
  });

  test('expected_version 0 only succeeds on a secret with no version; a version that does not exist yet is a mismatch', async () => {
    const s = await create(owner.key);
    const ahead = await write(s.id, { entries: { a: '1' }, expected_version: 3 }, owner.key);
    expect([ahead.status, ahead.body.error.code]).toEqual([409, 'version_mismatch']);
    expect((await write(s.id, { entries: { a: '1' }, expected_version: 0 }, owner.key)).status).toBe(201);
    const again = await write(s.id, { entries: { a: '2' }, expected_version: 0 }, owner.key);
    expect([again.status, again.body.error]).toEqual([
      409,
      { code: 'version_mismatch', message: expect.stringMatching(/latest is 1/), field: 'expected_version' },
    ]);
    expect((await latest(s.id)).entries).toEqual({ a: '1' });
  });

  test('replace with removals starts empty; a write of nothing copies the latest', async () => {
    const s = await create(owner.key);
    await write(s.id, { entries: { a: '1', b: '2' } }, owner.key);
    expect((await write(s.id, {}, owner.key)).body).toMatchObject({ version: 2, written: [], removed: [], entry_count: 2 });
    expect((await write(s.id, { replace: true }, owner.key)).body).toMatchObject({ version: 3, written: [], replaced: true, entry_count: 0 });
    expect(await latest(s.id)).toMatchObject({ version: 3, entries: {}, entry_keys: [] });
    expect((await svc.call('GET', `/v1/secrets/${s.id}/versions/2`)).body).toMatchObject({ entries: { a: '1', b: '2' }, entry_keys: ['a', 'b'] });
    expect((await svc.call('GET', `/v1/secrets/${s.id}`)).body).toMatchObject({ latest_version: 3, entry_count: 0, entry_bytes: 0 });
  });

  test('the version path parameter must be a positive integer, and exist', async () => {
    const s = await create(owner.key);
    await write(s.id, { entries: { a: '1' } }, owner.key);
    for (const v of ['0', '-1', 'one', '1.5']) {
      const res = await svc.call('GET', `/v1/secrets/${s.id}/versions/${v}`);
      expect([v, res.status, res.body.error.field]).toEqual([v, 400, 'version']);
    }
    const missing = await svc.call('GET', `/v1/secrets/${s.id}/versions/2`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    expect((await svc.call('GET', '/v1/secrets/sec_0000000000000000000a/versions/latest')).status).toBe(404);
  });
});

describe('destroying a version', () => {
  test('only the owner, an admin or a writer may; readers and strangers may not', async () => {
    const s = await create(owner.key);
    for (let i = 0; i < 3; i++) await write(s.id, { entries: { v: `value-${i}` } }, owner.key);
    for (const key of [stranger.key, reader.key]) {
      const res = await svc.call('POST', `/v1/secrets/${s.id}/versions/1/destroy`, {}, key);
      expect([res.status, res.body.error.code]).toEqual([403, 'permission_denied']);
    }
    expect((await svc.call('GET', `/v1/secrets/${s.id}/versions/1`)).body.entries).toEqual({ v: 'value-0' });
    expect((await svc.call('POST', `/v1/secrets/${s.id}/versions/1/destroy`, {}, writer.key)).body).toMatchObject({
      version: 1,
      destroyed_at: expect.any(String),
    });
    expect((await svc.call('POST', `/v1/secrets/${s.id}/versions/2/destroy`, {}, owner.key)).body.destroyed_at).not.toBeNull();
    expect((await svc.call('GET', `/v1/secrets/${s.id}/versions/2`)).body).toMatchObject({ entries: {}, entry_keys: ['v'], destroyed_entries: ['v'] });
    // older versions going does not touch the latest
    expect(await latest(s.id)).toMatchObject({ version: 3, entries: { v: 'value-2' }, destroyed_entries: [], destroyed_at: null });
    const row = await svc.ctx.store.db
      .selectFrom('secret_entries')
      .selectAll()
      .where('secret_id', '=', s.id)
      .where('set_in_version', '=', 1)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ value_sealed: null, value_bytes: 0 });
  });

  test('destroying twice keeps the first time and audits once; an unknown version is 404', async () => {
    const s = await create(owner.key);
    await write(s.id, { entries: { a: '1' } }, owner.key);
    const first = (await svc.call('POST', `/v1/secrets/${s.id}/versions/1/destroy`, {}, owner.key)).body;
    const second = (await svc.call('POST', `/v1/secrets/${s.id}/versions/1/destroy`, {}, owner.key)).body;
    expect(second.destroyed_at).toBe(first.destroyed_at);
    expect((await svc.call('GET', `/v1/audit-events?action=secret.version.destroy&target_id=${s.id}`)).body.audit_events).toHaveLength(1);
    expect((await svc.call('POST', `/v1/secrets/${s.id}/versions/9/destroy`, {}, owner.key)).status).toBe(404);
  });
});

describe('service-account secrets', () => {
  test('the account’s own key and its owner read and write them; another developer does not', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'deployer', role: 'developer' }, owner.key)).body;
    const saKey = (await svc.call('POST', '/v1/api-keys', { name: 'deployer key', service_account_id: sa.id }, owner.key)).body.secret as string;
    const s = await create(owner.key, { service_account_id: sa.id });
    expect((await write(s.id, { entries: { a: '1' } }, saKey)).status).toBe(201);
    expect((await svc.call('GET', `/v1/secrets/${s.id}/versions/latest`, undefined, saKey)).body.entries).toEqual({ a: '1' });
    expect((await svc.call('GET', `/v1/secrets/${s.id}`, undefined, saKey)).body).toMatchObject({ caller_can_read: true, caller_can_write: true });
    expect((await svc.call('GET', `/v1/secrets/${s.id}/versions/latest`, undefined, owner.key)).body.entries).toEqual({ a: '1' });
    expect((await svc.call('GET', `/v1/secrets/${s.id}`, undefined, owner.key)).body).toMatchObject({ caller_can_read: true, caller_can_write: true });
    expect((await svc.call('GET', `/v1/secrets/${s.id}/versions/latest`, undefined, stranger.key)).status).toBe(403);
    expect((await write(s.id, { entries: { b: '2' } }, stranger.key)).status).toBe(403);
    expect((await svc.call('GET', `/v1/secrets/${s.id}`, undefined, stranger.key)).body).toMatchObject({ caller_can_read: false, caller_can_write: false });
  });
});

describe('at rest and in the audit log', () => {
  test('an entry row holds only ciphertext bound to its secret, entry name and version', async () => {
    const s = await create(owner.key);
    const value = `row-check-${randomBytes(8).toString('hex')}`;
    await write(s.id, { entries: { password: value } }, owner.key);
    await write(s.id, { entries: { other: 'x' } }, owner.key);
    await write(s.id, { entries: { password: `${value}-2` } }, owner.key);
    const rows = await svc.ctx.store.db.selectFrom('secret_entries').selectAll().where('secret_id', '=', s.id).orderBy('set_in_version').execute();
    expect(rows.map((r) => [r.entry_key, r.set_in_version, r.ended_in_version])).toEqual([
      ['password', 1, 3],
      ['other', 2, null],
      ['password', 3, null],
    ]);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(value);
      expect(Buffer.from(row.value_sealed!, 'base64').toString('latin1')).not.toContain(value);
    }
    // The sealed box opens with its own secret id, entry name and version only, and not under another master key.
    expect(svc.ctx.box.open(rows[0]!.value_sealed!, entryAad(s.id, 'password', 1))).toBe(value);
    expect(() => svc.ctx.box.open(rows[0]!.value_sealed!, entryAad(s.id, 'password', 3))).toThrow();
    expect(() => svc.ctx.box.open(rows[0]!.value_sealed!, entryAad(s.id, 'other', 1))).toThrow();
    expect(() => new SealedBox(randomBytes(32)).open(rows[0]!.value_sealed!, entryAad(s.id, 'password', 1))).toThrow();
    // A value copied over another inside the database fails to open rather than showing the other's value.
    await svc.ctx.store.db
      .updateTable('secret_entries')
      .set({ value_sealed: rows[0]!.value_sealed })
      .where('secret_id', '=', s.id)
      .where('entry_key', '=', 'other')
      .execute();
    const swapped = await svc.call('GET', `/v1/secrets/${s.id}/versions/2`);
    expect(swapped.status).toBe(500);
    expect(JSON.stringify(swapped.body)).not.toContain(value);
  });

  test('the audit log records writes and reads by entry name, never a value', async () => {
    const s = await create(owner.key);
    const value = `audit-check-${randomBytes(8).toString('hex')}`;
    await write(s.id, { entries: { api_token: value } }, owner.key);
    await write(s.id, { remove_entries: ['api_token'] }, owner.key);
    await svc.call('GET', `/v1/secrets/${s.id}/versions/1`, undefined, reader.key);
    const events = (await svc.call('GET', `/v1/audit-events?target_id=${s.id}`)).body.audit_events;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['secret.read', 'secret.version.create', 'secret.version.create', 'secret.create']);
    expect(events[0]).toMatchObject({ actor_id: reader.id, key_id: reader.keyId, details: { version: 1 } });
    expect(events[1].details).toEqual({ version: 2, written: [], removed: ['api_token'] });
    expect(events[2].details).toEqual({ version: 1, written: ['api_token'], removed: [] });
    expect(JSON.stringify((await svc.call('GET', '/v1/audit-events?page_size=200')).body)).not.toContain(value);
  });
});

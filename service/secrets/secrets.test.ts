import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const newSecret = async (name: string, key?: string) => {
  const res = await svc.call('POST', '/v1/secrets', { name }, key);
  expect(res.status).toBe(201);
  return res.body.id as string;
};

test('versions merge, remove, replace, and check-and-set', async () => {
  const id = await newSecret('app');
  const v1 = await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { a: '1', b: '2' }, expected_version: 0 });
  expect(v1.status).toBe(201);
  expect(v1.body).toMatchObject({ version: 1, written: ['a', 'b'], removed: [], replaced: false, entry_count: 2 });
  expect(JSON.stringify(v1.body)).not.toContain('"1"');
  await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { c: '3' }, remove_entries: ['a'] });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body).toMatchObject({ version: 2, entries: { b: '2', c: '3' } });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/1`)).body.entries).toEqual({ a: '1', b: '2' });
  const stale = await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { d: '4' }, expected_version: 1 });
  expect(stale.status).toBe(409);
  expect(stale.body.error).toMatchObject({ code: 'version_mismatch', field: 'expected_version' });
  await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { only: 'x' }, replace: true, expected_version: 2 });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body.entries).toEqual({ only: 'x' });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions`)).body.versions.map((v: any) => v.version)).toEqual([3, 2, 1]);
  expect((await svc.call('GET', `/v1/secrets/${id}`)).body).toMatchObject({ latest_version: 3, caller_can_read: true, caller_can_write: true });
});

test('a destroyed version keeps its metadata and loses its entries for good', async () => {
  const id = await newSecret('destroy-me');
  await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { token: 'leaked-value-123' } });
  const d = await svc.call('POST', `/v1/secrets/${id}/versions/1/destroy`, {});
  expect(d.body.destroyed_at).not.toBeNull();
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/1`)).body).toMatchObject({
    version: 1,
    entries: {},
    entry_keys: ['token'],
    destroyed_entries: ['token'],
  });
  // The next write carries no destroyed value over: the name stays listed as destroyed until written or removed.
  await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { fresh: 'y' } });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body).toMatchObject({ entries: { fresh: 'y' }, destroyed_entries: ['token'] });
  expect(JSON.stringify((await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body)).not.toContain('leaked-value-123');
});

test('20 parallel writers of different entries lose nothing', async () => {
  const id = await newSecret('parallel');
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { [`key_${i}`]: `value-${i}` } })),
  );
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  expect(new Set(results.map((r) => r.body.version)).size).toBe(20);
  const latest = (await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body;
  expect(latest.version).toBe(20);
  expect(latest.entries).toEqual(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key_${i}`, `value-${i}`])));
});

test('who may read and write entries', async () => {
  const mkUser = async (email: string, role: string, scopes: string[] = []) => {
    const u = (await svc.call('POST', '/v1/users', { email, name: email, role })).body;
    return (await svc.call('POST', '/v1/api-keys', { name: email, user_id: u.id, role, scopes })).body.secret as string;
  };
  const owner = await mkUser('owner@example.com', 'developer');
  const stranger = await mkUser('stranger@example.com', 'developer');
  const reader = await mkUser('reader@example.com', 'viewer', ['keyplane.secrets.read']);
  const writer = await mkUser('writer@example.com', 'developer', ['keyplane.secrets.write']);
  const id = await newSecret('owned', owner);
  expect((await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { k: 'v' } }, owner)).status).toBe(201);
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`, undefined, owner)).body.entries).toEqual({ k: 'v' });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`, undefined, stranger)).status).toBe(403);
  expect((await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { k: 'x' } }, stranger)).status).toBe(403);
  expect((await svc.call('GET', `/v1/secrets/${id}`, undefined, stranger)).body).toMatchObject({ caller_can_read: false, caller_can_write: false });
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`, undefined, reader)).body.entries).toEqual({ k: 'v' });
  expect((await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { k: 'x' } }, reader)).status).toBe(403);
  expect((await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { w: 'y' } }, writer)).status).toBe(201);
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`, undefined, writer)).status).toBe(403);
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body.entries).toEqual({ k: 'v', w: 'y' });
});

test('entries are encrypted at rest and no key is stored in plaintext', async () => {
  const id = await newSecret('at-rest');
  const marker = 'plaintext-marker-7f3a9c';
  await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { m: marker } });
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'at-rest key' })).body.secret as string;
  await svc.ctx.lastUsed.flush();
  // WAL mode: the data may sit in the -wal file, so read every file of the store.
  const bytes = Buffer.concat(readdirSync(svc.dir).map((f) => readFileSync(join(svc.dir, f))));
  expect(bytes.includes(Buffer.from('at-rest'))).toBe(true); // the scan does see the database
  expect(bytes.includes(Buffer.from(marker))).toBe(false);
  expect(bytes.includes(Buffer.from(key))).toBe(false);
  expect(bytes.includes(Buffer.from(key.slice(3, 15)))).toBe(false);
});

test('bad entry names and values name the field', async () => {
  const id = await newSecret('validation');
  const res = await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { 'bad key': 'v' } });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('entries.bad key');
  const wrong = await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { k: 5 } });
  expect(wrong.body.error.field).toBe('entries.k');
  expect((await svc.call('GET', `/v1/secrets/${id}`)).body.latest_version).toBe(0);
  expect((await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).status).toBe(404);
});

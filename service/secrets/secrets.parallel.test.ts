/**
 * Parallel writers of one secret: each write makes the next version from the latest inside a transaction
 * that locks the secret, so no write is lost, version numbers never repeat, and check-and-set lets exactly
 * one of several writers of the same expected version win.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let keys: string[];
beforeAll(async () => {
  svc = await startTestService();
  const writer = await svc.person('developer', { scopes: ['keyplane.secrets.write'] });
  keys = [svc.adminKey, writer.key];
});
afterAll(() => svc.close());

const create = async (name: string) => (await svc.call('POST', '/v1/secrets', { name })).body.id as string;
const write = (id: string, body: Record<string, unknown>, i = 0) => svc.call('POST', `/v1/secrets/${id}/versions`, body, keys[i % keys.length]);
const latest = async (id: string) => (await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body;

test('20 writers adding and 10 removing at once: every change survives, versions 2..31 each used once', async () => {
  const id = await create('mixed');
  const start = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`old_${i}`, `old-${i}`]));
  await write(id, { entries: start });
  const results = await Promise.all([
    ...Array.from({ length: 20 }, (_, i) => write(id, { entries: { [`new_${i}`]: `new-${i}` } }, i)),
    ...Array.from({ length: 10 }, (_, i) => write(id, { remove_entries: [`old_${i}`] }, i)),
  ]);
  expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
  expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  const final = await latest(id);
  expect(final.version).toBe(31);
  expect(final.entries).toEqual(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`new_${i}`, `new-${i}`])));
  // every version number from 1 to 31 is listed once
  const versions = (await svc.call('GET', `/v1/secrets/${id}/versions`)).body.versions as { version: number; entry_keys: string[] }[];
  expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
});

test('10 check-and-set writers of the same expected version: exactly one wins', async () => {
  const id = await create('cas');
  await write(id, { entries: { counter: '0' } });
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => write(id, { entries: { counter: String(i + 1) }, expected_version: 1 }, i)));
  const won = results.filter((r) => r.status === 201);
  expect(won).toHaveLength(1);
  expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(Array(9).fill('version_mismatch'));
  const final = await latest(id);
  expect(final.version).toBe(2);
  expect(final.entries.counter).toBe(String(results.indexOf(won[0]!) + 1));
});

test('a read-modify-write loop with check-and-set converges under contention', async () => {
  const id = await create('counter');
  await write(id, { entries: { n: '0' } });
  const increment = async (worker: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const cur = await latest(id);
      const res = await write(id, { entries: { n: String(Number(cur.entries.n) + 1) }, expected_version: cur.version }, worker);
      if (res.status === 201) return;
      expect(res.body.error.code).toBe('version_mismatch');
    }
    throw new Error('no progress after 50 attempts');
  };
  await Promise.all(Array.from({ length: 8 }, (_, i) => increment(i)));
  expect((await latest(id)).entries.n).toBe('8');
});

test('parallel writers of different secrets do not mix entries', async () => {
  const ids = await Promise.all(['p-a', 'p-b', 'p-c'].map(create));
  await Promise.all(ids.flatMap((id, s) => Array.from({ length: 6 }, (_, i) => write(id, { entries: { [`k${i}`]: `${s}-${i}` } }, i))));
  for (const [s, id] of ids.entries()) {
    expect((await latest(id)).entries).toEqual(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, `${s}-${i}`])));
  }
});

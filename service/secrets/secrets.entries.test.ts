/**
 * The entry model (service/secrets/store.ts): each entry value lives over a range of versions, so a secret
 * holds thousands of entries, destroying a version takes away only what it wrote, and every limit is checked
 * at write.
 */
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

let n = 0;
const create = async () => (await svc.call('POST', '/v1/secrets', { name: `entries-${++n}` })).body.id as string;
const write = (id: string, body: Record<string, unknown>) => svc.call('POST', `/v1/secrets/${id}/versions`, body);
const read = (id: string, v: number | 'latest' = 'latest') => svc.call('GET', `/v1/secrets/${id}/versions/${v}`);

test('300 entries written one version each: latest reads all 300', async () => {
  const id = await create();
  for (let i = 0; i < 300; i++) expect((await write(id, { entries: { [`key_${i}`]: `value-${i}` } })).status).toBe(201);
  const latest = await read(id);
  expect([latest.status, latest.body.error]).toEqual([200, undefined]);
  expect(latest.body.version).toBe(300);
  expect(latest.body.entries).toEqual(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key_${i}`, `value-${i}`])));
});

/**
 * Coalesced refresh reads (key-reads.ts) against a scripted client: which requests go out, and what each read
 * gets back. Against the real service and the in-process provider: test/provider/api-key.test.ts.
 */
import { type ApiKey, KeyplaneApiError, KeyplaneConnectionError, type KeyplaneClient, type ListApiKeysQuery, type Page } from '../../../client';
import { type KeyRead, KeyReads } from './key-reads';

const key = (id: string, status: ApiKey['status'] = 'active') => ({ id, status }) as ApiKey;
const apiError = (status: number, code = 'invalid_argument') => new KeyplaneApiError({ status, code: code as never, message: `refused ${status}` });

interface Script {
  keys: Map<string, ApiKey>;
  /** Overrides the listing: its answer, or what it throws. */
  list?: (ids: string[]) => Page<ApiKey>;
  /** Overrides single reads of these ids with an error. */
  getErrors?: Map<string, Error>;
}

/** A client whose answers come from `script`, recording each request; listings answer after `delay` turns. */
function scripted(script: Script) {
  const requests: string[] = [];
  let listsInFlight = 0;
  let maxListsInFlight = 0;
  const client = {
    async listApiKeys(q: ListApiKeysQuery): Promise<Page<ApiKey>> {
      const ids = q.id ?? [];
      requests.push(`list ${ids.join(',')}`);
      listsInFlight++;
      maxListsInFlight = Math.max(maxListsInFlight, listsInFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        expect(q.page_size).toBe(ids.length);
        if (script.list) return script.list(ids);
        return { items: ids.flatMap((id) => (script.keys.has(id) ? [script.keys.get(id)!] : [])), next_page_token: null };
      } finally {
        listsInFlight--;
      }
    },
    async getApiKey(id: string): Promise<ApiKey> {
      requests.push(`get ${id}`);
      await new Promise((r) => setTimeout(r, 1));
      const err = script.getErrors?.get(id);
      if (err) throw err;
      const k = script.keys.get(id);
      if (!k) throw apiError(404, 'not_found');
      return k;
    },
  };
  return { client: client as unknown as KeyplaneClient, requests, maxListsInFlight: () => maxListsInFlight };
}

const outcome = (r: KeyRead) =>
  'found' in r ? `found ${r.found.id} ${r.found.status}` : 'gone' in r ? 'gone' : `error ${(r.error as Error).message} (${r.batch})`;

const store = () =>
  new Map([
    ['key_a', key('key_a')],
    ['key_b', key('key_b', 'revoked')],
    ['key_c', key('key_c')],
  ]);

test('reads waiting together go out as one listing; each gets its own key, and an id of no key is gone', async () => {
  const s = scripted({ keys: store() });
  const reads = new KeyReads(s.client);
  const got = await Promise.all(['key_a', 'key_missing', 'key_b', 'key_a'].map((id) => reads.read(id)));
  expect(got.map(outcome)).toEqual(['found key_a active', 'gone', 'found key_b revoked', 'found key_a active']);
  expect(s.requests).toEqual(['list key_a,key_missing,key_b']);
});

test('a read alone is a single GET, as before', async () => {
  const s = scripted({ keys: store() });
  const reads = new KeyReads(s.client);
  expect(outcome(await reads.read('key_c'))).toBe('found key_c active');
  expect(outcome(await reads.read('key_missing'))).toBe('gone');
  expect(s.requests).toEqual(['get key_c', 'get key_missing']);
});

test('batches hold at most maxBatch ids, at most two listings are on their way, and reads asked later never join a batch already sent', async () => {
  const keys = new Map(Array.from({ length: 7 }, (_, i) => [`key_${i}`, key(`key_${i}`)]));
  const s = scripted({ keys });
  const reads = new KeyReads(s.client, 2);
  const first = [0, 1, 2, 3, 4].map((i) => reads.read(`key_${i}`));
  // Asked while the first batches are on their way: not added to them.
  await new Promise((r) => setImmediate(r));
  const later = [5, 6].map((i) => reads.read(`key_${i}`));
  const got = await Promise.all([...first, ...later]);
  expect(got.map(outcome)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `found key_${i} active`));
  // key_4 waited for a listing to answer, and went with the reads asked meanwhile.
  expect(s.requests).toEqual(['list key_0,key_1', 'list key_2,key_3', 'list key_4,key_5', 'get key_6']);
  expect(s.maxListsInFlight()).toBe(2);
});

test.each([
  ['a 400 (a service without the id filter)', 400],
  ['a 403 on the listing', 403],
  ['a 404 on the listing', 404],
])('%s falls back to one GET per key: present, gone and refused land on their own reads', async (_, status) => {
  const s = scripted({
    keys: store(),
    list: () => {
      throw apiError(status);
    },
    getErrors: new Map([['key_c', apiError(403, 'permission_denied')]]),
  });
  const reads = new KeyReads(s.client);
  const got = await Promise.all(['key_a', 'key_missing', 'key_c'].map((id) => reads.read(id)));
  expect(got.map(outcome)).toEqual(['found key_a active', 'gone', 'error refused 403 (1)']);
  expect(s.requests).toEqual(['list key_a,key_missing,key_c', 'get key_a', 'get key_missing', 'get key_c']);
});

test.each([
  ['a 503 after the retries', apiError(503, 'unavailable')],
  ['a 401', apiError(401, 'unauthenticated')],
  ['a 429', apiError(429, 'rate_limited')],
  ['an unreachable service', new KeyplaneConnectionError('cannot reach the Keyplane service', { code: 'ECONNREFUSED', attempts: 4 })],
])('%s fails every read of the batch with that error, none of them gone, and sends no GET per key', async (_, err) => {
  const s = scripted({
    keys: store(),
    list: () => {
      throw err;
    },
  });
  const reads = new KeyReads(s.client);
  const got = await Promise.all(['key_a', 'key_missing', 'key_b'].map((id) => reads.read(id)));
  expect(got.map(outcome)).toEqual(Array(3).fill(`error ${err.message} (3)`));
  expect(s.requests).toEqual(['list key_a,key_missing,key_b']);
});

test.each([
  ['holds a key that was not asked for', (ids: string[]) => ({ items: [key('key_other'), ...ids.map((id) => key(id))], next_page_token: null })],
  ['has a next page', (ids: string[]) => ({ items: [key(ids[0]!)], next_page_token: 'more' })],
])('a listing that %s is not trusted: its reads and all later ones are single GETs', async (_, list) => {
  const s = scripted({ keys: store(), list });
  const reads = new KeyReads(s.client);
  const got = await Promise.all(['key_a', 'key_missing'].map((id) => reads.read(id)));
  expect(got.map(outcome)).toEqual(['found key_a active', 'gone']);
  const again = await Promise.all(['key_b', 'key_c'].map((id) => reads.read(id)));
  expect(again.map(outcome)).toEqual(['found key_b revoked', 'found key_c active']);
  expect(s.requests).toEqual(['list key_a,key_missing', 'get key_a', 'get key_missing', 'get key_b', 'get key_c']);
});

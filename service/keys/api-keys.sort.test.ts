/**
 * `GET /v1/api-keys?sort=`: paging through keys by each of their dates, with ties and missing dates, gives
 * every key exactly once in the order the sort promises (undated keys last in both directions, ties by id),
 * on both stores; a bad sort, or a page token of another order, is a 400.
 */
import fc from 'fast-check';
import { API_KEY_SORTS, type ApiKeySort, sortOrder } from '../../contract/api-key-sorts';
import { startTestService, startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';
import { describePostgres, describeSqlite } from '../../test/helpers/postgres';
import { inTransaction } from '../db/transaction';

interface Dated {
  id: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
const token64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

/** The order a sort promises, computed here from the dates: undated last, then by date, ties by id. */
function expectedOrder(keys: Dated[], sort: ApiKeySort): string[] {
  const { column, descending } = sortOrder(sort);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...keys]
    .sort((a, b) => {
      const [x, y] = [a[column], b[column]];
      if (x === null || y === null) return x === y ? cmp(a.id, b.id) * (descending ? -1 : 1) : x === null ? 1 : -1;
      return (cmp(x, y) || cmp(a.id, b.id)) * (descending ? -1 : 1);
    })
    .map((k) => k.id);
}

function sortTests(start: () => Promise<TestService>) {
  let svc: TestService;
  let saId: string;
  const keys: Dated[] = [];
  beforeAll(async () => {
    svc = await start();
    saId = (await svc.call('POST', '/v1/service-accounts', { name: 'sorted-sa', role: 'viewer' })).body.id;
    for (let i = 0; i < 23; i++) {
      const id = (await svc.call('POST', '/v1/api-keys', { name: `sorted-${i}`, service_account_id: saId })).body.api_key.id as string;
      // Five creation times, so most share one; a quarter never used and a third never expiring, the rest
      // with repeated dates, none following the id order.
      const dates = {
        created_at: at('2026-01-01T00:00:00.000Z', ((i * 3) % 5) * 60),
        last_used_at: i % 4 === 0 ? null : at('2026-02-01T00:00:00.000Z', ((i * 7) % 6) * 60),
        expires_at: i % 3 === 1 ? null : at('2099-01-01T00:00:00.000Z', ((i * 5) % 4) * 86_400),
      };
      await inTransaction(svc.ctx, (trx) => trx.updateTable('api_keys').set(dates).where('id', '=', id).execute());
      keys.push({ id, ...dates });
    }
  }, 60_000);
  afterAll(() => svc?.close());

  /** Every page of the service account's keys in `sort`, 5 at a time. */
  async function pages(sort: ApiKeySort): Promise<Dated[][]> {
    const out: Dated[][] = [];
    let token: string | null = null;
    do {
      const res: { status: number; body: { api_keys: Dated[]; next_page_token: string | null } } = await svc.call(
        'GET',
        `/v1/api-keys?service_account_id=${saId}&sort=${sort}&page_size=5${token ? `&page_token=${token}` : ''}`,
      );
      expect(res.status).toBe(200);
      out.push(res.body.api_keys);
      token = res.body.next_page_token;
    } while (token && out.length < 10);
    return out;
  }

  test('the dates have ties and gaps, and no sort matches the id order', () => {
    const ids = keys.map((k) => k.id);
    for (const sort of API_KEY_SORTS) expect(expectedOrder(keys, sort)).not.toEqual(ids);
    expect(new Set(keys.map((k) => k.created_at)).size).toBe(5);
    expect(keys.filter((k) => k.last_used_at === null)).toHaveLength(6);
    expect(keys.filter((k) => k.expires_at === null)).toHaveLength(8);
  });

  test.each(API_KEY_SORTS.map((s) => [s]))('sort=%s: 5 pages of 5, 5, 5, 5, 3 hold every key once, in order, undated last', async (sort) => {
    const got = await pages(sort);
    expect(got.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(got.flat().map((k) => k.id)).toEqual(expectedOrder(keys, sort));
    const { column } = sortOrder(sort);
    const undated = got.flat().map((k) => k[column] === null);
    const count = { created_at: 0, last_used_at: 6, expires_at: 8 }[column];
    expect(undated).toEqual([...Array(23 - count).fill(false), ...Array(count).fill(true)]);
  });

  test('without sort, keys come in id order, as before', async () => {
    const res = await svc.call('GET', `/v1/api-keys?service_account_id=${saId}&page_size=100`);
    expect(res.body.api_keys.map((k: Dated) => k.id)).toEqual(keys.map((k) => k.id));
  });

  test('the OpenAPI document offers the six sorts, described', async () => {
    const doc = (await svc.call('GET', '/v1/openapi.json', undefined, null)).body;
    const param = doc.paths['/v1/api-keys'].get.parameters.find((p: { name: string }) => p.name === 'sort');
    expect(param.schema.anyOf.flatMap((s: { enum: string[] }) => s.enum)).toEqual([...API_KEY_SORTS]);
    expect(param.description).toMatch(/newest first with a leading -.*come last/);
  });

  test('a sort that is not one of the six is a 400 naming sort', async () => {
    for (const sort of ['name', 'created', '+created_at', '-id', 'CREATED_AT', '']) {
      const res = await svc.call('GET', `/v1/api-keys?sort=${encodeURIComponent(sort)}`);
      expect([sort, res.status, res.body.error?.code, res.body.error?.field]).toEqual([sort, 400, 'invalid_argument', 'sort']);
    }
  });

  test('a page token used with another sort, without its sort, or forged is a 400 naming page_token', async () => {
    const first = (s: string) => svc.call('GET', `/v1/api-keys?service_account_id=${saId}&page_size=5${s}`);
    const byCreated = (await first('&sort=created_at')).body.next_page_token as string;
    const byId = (await first('')).body.next_page_token as string;
    expect(byCreated).toMatch(/^[A-Za-z0-9_-]+$/);
    const otherOrder = /another order: give the sort of the request that returned it/;
    const forged = /not a token this service issued/;
    const cases: [string, string, RegExp][] = [
      ['-created_at', byCreated, otherOrder],
      ['expires_at', byCreated, otherOrder],
      ['', byCreated, otherOrder],
      ['created_at', byId, otherOrder],
      ['created_at', token64('not json'), forged],
      ['created_at', token64(['created_at', 'yesterday', keys[0]!.id]), forged],
      ['created_at', token64(['created_at', keys[0]!.created_at, 'key_x']), forged],
      ['created_at', token64(['created_at', keys[0]!.created_at]), forged],
      ['created_at', token64({ sort: 'created_at', value: null, id: keys[0]!.id }), forged],
    ];
    for (const [sort, token, message] of cases) {
      const res = await svc.call('GET', `/v1/api-keys?page_size=5&page_token=${token}${sort ? `&sort=${sort}` : ''}`);
      expect([sort, token, res.status, res.body.error?.field]).toEqual([sort, token, 400, 'page_token']);
      expect(res.body.error.message).toMatch(message);
    }
    // The token still continues its own sort.
    expect((await svc.call('GET', `/v1/api-keys?service_account_id=${saId}&page_size=5&sort=created_at&page_token=${byCreated}`)).status).toBe(200);
  });

  test('any JSON in a page token is a 200 or a 400 naming page_token, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...API_KEY_SORTS), fc.jsonValue({ maxDepth: 2 }), async (sort, value) => {
        const res = await svc.call('GET', `/v1/api-keys?sort=${sort}&page_token=${token64(JSON.stringify(value))}`);
        expect([sort, value, res.status === 200 || res.body.error?.field === 'page_token']).toEqual([sort, value, true]);
      }),
      { numRuns: 100 },
    );
  });
}

describeSqlite('on SQLite', () => sortTests(() => startTestService()));

describePostgres('on PostgreSQL', () => sortTests(() => startTestServiceOnPostgres()));

/**
 * The verifier's cache and its shortcuts: a known key is read from the database once and every later
 * verification still applies every check to the cached record; a change drops the cache; a mistyped key is
 * neither looked up nor cached; a string of another length is not even hashed. A key never rotated is found
 * without asking for previous secrets; a previous secret's end passes while its record is cached.
 */
import type { KyselyPlugin } from 'kysely';
import { generateKey } from '../../contract/key-format';
import { startTestService, type TestService } from '../../test/helpers/service';
import { Verifier } from './verifier';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

/** A verifier of the service's store whose database reads are counted (and kept, as query trees in JSON). */
function countingVerifier(now: () => number = Date.now) {
  const queries = { count: 0, trees: [] as string[] };
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      queries.count++;
      queries.trees.push(JSON.stringify(args.node));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const verifier = new Verifier(svc.ctx.store.db.withPlugin(counter), svc.ctx.hasher, svc.ctx.changes, svc.ctx.lastUsed, now);
  return { verifier, queries };
}

const seenIp = '127.0.0.1';

test('a known key is read once; each later verification checks the cached record again', async () => {
  const { verifier, queries } = countingVerifier();
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'cached', role: 'developer' })).body;
  expect(await verifier.verify({ key: key.secret, seenIp })).toMatchObject({ valid: true, record: { keyId: key.api_key.id } });
  const reads = queries.count;
  expect(reads).toBeGreaterThan(0);
  for (let i = 0; i < 5; i++) expect((await verifier.verify({ key: key.secret, seenIp })).valid).toBe(true);
  expect(queries.count).toBe(reads);
  // Scopes are checked on the cached record.
  expect(await verifier.verify({ key: key.secret, seenIp, requiredScopes: ['keyplane.keys.verify'] })).toMatchObject({
    valid: false,
    reason: 'scope_missing',
    missingScopes: ['keyplane.keys.verify'],
  });
  expect(queries.count).toBe(reads);
  // A revocation reaches the verifier through the change feed: read again, and refused.
  await svc.call('POST', `/v1/api-keys/${key.api_key.id}/revoke`, {});
  expect(await verifier.verify({ key: key.secret, seenIp })).toMatchObject({ valid: false, reason: 'revoked' });
  expect(queries.count).toBeGreaterThan(reads);
});

test('an expiry passes while the record is cached', async () => {
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'expiring', expires_at: new Date(Date.now() + 60_000).toISOString() })).body;
  let now = Date.now();
  const verifier = new Verifier(svc.ctx.store.db, svc.ctx.hasher, svc.ctx.changes, svc.ctx.lastUsed, () => now);
  expect((await verifier.verify({ key: key.secret, seenIp })).valid).toBe(true);
  now += 61_000;
  expect(await verifier.verify({ key: key.secret, seenIp })).toMatchObject({ valid: false, reason: 'expired' });
});

test('a well-formed unknown key is looked up once and then known to be unknown', async () => {
  const { verifier, queries } = countingVerifier();
  const key = generateKey();
  expect(await verifier.verify({ key, seenIp })).toEqual({ valid: false, reason: 'unknown' });
  const reads = queries.count;
  // Two indexed reads: as a key's current secret, then as a previous one (service/keys/auth-record.ts).
  expect(reads).toBe(2);
  expect(await verifier.verify({ key, seenIp })).toEqual({ valid: false, reason: 'unknown' });
  expect(queries.count).toBe(reads);
});

test('a mistyped key is not looked up, however often it comes', async () => {
  const { verifier, queries } = countingVerifier();
  const good = generateKey();
  const typo = good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11);
  for (let i = 0; i < 3; i++) expect(await verifier.verify({ key: typo, seenIp })).toEqual({ valid: false, reason: 'unknown' });
  expect(queries.count).toBe(0);
});

test('a string of another length than a key is not hashed', async () => {
  const { verifier, queries } = countingVerifier();
  const hash = jest.spyOn(svc.ctx.hasher, 'hash');
  try {
    for (const key of ['', 'kp_', `${generateKey()}0`, 'x'.repeat(10_000)])
      expect(await verifier.verify({ key, seenIp })).toEqual({ valid: false, reason: 'unknown' });
    expect(hash).not.toHaveBeenCalled();
    expect(queries.count).toBe(0);
  } finally {
    hash.mockRestore();
  }
});

test('a key that was never rotated is found by its current hash alone: no lookup of previous secrets', async () => {
  const { verifier, queries } = countingVerifier();
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'never rotated' })).body;
  expect(await verifier.verify({ key: key.secret, seenIp })).toMatchObject({ valid: true, record: { matched: 'current', secretEndsAt: null } });
  expect(queries.trees.length).toBeGreaterThan(0);
  expect(queries.trees.filter((t) => t.includes('previous_key_hash'))).toEqual([]);
  expect(queries.trees.filter((t) => t.includes('"key_hash"'))).toHaveLength(1);
});

test("a previous secret's end passes while its record is cached: refused from that instant, the current one still valid", async () => {
  const key = (await svc.call('POST', '/v1/api-keys', { name: 'rotating' })).body;
  const rotated = (await svc.call('POST', `/v1/api-keys/${key.api_key.id}/rotate`, { overlap_seconds: 60 })).body;
  const end = Date.parse(rotated.api_key.previous_secret_expires_at);
  let now = Date.now();
  const { verifier, queries } = countingVerifier(() => now);
  expect(await verifier.verify({ key: key.secret, seenIp })).toMatchObject({ valid: true, record: { matched: 'previous', secretEndsAt: end } });
  expect(await verifier.verify({ key: rotated.secret, seenIp })).toMatchObject({ valid: true, record: { matched: 'current' } });
  const reads = queries.count;
  now = end - 1;
  expect((await verifier.verify({ key: key.secret, seenIp })).valid).toBe(true);
  now = end;
  expect(await verifier.verify({ key: key.secret, seenIp })).toMatchObject({ valid: false, reason: 'unknown', record: { keyId: key.api_key.id } });
  expect(await verifier.verify({ key: rotated.secret, seenIp })).toMatchObject({ valid: true, record: { matched: 'current' } });
  expect(queries.count).toBe(reads);
});

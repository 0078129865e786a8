/**
 * `POST /v1/keys/verify` outcomes. A failed verification is a 200 with `valid: false` and one reason, checked
 * in a fixed order (revoked, expired, owner disabled, address, scopes); only a malformed request is a 400 and
 * only a caller without the right is a 403. Verification writes nothing per request: last use is batched.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { generateKey } from '../../contract/key-format';
import { startTestService, type Person, type TestService } from '../../test/helpers/service';
import { inTransaction } from '../db/transaction';

let svc: TestService;
let verifier: Person;
beforeAll(async () => {
  svc = await startTestService();
  verifier = await svc.person('viewer', { scopes: ['keyplane.keys.verify'] });
  await svc.call('POST', '/v1/scopes', { name: 'orders.read', description: 'x' });
  await svc.call('POST', '/v1/scopes', { name: 'orders.write', description: 'x' });
  await svc.call('POST', '/v1/scopes', { name: 'orders.delete', description: 'x' });
});
afterAll(() => svc.close());

const verify = (body: Record<string, unknown>, key = verifier.key) => svc.call('POST', '/v1/keys/verify', body, key);
const make = async (body: Record<string, unknown> = {}) => {
  const res = await svc.call('POST', '/v1/api-keys', { name: 'subject', ...body });
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { api_key: any; secret: string };
};
/** Moves a key's expiry into the past behind the API's back (the API refuses past expiries); the write drops caches. */
const expireNow = async (id: string) => {
  await inTransaction(svc.ctx, (trx) =>
    trx
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute(),
  );
};

describe('valid keys', () => {
  test('a service account key answers its identity, effective role, scopes and expiry', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'billing', role: 'developer' })).body;
    const k = await make({ name: 'billing key', service_account_id: sa.id, scopes: ['orders.read', 'orders.write'], expires_at: '2099-01-01T00:00:00+01:00' });
    const res = await verify({ key: k.secret, required_scopes: ['orders.write'], client_ip: '192.0.2.1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      key_id: k.api_key.id,
      name: 'billing key',
      owner_type: 'service_account',
      owner_id: sa.id,
      role: 'developer',
      scopes: ['orders.read', 'orders.write'],
      expires_at: '2098-12-31T23:00:00.000Z',
      matched_secret: 'current',
    });
  });

  test('the role answered is the effective one', async () => {
    const dev = await svc.person('developer');
    const k = (await svc.call('POST', '/v1/api-keys', { name: 'made by dev' }, dev.key)).body;
    await svc.call('PATCH', `/v1/users/${dev.id}`, { role: 'viewer' });
    expect((await verify({ key: k.secret })).body).toMatchObject({ valid: true, role: 'viewer' });
  });

  test('an admin may verify without the scope; the verifying key may verify itself', async () => {
    const k = await make();
    expect((await verify({ key: k.secret }, svc.adminKey)).body.valid).toBe(true);
    expect((await verify({ key: verifier.key })).body).toMatchObject({ valid: true, key_id: verifier.keyId, scopes: ['keyplane.keys.verify'] });
  });
});

describe('failures are results', () => {
  test('a well-formed key nobody issued, and a deleted one, are unknown and say nothing more', async () => {
    expect((await verify({ key: generateKey() })).body).toEqual({ valid: false, reason: 'unknown' });
    const k = await make();
    await svc.call('DELETE', `/v1/api-keys/${k.api_key.id}`);
    expect((await verify({ key: k.secret })).body).toEqual({ valid: false, reason: 'unknown' });
  });

  test('revoked comes before expired, expired before a disabled owner', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'order-sa', role: 'developer' })).body;
    const k = await make({ service_account_id: sa.id, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: true });
    expect((await verify({ key: k.secret })).body).toMatchObject({ valid: false, reason: 'owner_disabled', key_id: k.api_key.id });
    await expireNow(k.api_key.id);
    expect((await verify({ key: k.secret })).body).toMatchObject({ valid: false, reason: 'expired', key_id: k.api_key.id });
    await svc.call('POST', `/v1/api-keys/${k.api_key.id}/revoke`, {});
    const res = (await verify({ key: k.secret, required_scopes: ['orders.read'] })).body;
    expect(res).toMatchObject({ valid: false, reason: 'revoked', key_id: k.api_key.id, owner_id: sa.id });
    expect(res.missing_scopes).toBeUndefined();
  });

  test('a disabled creator disables the key like a disabled owner', async () => {
    const dev = await svc.person('developer');
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'creator-sa', role: 'developer' }, dev.key)).body;
    const k = (await svc.call('POST', '/v1/api-keys', { name: 'sa key', service_account_id: sa.id }, dev.key)).body;
    await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: true });
    expect((await verify({ key: k.secret })).body).toMatchObject({ valid: false, reason: 'owner_disabled', owner_id: sa.id });
    await svc.call('PATCH', `/v1/users/${dev.id}`, { disabled: false });
    expect((await verify({ key: k.secret })).body.valid).toBe(true);
  });

  test('a deleted service account’s keys are revoked with owner_deleted', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'gone-sa', role: 'viewer' })).body;
    const k = await make({ service_account_id: sa.id });
    await svc.call('DELETE', `/v1/service-accounts/${sa.id}`);
    expect((await verify({ key: k.secret })).body).toMatchObject({ valid: false, reason: 'revoked', key_id: k.api_key.id });
    expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body.revoke_reason).toBe('owner_deleted');
  });

  test('missing scopes are listed in the order asked, after the address check', async () => {
    const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'scoped', cidrs: ['192.0.2.0/24'] })).body;
    const k = await make({ scopes: ['orders.write'], allow_list_ids: [list.id] });
    expect((await verify({ key: k.secret, client_ip: '192.0.2.9', required_scopes: ['orders.delete', 'orders.write', 'orders.read'] })).body).toMatchObject({
      valid: false,
      reason: 'scope_missing',
      missing_scopes: ['orders.delete', 'orders.read'],
      scopes: ['orders.write'],
    });
    expect((await verify({ key: k.secret, client_ip: '198.51.100.1', required_scopes: ['orders.delete'] })).body).toMatchObject({
      valid: false,
      reason: 'ip_not_allowed',
    });
    expect((await verify({ key: k.secret, client_ip: '192.0.2.9', required_scopes: [] })).body.valid).toBe(true);
  });

  test('a key on two allow lists works from either; an IPv4-mapped address counts as IPv4', async () => {
    const a = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'a', cidrs: ['203.0.113.0/24'] })).body;
    const b = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'b', cidrs: ['2001:db8:1::/48'] })).body;
    const k = await make({ allow_list_ids: [a.id, b.id] });
    for (const [ip, valid] of [
      ['203.0.113.200', true],
      ['::ffff:203.0.113.200', true],
      ['::FFFF:CB00:71C8', true],
      ['2001:db8:1:ffff::1', true],
      ['2001:db8:2::1', false],
      ['203.0.114.1', false],
      ['::ffff:203.0.114.1', false],
    ] as const) {
      expect([ip, (await verify({ key: k.secret, client_ip: ip })).body.valid]).toEqual([ip, valid]);
    }
  });

  test('an allow list written in IPv4-mapped IPv6 notation admits the IPv4 client', async () => {
    const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'mapped', cidrs: ['::ffff:198.51.100.0/120'] })).body;
    const k = await make({ allow_list_ids: [list.id] });
    expect((await verify({ key: k.secret, client_ip: '198.51.100.7' })).body.valid).toBe(true);
    expect((await verify({ key: k.secret, client_ip: '::ffff:198.51.100.7' })).body.valid).toBe(true);
    expect((await verify({ key: k.secret, client_ip: '198.51.101.7' })).body).toMatchObject({ valid: false, reason: 'ip_not_allowed' });
  });
});

describe('400 and 403', () => {
  test('a malformed key names the field `key`, whatever is wrong with it', async () => {
    const good = generateKey();
    const oneOff = good.slice(0, 20) + (good[20] === 'a' ? 'b' : 'a') + good.slice(21);
    for (const key of [good.slice(0, -1), `${good}0`, oneOff, `KP_${good.slice(3)}`, ` ${good}`, '', 'kp_', good.replace('kp_', 'sk_')]) {
      const res = await verify({ key });
      expect([key, res.status, res.body.error]).toEqual([key, 400, { code: 'invalid_argument', message: expect.any(String), field: 'key' }]);
      expect(res.body.error.message).not.toContain(key.slice(3, 15) || '\u0000');
    }
    expect((await verify({ key: 42 })).body.error.field).toBe('key');
    expect((await verify({})).body.error.field).toBe('key');
  });

  test('malformed scopes and addresses name their fields', async () => {
    const k = await make();
    expect((await verify({ key: k.secret, required_scopes: ['orders.read', 'Orders'] })).body.error).toMatchObject({
      code: 'invalid_argument',
      field: 'required_scopes[1]',
    });
    expect((await verify({ key: k.secret, required_scopes: ['orders.read', 'orders.read'] })).body.error).toMatchObject({ field: 'required_scopes' });
    for (const ip of ['10.0.0.256', '10.0.0.0/8', 'localhost', '01.2.3.4']) {
      expect([ip, (await verify({ key: k.secret, client_ip: ip })).body.error?.field]).toEqual([ip, 'client_ip']);
    }
    expect((await verify({ key: k.secret, also: 1 })).body.error.field).toBe('also');
  });

  test('a developer without keyplane.keys.verify is refused before the key is looked at', async () => {
    const dev = await svc.person('developer');
    const res = await verify({ key: 'not even a key' }, dev.key);
    expect([res.status, res.body.error.code]).toEqual([403, 'permission_denied']);
    expect(res.body.error.message).toMatch(/keyplane\.keys\.verify/);
  });
});

describe('last use', () => {
  test('appears after the batched flush, with the address the key was verified for', async () => {
    const k = await make();
    // Hold the interval's flush while checking nothing was written yet, so the check cannot race it.
    const held = jest.spyOn(svc.ctx.lastUsed, 'flush').mockImplementation(() => Promise.resolve());
    try {
      await verify({ key: k.secret, client_ip: '2001:db8::7' });
      expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body.last_used_at).toBeNull();
    } finally {
      held.mockRestore();
    }
    const deadline = Date.now() + 2000;
    let row: any;
    do {
      await new Promise((r) => setTimeout(r, 25));
      row = (await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body;
    } while (row.last_used_at === null && Date.now() < deadline);
    expect(row).toMatchObject({ last_used_ip: '127.0.0.1', last_used_claimed_ip: '2001:db8::7' });
    expect(Date.now() - Date.parse(row.last_used_at)).toBeLessThan(5000);
  });

  test('through verify, the address Keyplane saw and the verifier’s claim are recorded apart', async () => {
    const k = await make();
    await svc.request({
      method: 'POST',
      url: '/v1/keys/verify',
      body: { key: k.secret, client_ip: '192.0.2.77' },
      key: verifier.key,
      remoteAddress: '198.51.100.5',
    });
    await svc.ctx.lastUsed.flush();
    expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body).toMatchObject({ last_used_ip: '198.51.100.5', last_used_claimed_ip: '192.0.2.77' });
    // A later use over the API itself has no claim.
    await svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '203.0.113.8' });
    await svc.ctx.lastUsed.flush();
    expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body).toMatchObject({ last_used_ip: '203.0.113.8', last_used_claimed_ip: null });
  });

  test('a key used over the API records the peer address', async () => {
    const k = await make();
    await svc.request({ method: 'GET', url: '/v1/whoami', key: k.secret, remoteAddress: '198.51.100.23' });
    await svc.ctx.lastUsed.flush();
    expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body).toMatchObject({ last_used_ip: '198.51.100.23', last_used_at: expect.any(String) });
  });

  test('100 verifications commit nothing to the database until the recorder flushes', async () => {
    const k = await make();
    await verify({ key: k.secret }); // warm the cache for both keys
    await svc.ctx.lastUsed.flush();
    // A second connection sees PRAGMA data_version change whenever another connection commits.
    const watcher = new Database(join(svc.dir, 'keyplane.db'), { readonly: true });
    try {
      const version = () => watcher.pragma('data_version', { simple: true }) as number;
      // Hold the recorder's flush back while counting, so the interval cannot commit in between.
      const flush = jest.spyOn(svc.ctx.lastUsed, 'flush').mockImplementation(() => Promise.resolve());
      let during: number;
      const before = version();
      try {
        for (let i = 0; i < 100; i++) expect((await verify({ key: k.secret, client_ip: `192.0.2.${i}` })).body.valid).toBe(true);
        await new Promise((r) => setTimeout(r, 120)); // two flush intervals
        during = version();
      } finally {
        flush.mockRestore();
      }
      expect(during).toBe(before);
      await svc.ctx.lastUsed.flush();
      expect(version()).toBeGreaterThan(before);
      expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body.last_used_claimed_ip).toBe('192.0.2.99');
    } finally {
      watcher.close();
    }
  });
});

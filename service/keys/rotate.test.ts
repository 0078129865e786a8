/**
 * POST /v1/api-keys/{id}/rotate on a real SQLite store: the key keeps its identity and takes a new secret; the
 * previous one works for the overlap asked and is refused from its end on; at most two secrets live; revoke
 * and delete end both; a secret-store delivery never hands a reader a secret that does not verify, a PGP one
 * answers only the message; bad input
 * is a 400 naming the field, a revoked or expired key a 409 saying why.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '../../contract/limits';
import { pgpDecrypt, pgpKeyPair } from '../../test/helpers/pgp';
import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
let verifier: string;
beforeAll(async () => {
  svc = await startTestService();
  verifier = (await svc.call('POST', '/v1/api-keys', { name: 'verifier', role: 'viewer', scopes: ['keyplane.keys.verify'] })).body.secret;
});
afterAll(() => svc.close());

interface Made {
  id: string;
  secret: string;
}

async function make(body: Record<string, unknown> = {}): Promise<Made> {
  const res = await svc.call('POST', '/v1/api-keys', { name: 'subject', role: 'developer', ...body });
  expect(res.status).toBe(201);
  return { id: res.body.api_key.id, secret: res.body.secret };
}
const rotate = (id: string, body?: Record<string, unknown>, key?: string) => svc.call('POST', `/v1/api-keys/${id}/rotate`, body, key);
const verify = async (key: string) => (await svc.call('POST', '/v1/keys/verify', { key }, verifier)).body;
const whoami = (key: string) => svc.call('GET', '/v1/whoami', undefined, key);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until the clock is past `iso` (a previous secret's end). */
const pastInstant = async (iso: string) => {
  const left = Date.parse(iso) - Date.now();
  if (left >= 0) await sleep(left + 1);
};

test('a rotation keeps the key and its metadata, answers the new secret once, and both secrets work during the overlap', async () => {
  const k = await make({ description: 'billing', labels: { team: 'pay' }, scopes: [] });
  const before = (await svc.call('GET', `/v1/api-keys/${k.id}`)).body;
  expect(before).toMatchObject({ secret_version: 1, rotated_at: null, previous_secret_expires_at: null, previous_display_prefix: null });

  const started = Date.now();
  const res = await rotate(k.id, { overlap_seconds: 3600 });
  expect(res.status).toBe(200);
  const { api_key, secret, delivery, replayed } = res.body;
  expect(replayed).toBe(false);
  expect(delivery).toEqual({ mode: 'response' });
  expect(secret).toMatch(/^kp_/);
  expect(secret).not.toBe(k.secret);
  // Same identity and metadata; a new secret, and the old one as the previous until its end.
  const { updated_at: _u1, display_prefix, secret_version, rotated_at, previous_secret_expires_at, previous_display_prefix, ...same } = api_key;
  const {
    updated_at: _u2,
    display_prefix: oldPrefix,
    secret_version: _v,
    rotated_at: _r,
    previous_secret_expires_at: _p,
    previous_display_prefix: _d,
    ...was
  } = before;
  expect(same).toEqual(was);
  expect(secret_version).toBe(2);
  expect(Date.parse(rotated_at)).toBeGreaterThanOrEqual(started - 1);
  expect(Date.parse(previous_secret_expires_at) - Date.parse(rotated_at)).toBe(3600_000);
  expect(previous_display_prefix).toBe(oldPrefix);
  expect(display_prefix).not.toBe(oldPrefix);
  expect(secret.startsWith(display_prefix.split('…')[0])).toBe(true);
  expect((await svc.call('GET', `/v1/api-keys/${k.id}`)).body).toEqual(api_key);

  expect(await verify(secret)).toMatchObject({ valid: true, key_id: k.id, matched_secret: 'current' });
  expect(await verify(k.secret)).toMatchObject({ valid: true, key_id: k.id, matched_secret: 'previous' });
  for (const [key, matched] of [
    [secret, 'current'],
    [k.secret, 'previous'],
  ] as const) {
    const who = await whoami(key);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ matched_secret: matched, api_key: { id: k.id, secret_version: 2 } });
  }
});

test('after the overlap only the new secret works, on the API and on verify; the view drops the previous secret', async () => {
  const k = await make();
  const res = await rotate(k.id, { overlap_seconds: 2 });
  const fresh = res.body.secret as string;
  expect((await whoami(k.secret)).status).toBe(200);
  expect(await verify(k.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
  await pastInstant(res.body.api_key.previous_secret_expires_at);
  expect(await verify(k.secret)).toEqual({ valid: false, reason: 'unknown' });
  const refused = await whoami(k.secret);
  expect([refused.status, refused.body.error.code]).toEqual([401, 'unauthenticated']);
  expect(refused.body.error.message).toMatch(/replaced by a rotation and stopped working at \d{4}-/);
  expect(refused.body.error.message).not.toContain(k.id);
  expect(await verify(fresh)).toMatchObject({ valid: true, matched_secret: 'current' });
  expect((await whoami(fresh)).body.matched_secret).toBe('current');
  expect((await svc.call('GET', `/v1/api-keys/${k.id}`)).body).toMatchObject({
    secret_version: 2,
    previous_secret_expires_at: null,
    previous_display_prefix: null,
  });
  // The late use of the old secret is audited as a failed authentication naming the key.
  await svc.call('GET', '/v1/audit-events?page_size=1');
  const failures = (await svc.call('GET', `/v1/audit-events?action=auth.failed&key_id=${k.id}`)).body.audit_events;
  expect(failures.map((e: { details: { reason: string } }) => e.details.reason)).toContain('unknown');
});

test('overlap 0 (the default, also with no body at all) ends the old secret at once', async () => {
  for (const body of [{ overlap_seconds: 0 }, {}, undefined]) {
    const k = await make();
    const res = await rotate(k.id, body);
    expect(res.status).toBe(200);
    expect(res.body.api_key).toMatchObject({ secret_version: 2, previous_secret_expires_at: null, previous_display_prefix: null });
    expect(await verify(k.secret)).toEqual({ valid: false, reason: 'unknown' });
    expect((await whoami(k.secret)).status).toBe(401);
    expect(await verify(res.body.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
  }
});

test('a rotation during an overlap ends the oldest secret: at most two live', async () => {
  const k = await make();
  const second = (await rotate(k.id, { overlap_seconds: 600 })).body;
  const third = (await rotate(k.id, { overlap_seconds: 600 })).body;
  expect(third.api_key.secret_version).toBe(3);
  expect(third.api_key.previous_display_prefix).toBe(second.api_key.display_prefix);
  expect(await verify(k.secret)).toEqual({ valid: false, reason: 'unknown' });
  expect((await whoami(k.secret)).status).toBe(401);
  expect(await verify(second.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
  expect(await verify(third.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
  // Rotating with overlap 0 during an overlap ends both older secrets.
  const fourth = (await rotate(k.id, { overlap_seconds: 0 })).body;
  for (const old of [k.secret, second.secret, third.secret]) expect(await verify(old)).toEqual({ valid: false, reason: 'unknown' });
  expect(await verify(fourth.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
});

test('revoking during an overlap ends both secrets at once; so does deleting', async () => {
  const revoked = await make();
  const r1 = (await rotate(revoked.id, { overlap_seconds: 600 })).body;
  expect((await svc.call('POST', `/v1/api-keys/${revoked.id}/revoke`, { reason: 'leak' })).status).toBe(200);
  for (const key of [revoked.secret, r1.secret]) {
    expect(await verify(key)).toMatchObject({ valid: false, reason: 'revoked', key_id: revoked.id });
    expect((await whoami(key)).status).toBe(401);
  }
  expect((await svc.call('GET', `/v1/api-keys/${revoked.id}`)).body).toMatchObject({
    status: 'revoked',
    previous_secret_expires_at: null,
    previous_display_prefix: null,
  });

  const deleted = await make();
  const d1 = (await rotate(deleted.id, { overlap_seconds: 600 })).body;
  expect((await svc.call('DELETE', `/v1/api-keys/${deleted.id}`)).status).toBe(204);
  for (const key of [deleted.secret, d1.secret]) {
    expect(await verify(key)).toEqual({ valid: false, reason: 'unknown' });
    expect((await whoami(key)).status).toBe(401);
  }
});

test("rotating the caller's own key, the only admin key, with overlap 0 answers the new secret, and the old one is refused right after", async () => {
  const alone = await startTestService();
  try {
    const me = (await alone.call('GET', '/v1/whoami')).body.api_key.id as string;
    const res = await alone.call('POST', `/v1/api-keys/${me}/rotate`, { overlap_seconds: 0 });
    expect(res.status).toBe(200);
    expect(res.body.api_key).toMatchObject({ id: me, role: 'admin', status: 'active', secret_version: 2 });
    const fresh = res.body.secret as string;
    const old = await alone.call('GET', '/v1/whoami');
    expect([old.status, old.body.error.code]).toEqual([401, 'unauthenticated']);
    const who = await alone.call('GET', '/v1/whoami', undefined, fresh);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ api_key: { id: me }, matched_secret: 'current', effective_role: 'admin' });
    // Still the one working admin key: the guard against stopping it holds with the new secret.
    const revoke = await alone.call('POST', `/v1/api-keys/${me}/revoke`, {}, fresh);
    expect([revoke.status, revoke.body.error.code]).toEqual([409, 'conflict']);
  } finally {
    await alone.close();
  }
});

test('the last working admin key is not rotated with overlap 0 into the secret store: nobody could read the new secret', async () => {
  const alone = await startTestService();
  try {
    const me = (await alone.call('GET', '/v1/whoami')).body.api_key.id as string;
    const secretId = (await alone.call('POST', '/v1/secrets', { name: 'admin-secret' })).body.id as string;
    const toStore = { delivery: { secret_store: { secret_id: secretId, entry_key: 'admin' } } };
    const refused = await alone.call('POST', `/v1/api-keys/${me}/rotate`, { overlap_seconds: 0, ...toStore });
    expect([refused.status, refused.body.error.code, refused.body.error.field]).toEqual([409, 'conflict', 'overlap_seconds']);
    expect(refused.body.error.message).toMatch(/last working admin key/);
    // Nothing changed: the secret in use works, nothing was written.
    expect((await alone.call('GET', '/v1/whoami')).body.api_key).toMatchObject({ id: me, secret_version: 1 });
    expect((await alone.call('GET', `/v1/secrets/${secretId}/versions/latest`)).body.entries ?? {}).toEqual({});
    // With another working admin key, or with an overlap to read the new secret in, it goes through.
    const second = (await alone.call('POST', '/v1/api-keys', { name: 'second admin', role: 'admin' })).body;
    const withOther = await alone.call('POST', `/v1/api-keys/${me}/rotate`, { overlap_seconds: 0, ...toStore }, second.secret);
    expect(withOther.status).toBe(200);
    const mine = (await alone.call('GET', `/v1/secrets/${secretId}/versions/latest`, undefined, second.secret)).body.entries.admin as string;
    expect((await alone.call('DELETE', `/v1/api-keys/${second.api_key.id}`, undefined, mine)).status).toBe(204);
    const overlapped = await alone.call('POST', `/v1/api-keys/${me}/rotate`, { overlap_seconds: 60, ...toStore }, mine);
    expect(overlapped.status).toBe(200);
    const newest = (await alone.call('GET', `/v1/secrets/${secretId}/versions/latest`, undefined, mine)).body.entries.admin as string;
    expect((await alone.call('GET', '/v1/whoami', undefined, newest)).body).toMatchObject({ matched_secret: 'current', effective_role: 'admin' });
  } finally {
    await alone.close();
  }
});

test('bad input is a 400 naming the field, and changes nothing', async () => {
  const k = await make();
  const max = LIMITS.rotationOverlap.maxSeconds;
  const cases: [unknown, string, RegExp][] = [
    [{ overlap_seconds: -1 }, 'overlap_seconds', />= 0/],
    [{ overlap_seconds: max + 1 }, 'overlap_seconds', new RegExp(`<= ${max}`)],
    [{ overlap_seconds: 8 * 86_400 }, 'overlap_seconds', new RegExp(`<= ${max}`)],
    [{ overlap_seconds: 1.5 }, 'overlap_seconds', /integer/],
    [{ overlap_seconds: '60' }, 'overlap_seconds', /integer/],
    [{ overlap_seconds: null }, 'overlap_seconds', /integer/],
    [{ overlap: 60 }, 'overlap', /not a known field/],
    [{ delivery: { secret_store: { secret_id: 'sec_0000000000000000000a' }, pgp_public_key: 'x' } }, 'delivery', /not both/],
  ];
  for (const [body, field, message] of cases) {
    const res = await rotate(k.id, body as Record<string, unknown>);
    expect([body, res.status, res.body.error?.code, res.body.error?.field]).toEqual([body, 400, 'invalid_argument', field]);
    expect(res.body.error.message).toMatch(message);
  }
  // Exactly the maximum is accepted.
  expect((await rotate(k.id, { overlap_seconds: max })).status).toBe(200);
  const after = (await svc.call('GET', `/v1/api-keys/${k.id}`)).body;
  expect(after.secret_version).toBe(2);
});

test('an unknown key is a 404; a revoked or expired key is a 409 saying why, and keeps its secret', async () => {
  const unknown = await rotate('key_0000000000000000000a', {});
  expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);

  const revoked = await make();
  await svc.call('POST', `/v1/api-keys/${revoked.id}/revoke`, {});
  const r = await rotate(revoked.id, { overlap_seconds: 60 });
  expect([r.status, r.body.error.code]).toEqual([409, 'conflict']);
  expect(r.body.error.message).toMatch(/revoked/);
  expect((await svc.call('GET', `/v1/api-keys/${revoked.id}`)).body).toMatchObject({ secret_version: 1, rotated_at: null });

  const expiring = await make({ expires_at: new Date(Date.now() + 300).toISOString() });
  await sleep(400);
  const e = await rotate(expiring.id, {});
  expect([e.status, e.body.error.code]).toEqual([409, 'conflict']);
  expect(e.body.error.message).toMatch(/expired/);
  expect((await svc.call('GET', `/v1/api-keys/${expiring.id}`)).body).toMatchObject({ secret_version: 1, status: 'expired' });
});

test('a viewer cannot rotate, a developer cannot rotate a key above their role or someone else’s', async () => {
  const viewer = await svc.person('viewer');
  const dev = await svc.person('developer');
  const adminKey = await make({ role: 'admin' });
  const strangers = await make();
  for (const [caller, target] of [
    [viewer, viewer.keyId],
    [dev, adminKey.id],
    [dev, strangers.id],
  ] as const) {
    const res = await rotate(target, { overlap_seconds: 60 }, caller.key);
    expect([res.status, res.body.error.code]).toEqual([403, 'permission_denied']);
  }
  expect(await verify(adminKey.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
  const own = await rotate(dev.keyId, { overlap_seconds: 60 }, dev.key);
  expect(own.status).toBe(200);
});

test('the audit records the rotation without either secret; no secret reaches the store in plaintext', async () => {
  const k = await make({ name: 'audited' });
  const res = (await rotate(k.id, { overlap_seconds: 120 })).body;
  const events = (await svc.call('GET', `/v1/audit-events?action=api_key.rotate&target_id=${k.id}`)).body.audit_events;
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    action: 'api_key.rotate',
    target_type: 'api_key',
    target_id: k.id,
    details: { secret_version: 2, overlap_seconds: 120, previous_secret_expires_at: res.api_key.previous_secret_expires_at, delivery: 'response' },
  });
  const all = JSON.stringify((await svc.call('GET', '/v1/audit-events?page_size=200')).body);
  expect(all).not.toContain(res.secret);
  expect(all).not.toContain(k.secret);
  const bytes = Buffer.concat(readdirSync(svc.dir).map((f) => readFileSync(join(svc.dir, f))));
  for (const s of [res.secret, k.secret]) expect(bytes.includes(Buffer.from(s))).toBe(false);
});

describe('secret-store delivery', () => {
  let secretId: string;
  beforeAll(async () => {
    secretId = (await svc.call('POST', '/v1/secrets', { name: 'consumer-secret' })).body.id;
  });
  const latest = async () => (await svc.call('GET', `/v1/secrets/${secretId}/versions/latest`)).body;

  test('the new secret goes to the entry in the rotation’s transaction, not into the answer; the key remembers where', async () => {
    const k = (await svc.call('POST', '/v1/api-keys', { name: 'stored', delivery: { secret_store: { secret_id: secretId, entry_key: 'token' } } })).body;
    const first = (await latest()).entries.token as string;
    const res = await rotate(k.api_key.id, { overlap_seconds: 60, delivery: { secret_store: { secret_id: secretId, entry_key: 'token' } } });
    expect(res.status).toBe(200);
    expect(res.body.secret).toBeUndefined();
    const version = (await latest()).version as number;
    expect(res.body.delivery).toEqual({ mode: 'secret_store', secret_store: { secret_id: secretId, entry_key: 'token', version } });
    const stored = (await latest()).entries.token as string;
    expect(stored).not.toBe(first);
    expect(await verify(stored)).toMatchObject({ valid: true, key_id: k.api_key.id, matched_secret: 'current' });
    expect(await verify(first)).toMatchObject({ valid: true, key_id: k.api_key.id, matched_secret: 'previous' });
    const row = await svc.ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', k.api_key.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ delivered_secret_id: secretId, delivered_entry_key: 'token', delivered_version: version });
    // Rotated again into the answer: a key's secret is in one place, so the entry holding the previous secret
    // goes in the same transaction (the previous secret still works for the overlap), and the key forgets it.
    const plain = await svc.request({ method: 'POST', url: `/v1/api-keys/${k.api_key.id}/rotate`, body: { overlap_seconds: 60 } });
    expect(plain.body.delivery).toEqual({ mode: 'response' });
    const removedIn = (await latest()).version as number;
    expect(plain.headers['keyplane-delivered-entry']).toBe(`removed; secret=${secretId}; entry=token; version=${removedIn}`);
    const after = await svc.ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', k.api_key.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ delivered_secret_id: null, delivered_entry_key: null, delivered_version: null, secret_version: 3 });
    expect((await latest()).entries).not.toHaveProperty('token');
    expect(await verify(stored)).toMatchObject({ valid: true, key_id: k.api_key.id, matched_secret: 'previous' });
    const audit = (await svc.call('GET', `/v1/audit-events?target_id=${k.api_key.id}&action=api_key.rotate`)).body;
    expect(audit.audit_events[0].details.previous_entry).toEqual({
      secret_id: secretId,
      entry_key: 'token',
      delivered_version: version,
      outcome: 'removed',
      version: removedIn,
    });
  });

  test('rotated into another entry, the previous entry goes and the other entries of the secret stay; an entry rewritten since stays', async () => {
    const other = (await svc.call('POST', '/v1/secrets', { name: 'moved-to' })).body.id as string;
    await svc.call('POST', `/v1/secrets/${other}/versions`, { entries: { keep: 'hand-written' } });
    const k = (await svc.call('POST', '/v1/api-keys', { name: 'mover', delivery: { secret_store: { secret_id: secretId, entry_key: 'from' } } })).body;
    await svc.call('POST', `/v1/secrets/${secretId}/versions`, { entries: { neighbour: 'stays' } });
    const res = await rotate(k.api_key.id, { overlap_seconds: 60, delivery: { secret_store: { secret_id: other, entry_key: 'to' } } });
    expect(res.status).toBe(200);
    const moved = (await svc.call('GET', `/v1/secrets/${other}/versions/latest`)).body.entries;
    expect(moved.keep).toBe('hand-written');
    expect(await verify(moved.to)).toMatchObject({ valid: true, key_id: k.api_key.id, matched_secret: 'current' });
    const left = (await latest()).entries;
    expect(left).not.toHaveProperty('from');
    expect(left.neighbour).toBe('stays');
    // Moved within one secret: the same. An entry someone rewrote after the key delivered stays as written.
    await svc.call('POST', `/v1/secrets/${other}/versions`, { entries: { to: 'rewritten by hand' } });
    const again = await svc.request({
      method: 'POST',
      url: `/v1/api-keys/${k.api_key.id}/rotate`,
      body: { overlap_seconds: 60, delivery: { secret_store: { secret_id: other, entry_key: 'next' } } },
    });
    expect(again.status).toBe(200);
    expect(again.headers['keyplane-delivered-entry']).toBe(`kept; secret=${other}; entry=to; reason=not_current`);
    const last = (await svc.call('GET', `/v1/secrets/${other}/versions/latest`)).body.entries;
    expect(last.to).toBe('rewritten by hand');
    expect(await verify(last.next)).toMatchObject({ valid: true, key_id: k.api_key.id });
  });

  test('a secret the caller may not write is refused before anything changes', async () => {
    const dev = await svc.person('developer');
    const own = (await svc.call('GET', `/v1/api-keys/${dev.keyId}`)).body;
    const res = await rotate(dev.keyId, { delivery: { secret_store: { secret_id: secretId } } }, dev.key);
    expect([res.status, res.body.error.code, res.body.error.field]).toEqual([403, 'permission_denied', 'delivery.secret_store.secret_id']);
    expect((await svc.call('GET', `/v1/api-keys/${dev.keyId}`)).body.secret_version).toBe(own.secret_version);
    expect((await whoami(dev.key)).status).toBe(200);
  });

  test('a reader of the entry never gets a secret that does not verify, across several rotations', async () => {
    const k = (await svc.call('POST', '/v1/api-keys', { name: 'consumer', delivery: { secret_store: { secret_id: secretId, entry_key: 'consumer' } } })).body;
    let rotating = true;
    const seen = new Set<string>();
    const failures: unknown[] = [];
    let reads = 0;
    const reader = (async () => {
      while (rotating) {
        const value = (await latest()).entries.consumer as string;
        const answer = await verify(value);
        reads++;
        seen.add(value);
        if (!answer.valid || answer.key_id !== k.api_key.id) failures.push(answer);
      }
    })();
    for (let i = 0; i < 5; i++) {
      await sleep(30);
      const res = await rotate(k.api_key.id, { overlap_seconds: 60, delivery: { secret_store: { secret_id: secretId, entry_key: 'consumer' } } });
      expect(res.status).toBe(200);
    }
    await sleep(30);
    rotating = false;
    await reader;
    expect(failures).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(reads).toBeGreaterThan(5);
    expect((await svc.call('GET', `/v1/api-keys/${k.api_key.id}`)).body.secret_version).toBe(6);
  });
});

test('PGP delivery: the answer holds only the message, which decrypts to the new secret; a bad key changes nothing', async () => {
  const k = await make();
  const { publicKey, privateKey } = await pgpKeyPair();
  const res = await rotate(k.id, { overlap_seconds: 60, delivery: { pgp_public_key: publicKey } });
  expect(res.status).toBe(200);
  expect(res.body.secret).toBeUndefined();
  expect(res.body.delivery.mode).toBe('pgp');
  const message = res.body.delivery.pgp.encrypted_secret as string;
  expect(message).toMatch(/^-----BEGIN PGP MESSAGE-----/);
  const secret = await pgpDecrypt(message, privateKey);
  expect(await verify(secret)).toMatchObject({ valid: true, key_id: k.id, matched_secret: 'current' });
  expect(await verify(k.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });

  const bad = await rotate(k.id, { delivery: { pgp_public_key: 'not a key' } });
  expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([400, 'invalid_argument', 'delivery.pgp_public_key']);
  expect((await svc.call('GET', `/v1/api-keys/${k.id}`)).body.secret_version).toBe(2);
  expect(await verify(secret)).toMatchObject({ valid: true, matched_secret: 'current' });
});

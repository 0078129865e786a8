import { startTestService, type TestService } from '../../test/helpers/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

async function createKey(body: Record<string, unknown> = {}, key?: string) {
  const res = await svc.call('POST', '/v1/api-keys', { name: 'k', ...body }, key);
  expect(res.status).toBe(201);
  return res.body as { api_key: any; secret: string };
}

describe('POST /v1/api-keys: 400 names the field and writes nothing', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['unknown field', { name: 'a', owner: 'x' }, 'owner', /not a known field/],
    ['wrong type', { name: 42 }, 'name', /string/],
    ['missing name', {}, 'name', /required/],
    ['empty name', { name: '' }, 'name', /empty/],
    ['over-long name', { name: 'x'.repeat(129) }, 'name', /128/],
    ['over-long description', { name: 'a', description: 'd'.repeat(1025) }, 'description', /1024/],
    ['past expiry', { name: 'a', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at', /past/],
    ['non-RFC 3339 expiry', { name: 'a', expires_at: 'tomorrow' }, 'expires_at', /RFC 3339/],
    ['date without time', { name: 'a', expires_at: '2099-01-01' }, 'expires_at', /RFC 3339/],
    ['unknown scope', { name: 'a', scopes: ['billing.read'] }, 'scopes[0]', /catalogue/],
    ['malformed scope', { name: 'a', scopes: ['Bad Scope'] }, 'scopes[0]', /pattern/],
    ['duplicate scopes', { name: 'a', scopes: ['keyplane.audit.read', 'keyplane.audit.read'] }, 'scopes', /repeat/],
    ['unknown allow list', { name: 'a', allow_list_ids: ['al_0000000000000000000a'] }, 'allow_list_ids[0]', /does not exist/],
    ['bad label key', { name: 'a', labels: { 'bad key': 'v' } }, 'labels.bad key', /not an allowed key/],
    ['too many labels', { name: 'a', labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v'])) }, 'labels', /64/],
    ['label value of wrong type', { name: 'a', labels: { team: 1 } }, 'labels.team', /string/],
    ['bad role', { name: 'a', role: 'root' }, 'role', /./],
    ['unknown service account', { name: 'a', service_account_id: 'sa_0000000000000000000a' }, 'service_account_id', /does not exist/],
  ];
  test.each(cases)('%s', async (_name, body, field, message) => {
    const before = (await svc.call('GET', '/v1/api-keys?page_size=200')).body.api_keys.length;
    const res = await svc.call('POST', '/v1/api-keys', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_argument');
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
    expect((await svc.call('GET', '/v1/api-keys?page_size=200')).body.api_keys).toHaveLength(before);
  });

  test('invalid JSON is a 400 on the body', async () => {
    const res = await svc.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      payload: '{"name":',
      headers: { authorization: `Bearer ${svc.adminKey}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_argument', field: 'body' });
  });

  test('a body over 1 MiB is refused with 413', async () => {
    const res = await svc.call('POST', '/v1/api-keys', { name: 'a', description: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('401: who is not let in', () => {
  test('missing header, malformed key and unknown key', async () => {
    for (const [header, message] of [
      [undefined, /Bearer/],
      ['Bearer kp_short', /not known/],
      [`Bearer kp_${'A'.repeat(39)}`, /not known/],
      ['Basic abc', /Bearer/],
    ] as const) {
      const res = await svc.app.inject({ method: 'GET', url: '/v1/whoami', headers: header ? { authorization: header } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
      expect(res.json().error.message).toMatch(message);
    }
  });

  test('a revoked key is refused on the very next request, an expired key too', async () => {
    const { api_key, secret } = await createKey({ name: 'soon-revoked' });
    expect((await svc.call('GET', '/v1/whoami', undefined, secret)).status).toBe(200);
    expect((await svc.call('POST', `/v1/api-keys/${api_key.id}/revoke`, { reason: 'leaked' })).status).toBe(200);
    const res = await svc.call('GET', '/v1/whoami', undefined, secret);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);

    const expiring = await createKey({ name: 'expiring', expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await svc.call('GET', '/v1/whoami', undefined, expiring.secret)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const late = await svc.call('GET', '/v1/whoami', undefined, expiring.secret);
    expect(late.status).toBe(401);
    expect(late.body.error.message).toMatch(/expired/);
    expect((await svc.call('GET', `/v1/api-keys/${expiring.api_key.id}`)).body.status).toBe('expired');
    // Its expiry cannot be moved to bring it back (409 at expires_at); its name and labels still change.
    for (const expires_at of [null, new Date(Date.now() + 3_600_000).toISOString()]) {
      const revived = await svc.call('PATCH', `/v1/api-keys/${expiring.api_key.id}`, { expires_at });
      expect([revived.status, revived.body.error?.code, revived.body.error?.field]).toEqual([409, 'conflict', 'expires_at']);
    }
    expect((await svc.call('GET', '/v1/whoami', undefined, expiring.secret)).status).toBe(401);
    expect((await svc.call('PATCH', `/v1/api-keys/${expiring.api_key.id}`, { description: 'expired on schedule' })).status).toBe(200);
  });

  test('failed authentications are audited with the key id and address, never the key', async () => {
    const { api_key, secret } = await createKey({ name: 'audited' });
    await svc.call('POST', `/v1/api-keys/${api_key.id}/revoke`, {});
    await svc.call('GET', '/v1/whoami', undefined, secret);
    const events = (await svc.call('GET', `/v1/audit-events?action=auth.failed&key_id=${api_key.id}`)).body.audit_events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'failure', key_id: api_key.id, address: '127.0.0.1', details: { reason: 'revoked' } });
    const all = JSON.stringify((await svc.call('GET', '/v1/audit-events?page_size=200')).body);
    expect(all).not.toContain(secret);
    expect(all).not.toContain(secret.slice(3, 15));
  });
});

describe('key lifecycle', () => {
  test('the secret is returned by create only; reads never show it nor a hash', async () => {
    const { api_key, secret } = await createKey({ name: 'once', labels: { team: 'platform' } });
    expect(api_key.display_prefix).toBe(`${secret.slice(0, 7)}…${secret.slice(-4)}`);
    const reads = JSON.stringify([
      (await svc.call('GET', `/v1/api-keys/${api_key.id}`)).body,
      (await svc.call('GET', '/v1/api-keys?page_size=200')).body,
      (await svc.call('GET', '/v1/whoami', undefined, secret)).body,
    ]);
    expect(reads).not.toContain(secret);
    expect(reads).not.toMatch(/hash/);
  });

  test('an expiry with an offset is stored as the same instant', async () => {
    const { api_key } = await createKey({ expires_at: '2099-06-01T12:00:00.5+03:00' });
    expect(api_key.expires_at).toBe('2099-06-01T09:00:00.500Z');
  });

  test('PATCH changes only the fields sent', async () => {
    const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: 'office', cidrs: ['10.0.0.0/8'] })).body;
    const { api_key } = await createKey({ name: 'patch-me', description: 'before', labels: { a: '1' }, scopes: ['keyplane.audit.read'] });
    const res = await svc.call('PATCH', `/v1/api-keys/${api_key.id}`, { description: 'after', allow_list_ids: [list.id] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'patch-me', description: 'after', labels: { a: '1' }, scopes: ['keyplane.audit.read'], allow_list_ids: [list.id] });
    const cleared = await svc.call('PATCH', `/v1/api-keys/${api_key.id}`, { expires_at: '2099-01-01T00:00:00Z', labels: {} });
    expect(cleared.body).toMatchObject({ description: 'after', labels: {}, expires_at: '2099-01-01T00:00:00.000Z' });
    expect((await svc.call('PATCH', `/v1/api-keys/${api_key.id}`, { expires_at: null })).body.expires_at).toBeNull();
    const bad = await svc.call('PATCH', `/v1/api-keys/${api_key.id}`, { role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('role');
  });

  test('revoke keeps a tombstone; changing a revoked key is a conflict; delete removes it', async () => {
    const { api_key } = await createKey({ name: 'tomb' });
    const revoked = await svc.call('POST', `/v1/api-keys/${api_key.id}/revoke`, { reason: 'rotated' });
    expect(revoked.body).toMatchObject({ status: 'revoked', revoke_reason: 'rotated' });
    const again = await svc.call('POST', `/v1/api-keys/${api_key.id}/revoke`, { reason: 'other' });
    expect(again.body).toMatchObject({ revoke_reason: 'rotated', revoked_at: revoked.body.revoked_at });
    expect((await svc.call('GET', `/v1/api-keys/${api_key.id}`)).body).toMatchObject({ status: 'revoked', revoked_at: revoked.body.revoked_at });
    expect((await svc.call('PATCH', `/v1/api-keys/${api_key.id}`, { name: 'x' })).body.error.code).toBe('conflict');
    expect((await svc.call('DELETE', `/v1/api-keys/${api_key.id}`)).status).toBe(204);
    const gone = await svc.call('GET', `/v1/api-keys/${api_key.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
  });

  test('list filters and pages without duplicates or gaps', async () => {
    const sa = (await svc.call('POST', '/v1/service-accounts', { name: 'pager', role: 'developer' })).body;
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push((await createKey({ name: `page-${i}`, service_account_id: sa.id, labels: { batch: i % 2 ? 'odd' : 'even' } })).api_key.id);
    await svc.call('POST', `/v1/api-keys/${made[0]}/revoke`, {});
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const res: { body: { api_keys: { id: string }[]; next_page_token: string | null } } = await svc.call(
        'GET',
        `/v1/api-keys?service_account_id=${sa.id}&page_size=3${token ? `&page_token=${token}` : ''}`,
      );
      seen.push(...res.body.api_keys.map((k) => k.id));
      token = res.body.next_page_token;
    } while (token);
    expect(seen).toEqual(made);
    const odd = (await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&label=batch=odd`)).body.api_keys.map((k: any) => k.id);
    expect(odd).toEqual([made[1], made[3], made[5]]);
    const active = (await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&status=active`)).body.api_keys;
    expect(active).toHaveLength(6);
    expect((await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&status=revoked`)).body.api_keys.map((k: any) => k.id)).toEqual([made[0]]);
    expect((await svc.call('GET', `/v1/api-keys?service_account_id=${sa.id}&name_prefix=page-1`)).body.api_keys).toHaveLength(1);
    expect((await svc.call('GET', '/v1/api-keys?page_token=garbage')).body.error.field).toBe('page_token');
    expect((await svc.call('GET', '/v1/api-keys?page_size=500')).body.error.field).toBe('page_size');
  });
});

/**
 * Failed authentications are audited as counts per source (address, reason, key id) per window, written in
 * batches: a client that keeps failing causes no write per request, and nothing counted is lost, at shutdown
 * or when a write fails.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { generateKey } from '../../contract/key-format';
import { startTestService, type TestService } from '../../test/helpers/service';
import { FailedAuthRecorder } from './failed-auth';

const failedRows = async (svc: TestService, address: string) =>
  svc.ctx.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.failed').where('address', '=', address).execute();
const sumOf = (events: { details: { count: number } }[]) => events.reduce((n, e) => n + e.details.count, 0);

test('1,000 failures from one address write a handful of events whose counts add up to 1,000', async () => {
  const svc = await startTestService({ abuseLimits: { failedAuth: { max: 10 } } });
  try {
    const address = '198.51.100.20';
    const key = generateKey();
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => svc.request({ method: 'GET', url: '/v1/whoami', key, remoteAddress: address })));
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    // The first 10 were refused as unauthenticated, the rest as over the limit: all are failures, all counted.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 10, 429: 990 });
    expect((await failedRows(svc, address)).length).toBeLessThanOrEqual(3); // no write per failure
    const events = (await svc.call('GET', '/v1/audit-events?action=auth.failed&page_size=200')).body.audit_events.filter(
      (e: { address: string }) => e.address === address,
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.length).toBeLessThanOrEqual(5);
    expect(sumOf(events)).toBe(1000);
    for (const e of events) {
      expect(e).toMatchObject({ outcome: 'failure', key_id: null, details: { reason: 'unknown', method: 'GET', path: '/v1/whoami' } });
      expect(e.details.first_at <= e.details.last_at && e.details.last_at === e.time).toBe(true);
    }
  } finally {
    await svc.close();
  }
});

test('failures of different reasons, keys and addresses are counted apart', async () => {
  const svc = await startTestService();
  try {
    const revoked = (await svc.call('POST', '/v1/api-keys', { name: 'soon revoked' })).body;
    await svc.call('POST', `/v1/api-keys/${revoked.api_key.id}/revoke`, {});
    const fail = (key: string | null, remoteAddress: string) => svc.request({ method: 'GET', url: '/v1/whoami', key, remoteAddress });
    for (let i = 0; i < 3; i++) await fail(revoked.secret, '192.0.2.30');
    for (let i = 0; i < 2; i++) await fail(null, '192.0.2.30');
    await fail(generateKey(), '192.0.2.30');
    await fail(null, '192.0.2.31');
    await svc.ctx.failedAuth.flush();
    const counts = async (address: string) =>
      (await failedRows(svc, address)).map((r) => [JSON.parse(r.details).reason, r.actor_key_id, JSON.parse(r.details).count]);
    expect(await counts('192.0.2.30')).toEqual([
      ['revoked', revoked.api_key.id, 3],
      ['missing', null, 2],
      ['unknown', null, 1],
    ]);
    expect(await counts('192.0.2.31')).toEqual([['missing', null, 1]]);
  } finally {
    await svc.close();
  }
});

test('shutdown writes the failures counted and not yet written', async () => {
  const svc = await startTestService();
  const address = '203.0.113.40';
  for (let i = 0; i < 7; i++) await svc.request({ method: 'GET', url: '/v1/whoami', key: null, remoteAddress: address });
  expect(await failedRows(svc, address)).toEqual([]); // pending: the 5 s window has not passed
  expect(svc.ctx.failedAuth.pendingCount).toBe(7);
  // The order the server closes in (service/server.ts): the app, then the context.
  await svc.app.close();
  await svc.ctx.close();
  const db = new Database(join(svc.dir, 'keyplane.db'), { readonly: true });
  try {
    const rows = db.prepare("select address, details from audit_events where action = 'auth.failed' and address = ?").all(address) as {
      details: string;
    }[];
    expect(rows.map((r) => JSON.parse(r.details))).toEqual([expect.objectContaining({ reason: 'missing', count: 7 })]);
  } finally {
    db.close();
    rmSync(svc.dir, { recursive: true, force: true });
  }
});

test('a failed write keeps the counts for the next one', async () => {
  const svc = await startTestService();
  const errors: unknown[] = [];
  const recorder = new FailedAuthRecorder(svc.ctx.store.db, { windowMs: 60_000, maxSources: 100 }, (err) => errors.push(err));
  const failure = { address: '192.0.2.50', reason: 'unknown', method: 'GET', path: '/v1/whoami', requestId: 'req_1' };
  try {
    recorder.record(failure);
    recorder.record(failure);
    await sql`alter table audit_events rename to audit_events_away`.execute(svc.ctx.store.db);
    await recorder.flush();
    expect(errors).toHaveLength(1);
    await sql`alter table audit_events_away rename to audit_events`.execute(svc.ctx.store.db);
    recorder.record(failure);
    await recorder.stop();
    expect((await failedRows(svc, '192.0.2.50')).map((r) => JSON.parse(r.details).count)).toEqual([3]);
  } finally {
    await svc.close();
  }
});

test('past maxSources in a window, further sources are counted together per reason, without an address', async () => {
  const svc = await startTestService();
  const recorder = new FailedAuthRecorder(svc.ctx.store.db, { windowMs: 60_000, maxSources: 2 });
  try {
    const at = (address: string, reason = 'unknown') => recorder.record({ address, reason, method: 'GET', path: '/v1/whoami', requestId: 'req_x' });
    at('192.0.2.61');
    at('192.0.2.62');
    // The full window is written at once; meanwhile the next sources are counted together.
    at('192.0.2.63');
    at('192.0.2.64');
    at('192.0.2.61', 'missing');
    await recorder.stop();
    const rows = await svc.ctx.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'auth.failed').orderBy('id').execute();
    expect(rows.map((r) => [r.address, JSON.parse(r.details)])).toEqual([
      ['192.0.2.61', expect.objectContaining({ reason: 'unknown', count: 1 })],
      ['192.0.2.62', expect.objectContaining({ reason: 'unknown', count: 1 })],
      [null, expect.objectContaining({ reason: 'unknown', count: 2, other_sources: true })],
      [null, expect.objectContaining({ reason: 'missing', count: 1, other_sources: true })],
    ]);
  } finally {
    await svc.close();
  }
});

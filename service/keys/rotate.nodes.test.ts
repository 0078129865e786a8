/**
 * Rotation seen from two service nodes (real `startServer`, real HTTP on loopback) on one real PostgreSQL:
 * a rotation answered on one node is seen on the other at once, although that node had the old secret cached;
 * the previous secret is refused there from the instant its overlap ends; revoking during an overlap ends
 * both secrets on both nodes; a consumer reading the secret store through one node while the key is rotated
 * through the other never holds a secret that does not verify.
 */
import type { RunningServer } from '../server';
import { type TwoNodes, startTwoNodes } from '../../test/helpers/nodes';
import { describePostgres } from '../../test/helpers/postgres';
import { callApi } from '../../test/helpers/service';

describePostgres('rotation on two nodes of one PostgreSQL', () => {
  let nodes: TwoNodes;
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;

  const call = (node: RunningServer, method: string, path: string, body?: unknown, key = admin) => callApi(node.url, key, method, path, body);
  const create = async (node: RunningServer, body: Record<string, unknown> = {}) => {
    const res = await call(node, 'POST', '/v1/api-keys', { name: 'rotating', role: 'viewer', ...body });
    expect(res.status).toBe(201);
    return { id: res.body.api_key.id as string, secret: res.body.secret as string };
  };
  const rotate = async (node: RunningServer, id: string, body: Record<string, unknown>) => {
    const res = await call(node, 'POST', `/v1/api-keys/${id}/rotate`, body);
    expect(res.status).toBe(200);
    return res.body;
  };
  const verify = async (node: RunningServer, key: string) => (await call(node, 'POST', '/v1/keys/verify', { key })).body;
  const whoami = (node: RunningServer, key: string) => call(node, 'GET', '/v1/whoami', undefined, key);
  /** Uses the secret on `node` a few times, so the node holds it in its cache. */
  const warm = async (node: RunningServer, key: string) => {
    for (let i = 0; i < 3; i++) expect((await whoami(node, key)).status).toBe(200);
    expect((await verify(node, key)).valid).toBe(true);
  };

  beforeAll(async () => {
    nodes = await startTwoNodes('keyplane-rotate-nodes-');
    ({ a, b, admin } = nodes);
  }, 60_000);
  afterAll(() => nodes?.stop());

  test('rotated on A with overlap 0: B, which had the old secret cached, refuses it on its next request and accepts the new one', async () => {
    const k = await create(a);
    await warm(b, k.secret);
    const rotated = await rotate(a, k.id, { overlap_seconds: 0 });
    expect((await whoami(b, k.secret)).status).toBe(401);
    expect(await verify(b, k.secret)).toEqual({ valid: false, reason: 'unknown' });
    const who = await whoami(b, rotated.secret);
    expect([who.status, who.body.matched_secret, who.body.api_key.secret_version]).toEqual([200, 'current', 2]);
    expect(await verify(b, rotated.secret)).toMatchObject({ valid: true, key_id: k.id, matched_secret: 'current' });
  });

  test('rotated on A with an overlap: B accepts both at once, and refuses the previous one from the instant its overlap ends', async () => {
    const k = await create(a);
    await warm(b, k.secret);
    const rotated = await rotate(a, k.id, { overlap_seconds: 2 });
    const end = Date.parse(rotated.api_key.previous_secret_expires_at);
    expect(await verify(b, rotated.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
    expect(await verify(b, k.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
    expect((await whoami(b, k.secret)).body.matched_secret).toBe('previous');
    // Ask B over and over across the end: every answer that came back before it accepts, every request sent
    // from it on is refused. B keeps the record cached all along (no write happens meanwhile).
    const answers: { sent: number; received: number; valid: boolean }[] = [];
    while (Date.now() < end + 300) {
      const sent = Date.now();
      const { valid } = await verify(b, k.secret);
      answers.push({ sent, received: Date.now(), valid });
    }
    const before = answers.filter((x) => x.received < end);
    const after = answers.filter((x) => x.sent >= end);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(before.filter((x) => !x.valid)).toEqual([]);
    expect(after.filter((x) => x.valid)).toEqual([]);
    expect((await whoami(b, k.secret)).status).toBe(401);
    expect((await whoami(a, k.secret)).status).toBe(401);
    expect(await verify(b, rotated.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
  });

  test('a second rotation on B during the overlap ends the oldest secret on A at once', async () => {
    const k = await create(a);
    const second = await rotate(a, k.id, { overlap_seconds: 600 });
    await warm(a, k.secret);
    await warm(a, second.secret);
    const third = await rotate(b, k.id, { overlap_seconds: 600 });
    expect(await verify(a, k.secret)).toEqual({ valid: false, reason: 'unknown' });
    expect((await whoami(a, k.secret)).status).toBe(401);
    expect(await verify(a, second.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
    expect(await verify(a, third.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
  });

  test('two rotations at once, one on each node: both answer, one after the other; the original secret ends, at most two live', async () => {
    const k = await create(a);
    const [onA, onB] = await Promise.all([rotate(a, k.id, { overlap_seconds: 600 }), rotate(b, k.id, { overlap_seconds: 600 })]);
    expect([onA.api_key.secret_version, onB.api_key.secret_version].sort()).toEqual([2, 3]);
    const [first, last] = onA.api_key.secret_version === 2 ? [onA, onB] : [onB, onA];
    expect(last.api_key.previous_display_prefix).toBe(first.api_key.display_prefix);
    for (const node of [a, b]) {
      expect(await verify(node, k.secret)).toEqual({ valid: false, reason: 'unknown' });
      expect(await verify(node, first.secret)).toMatchObject({ valid: true, matched_secret: 'previous' });
      expect(await verify(node, last.secret)).toMatchObject({ valid: true, matched_secret: 'current' });
    }
  });

  test('revoked on A during an overlap: B refuses both secrets on its next request', async () => {
    const k = await create(a);
    const rotated = await rotate(a, k.id, { overlap_seconds: 600 });
    await warm(b, k.secret);
    await warm(b, rotated.secret);
    expect((await call(a, 'POST', `/v1/api-keys/${k.id}/revoke`, { reason: 'leak' })).status).toBe(200);
    for (const key of [k.secret, rotated.secret]) {
      expect((await whoami(b, key)).status).toBe(401);
      expect(await verify(b, key)).toMatchObject({ valid: false, reason: 'revoked' });
    }
  });

  test('a consumer reading the secret store through B while the key is rotated through A always holds a working secret', async () => {
    const secretId = (await call(a, 'POST', '/v1/secrets', { name: 'consumer' })).body.id as string;
    const to = { secret_store: { secret_id: secretId, entry_key: 'token' } };
    const k = (await call(a, 'POST', '/v1/api-keys', { name: 'consumer key', role: 'viewer', delivery: to })).body;
    let rotating = true;
    const failures: unknown[] = [];
    const seen = new Set<string>();
    let reads = 0;
    const reader = (async () => {
      while (rotating) {
        const value = (await call(b, 'GET', `/v1/secrets/${secretId}/versions/latest`)).body.entries.token as string;
        seen.add(value);
        for (const node of [b, a]) {
          const answer = await verify(node, value);
          if (!answer.valid || answer.key_id !== k.api_key.id) failures.push({ node: node === a ? 'A' : 'B', answer });
        }
        reads++;
      }
    })();
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const rotated = await rotate(a, k.api_key.id, { overlap_seconds: 60, delivery: to });
      expect(rotated.secret).toBeUndefined();
    }
    await new Promise((r) => setTimeout(r, 50));
    rotating = false;
    await reader;
    expect(failures).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(reads).toBeGreaterThan(5);
  });
});

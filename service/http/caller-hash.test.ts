/**
 * The caller's key hash kept per connection (service/http/caller-hash.ts): hashed once per connection and
 * key, never answered for another key, and over a real keep-alive connection each key still authenticates
 * as itself, and a key revoked mid-connection is refused on its next request.
 */
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { KeyHasher } from '../auth/key-hash';
import { generateKey } from '../../contract/key-format';
import { CallerHashes } from './caller-hash';
import { startHttpService, type HttpService } from '../../test/helpers/service';

test('one hash per connection and key; another key or another connection is hashed for itself', () => {
  const real = new KeyHasher(randomBytes(32));
  let hashed = 0;
  const counting = {
    hash: (k: string) => {
      hashed++;
      return real.hash(k);
    },
  } as KeyHasher;
  const hashes = new CallerHashes(counting);
  const [a, b] = [generateKey(), generateKey()];
  const conn1 = {};
  const conn2 = {};
  expect(hashes.hashOf(conn1, a)).toBe(real.hash(a));
  expect(hashes.hashOf(conn1, a)).toBe(real.hash(a));
  expect(hashed).toBe(1);
  expect(hashes.hashOf(conn1, b)).toBe(real.hash(b));
  expect(hashes.hashOf(conn1, a)).toBe(real.hash(a));
  expect(hashes.hashOf(conn2, a)).toBe(real.hash(a));
  expect(hashed).toBe(4);
  // Same length, one character off: never the remembered hash.
  const near = `${a.slice(0, -1)}${a.endsWith('A') ? 'B' : 'A'}`;
  expect(hashes.hashOf(conn1, near)).toBe(real.hash(near));
  // Not key-shaped: not hashed at all; no connection: hashed, not remembered.
  expect(hashes.hashOf(conn1, 'kp_short')).toBeUndefined();
  expect(hashes.hashOf(undefined, a)).toBe(real.hash(a));
});

describe('over one keep-alive connection', () => {
  let svc: HttpService;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  beforeAll(async () => {
    svc = await startHttpService();
  });
  afterAll(async () => {
    agent.destroy();
    await svc?.stop();
  });

  const whoami = (key: string) =>
    new Promise<{ status: number; keyId?: string; port: number }>((resolve, reject) => {
      const req = request(`${svc.endpoint}/v1/whoami`, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, keyId: JSON.parse(text).api_key?.id, port: req.socket!.localPort! }));
      });
      req.on('error', reject);
      req.end();
    });

  test('two keys taking turns each authenticate as themselves; a revoked one is refused at once', async () => {
    const one = (await svc.call('POST', '/v1/api-keys', { name: 'one', role: 'viewer' })).body;
    const two = (await svc.call('POST', '/v1/api-keys', { name: 'two', role: 'viewer' })).body;
    const ports = new Set<number>();
    for (let i = 0; i < 3; i++) {
      for (const k of [one, one, two]) {
        const r = await whoami(k.secret);
        expect([r.status, r.keyId]).toEqual([200, k.api_key.id]);
        ports.add(r.port);
      }
    }
    expect(ports.size).toBe(1); // one connection throughout
    expect((await svc.call('POST', `/v1/api-keys/${one.api_key.id}/revoke`)).status).toBe(200);
    expect((await whoami(one.secret)).status).toBe(401);
    expect((await whoami(two.secret)).status).toBe(200);
  });
});

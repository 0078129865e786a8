/**
 * The route authenticates a verify request as it arrives (the onRequest hook of service/app.ts), before its
 * body is read: a refused caller is answered at once, its body never read nor kept, and the failure (or the
 * caller's use of its key) is counted even when the body never comes. The fast path
 * (service/http/verify-fast-path.ts) must do the same, or any client sending an Authorization header could
 * make the service hold and parse a body of up to the body limit before being told its key is unknown. Each
 * test runs with the fast path on and off (the route alone), over raw sockets, since the point is what
 * happens before a body is complete.
 */
import { connect, type Socket } from 'node:net';
import { generateKey } from '../../contract/key-format';
import { startHttpService, type HttpService } from '../../test/helpers/service';

const VERIFY_SCOPE = 'keyplane.keys.verify';

/** Sends headers announcing `length` body bytes and `sent` of them; collects what comes back. */
function partialRequest(svc: HttpService, key: string, sent: string, length: number): { socket: Socket; received: () => string } {
  const socket = connect(Number(new URL(svc.endpoint).port), '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString('utf8');
  });
  socket.on('error', () => {});
  socket.write(
    `POST /v1/keys/verify HTTP/1.1\r\nHost: keyplane\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${sent}`,
  );
  return { socket, received: () => received };
}

const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.each([
  ['with the fast path', true],
  ['through the route alone', false],
])('%s, the caller is judged before the body is read', (_name, fastPath) => {
  let svc: HttpService;
  beforeAll(async () => {
    svc = await startHttpService({ app: { verifyFastPath: fastPath } });
  });
  afterAll(() => svc?.close());

  test('a caller key nobody has is answered 401 without waiting for its body', async () => {
    const { socket, received } = partialRequest(svc, generateKey(), '{"key":', 1000);
    try {
      for (let waited = 0; waited < 2000 && !received().includes('\r\n\r\n'); waited += 20) await settle(20);
      expect(received().split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    } finally {
      socket.destroy();
    }
  });

  test('a failed authentication is counted even when the client leaves mid-body', async () => {
    const record = jest.spyOn(svc.ctx.failedAuth, 'record');
    try {
      const { socket } = partialRequest(svc, generateKey(), '{"key":', 1000);
      await settle(200);
      socket.destroy();
      await settle(100);
      expect(record).toHaveBeenCalledTimes(1);
    } finally {
      record.mockRestore();
    }
  });

  test("a valid caller's use is counted when its request arrives, even if its body never comes", async () => {
    const made = await svc.call('POST', '/v1/api-keys', {
      name: 'limited verifier',
      role: 'viewer',
      scopes: [VERIFY_SCOPE],
      rate_limit: { limit: 2, window_seconds: 3600 },
    });
    expect(made.status).toBe(201);
    const caller = made.body.secret as string;
    for (let i = 0; i < 2; i++) {
      const { socket } = partialRequest(svc, caller, '{"key":', 1000);
      await settle(150);
      socket.destroy();
    }
    await settle(50);
    // Both uses were spent by the abandoned requests: a complete one is now over the key's limit.
    const { socket, received } = partialRequest(svc, caller, JSON.stringify({ key: svc.adminKey }), JSON.stringify({ key: svc.adminKey }).length);
    try {
      for (let waited = 0; waited < 2000 && !received().includes('\r\n\r\n'); waited += 20) await settle(20);
      expect(received().split('\r\n')[0]).toBe('HTTP/1.1 429 Too Many Requests');
    } finally {
      socket.destroy();
    }
  });
});

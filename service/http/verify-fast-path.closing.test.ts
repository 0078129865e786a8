/**
 * A verify request that arrived before the server began to close is answered by the route as any request in
 * flight is: in full, its refusals in the API's error shape. Fastify answers 503 only to requests that
 * arrive once it is closing (return503OnClosing, service/app.ts). The fast path (service/http/verify-fast-path.ts)
 * takes a request as it arrives and may hand it to Fastify later, when its body is in; so the server drains
 * the fast path before Fastify closes (service/server.ts close()). Run through the real server's close, with
 * the fast path on and off (the route alone).
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { initialisedDataDir } from '../../test/helpers/data-dir';
import { startHttpService } from '../../test/helpers/service';
import { startServer } from '../server';

const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

test.each([
  ['with the fast path', true],
  ['through the route alone', false],
])('%s, a request whose body ends while the server closes is answered as the route answers it', async (_name, verifyFastPath) => {
  const { dir, admin: secret } = await initialisedDataDir('keyplane-closing-');
  const server = await startServer({ dataDir: dir, listen: '127.0.0.1:0', logLevel: 'silent', verifyFastPath });
  let closed: Promise<void> | undefined;
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  try {
    let received = '';
    socket.on('data', (d: Buffer) => {
      received += d.toString('utf8');
    });
    socket.on('error', () => {});
    // A caller who may verify, and a body the route refuses (400 naming key): the fast path hands it over.
    const body = '{"key": 1}';
    socket.write(
      `POST /v1/keys/verify HTTP/1.1\r\nHost: keyplane\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 3)}`,
    );
    await settle(100);
    closed = server.close();
    await settle(50);
    socket.write(body.slice(3));
    for (let waited = 0; waited < 2000 && !received.includes('\r\n\r\n'); waited += 20) await settle(20);
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'invalid_argument', message: 'key must be of type string', field: 'key' },
    });
  } finally {
    socket.destroy();
    await (closed ?? server.close());
    rmSync(dir, { recursive: true, force: true });
  }
});

test('drain() waits for a request the fast path took, and a second call waits for the same', async () => {
  const svc = await startHttpService();
  const socket = connect(Number(new URL(svc.endpoint).port), '127.0.0.1');
  try {
    let received = '';
    socket.on('data', (d: Buffer) => {
      received += d.toString('utf8');
    });
    const body = JSON.stringify({ key: svc.adminKey });
    socket.write(
      `POST /v1/keys/verify HTTP/1.1\r\nHost: keyplane\r\nAuthorization: Bearer ${svc.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 3)}`,
    );
    await settle(100);
    const fastPath = svc.app.verifyFastPath!;
    let drained = 0;
    const first = fastPath.drain().then(() => drained++);
    const second = fastPath.drain().then(() => drained++);
    await settle(100);
    expect(drained).toBe(0); // the request is still in flight
    socket.write(body.slice(3));
    await Promise.race([Promise.all([first, second]), settle(2000)]);
    expect(drained).toBe(2);
    for (let waited = 0; waited < 2000 && !received.includes('\r\n\r\n'); waited += 20) await settle(20);
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(fastPath.answered).toBe(1);
  } finally {
    socket.destroy();
    await svc.close();
  }
});

import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { listenTcp } from './tcp-listener';

/** A port held by another server on 127.0.0.1 (so listening on it fails with EADDRINUSE). */
function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => resolve(s));
  });
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;
const closeAll = (servers: Server[]) => Promise.all(servers.map((s) => new Promise((r) => s.close(r))));

/** Two consecutive ports, both free when found (the one after a system-chosen port, retried until free). */
async function twoFreePorts(): Promise<[number, number]> {
  for (;;) {
    const a = await occupy();
    const p = portOf(a);
    const b = await occupy(p + 1).catch(() => undefined);
    await closeAll(b ? [a, b] : [a]);
    if (b && p + 1 <= 65535) return [p, p + 1];
  }
}

describe('listenTcp', () => {
  it('listens on 127.0.0.1 on a port the system chooses when no range is given', async () => {
    const listener = await listenTcp();
    try {
      expect(listener.network).toBe('tcp');
      expect(listener.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const got = new Promise<string>((resolve) =>
        listener.accept((socket) => {
          socket.setEncoding('utf8').once('data', resolve);
          socket.resume();
        }),
      );
      const [host, port] = listener.address.split(':');
      const c = connect({ host, port: Number(port) }, () => c.end('hello'));
      expect(await got).toBe('hello');
    } finally {
      listener.close();
    }
  });

  it('takes the first free port of the range, skipping one in use', async () => {
    const [first, second] = await twoFreePorts();
    const taken = await occupy(first);
    try {
      const listener = await listenTcp({ min: first, max: second });
      expect(listener.address).toBe(`127.0.0.1:${second}`);
      listener.close();
    } finally {
      await closeAll([taken]);
    }
  });

  it('takes the lowest port of a free range', async () => {
    const [first, second] = await twoFreePorts();
    const listener = await listenTcp({ min: first, max: second });
    expect(listener.address).toBe(`127.0.0.1:${first}`);
    listener.close();
  });

  it('fails naming PLUGIN_MIN_PORT and PLUGIN_MAX_PORT when every port of the range is in use', async () => {
    const taken = await occupy();
    const port = portOf(taken);
    try {
      await expect(listenTcp({ min: port, max: port })).rejects.toThrow(
        `no free TCP port: could not listen on 127.0.0.1 on port ${port} (PLUGIN_MIN_PORT=${port}, PLUGIN_MAX_PORT=${port}): it is in use`,
      );
    } finally {
      await closeAll([taken]);
    }
  });
});

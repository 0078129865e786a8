/**
 * An HTTP proxy in front of a real service that answers chosen requests with a fault and passes everything
 * else through: how the tests make one step of a real exchange fail (a 503 from an overloaded store, a 401,
 * a dropped connection).
 */
import { createServer, request } from 'node:http';

/**
 * A canned answer for requests a `faultyProxy` intercepts; 'reset': the connection dropped unanswered, before
 * the service saw the request; 'lose-answer': the request reaches the service, which acts, and the connection
 * drops before its answer comes back.
 */
export type Fault = { status: number; code: string; message: string } | 'reset' | 'lose-answer';

export interface FaultyProxy {
  endpoint: string;
  /**
   * Requests matching `method` and `path` (exact, or a pattern) get `fault` from now on (only the next
   * `times` of them, when given); null passes them through again.
   */
  fail(method: string, path: string | RegExp, fault: Fault | null, times?: number): void;
  /** How many requests for `method path` arrived (faulted or passed through). */
  hits(method: string, path: string): number;
  close(): Promise<void>;
}

/** Starts a proxy in front of `service`; every request passes through until `fail` says otherwise. */
export async function faultyProxy(service: { endpoint: string }): Promise<FaultyProxy> {
  const faults = new Map<string, { method: string; path: string | RegExp; fault: Fault; left: number }>();
  const counts = new Map<string, number>();
  const upstream = new URL(service.endpoint);
  const key = (method: string, path: string | RegExp) => `${method} ${String(path)}`;
  const proxy = createServer((req, res) => {
    const what = `${req.method} ${req.url}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
    const url = req.url ?? '';
    const hit = [...faults.values()].find((f) => f.left > 0 && f.method === req.method && (typeof f.path === 'string' ? f.path === url : f.path.test(url)));
    if (hit) {
      hit.left -= 1;
      if (hit.fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (hit.fault === 'lose-answer') {
        const fwd = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
          up.resume();
          up.on('end', () => req.socket.destroy());
        });
        fwd.on('error', () => req.socket.destroy());
        req.pipe(fwd);
        return;
      }
      req.resume();
      res
        .writeHead(hit.fault.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: hit.fault.code, message: hit.fault.message } }));
      return;
    }
    const fwd = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const port = (proxy.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    fail(method, path, fault, times = Infinity) {
      if (fault) faults.set(key(method, path), { method, path, fault, left: times });
      else faults.delete(key(method, path));
    },
    hits: (method, path) => counts.get(`${method} ${path}`) ?? 0,
    async close() {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    },
  };
}

/**
 * A TCP gate in front of a real service, for faults below HTTP: it passes connections through, or refuses
 * them (its port closed: ECONNREFUSED, exactly as a stopped service), drops them once a request arrives,
 * never answers, or answers 503. `closeOnRequest` shuts it at a chosen request, as a service killed mid-apply.
 */
import { type Server, type Socket, createConnection, createServer } from 'node:net';

export type GateMode = 'pass' | 'refuse' | 'reset' | 'hang' | '503';

export interface TcpGate {
  endpoint: string;
  set(mode: GateMode): Promise<void>;
  /** From now on, the `nth` request (default the first) whose request line starts with `prefix`
   * (`POST /v1/api-keys `) is dropped and the gate refuses every connection after it. */
  closeOnRequest(prefix: string, nth?: number): void;
  /** Resolves once the gate has closed that way. */
  closed(): Promise<void>;
  close(): Promise<void>;
}

const ANSWER_503 =
  'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nx-request-id: req-gate-503\r\nconnection: close\r\n\r\n{"error":{"code":"unavailable","message":"the store is overloaded"}}';

export async function tcpGate(upstream: string): Promise<TcpGate> {
  const up = new URL(upstream);
  let mode: GateMode = 'pass';
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let port = 0;
  let trigger: string | undefined;
  let left = 0;
  let onClosed: () => void = () => undefined;
  const closedOnce = new Promise<void>((r) => {
    onClosed = r;
  });

  const shut = async () => {
    for (const s of sockets) s.destroy();
    if (mode !== 'refuse') await new Promise((r) => server!.close(r));
    mode = 'refuse';
  };

  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
        if (mode === 'reset') return void s.once('data', () => s.resetAndDestroy());
        if (mode === 'hang') return;
        if (mode === '503') return void s.once('data', () => s.end(ANSWER_503));
        const u = createConnection({ host: up.hostname, port: Number(up.port) });
        u.on('error', () => s.destroy());
        s.on('close', () => u.destroy());
        u.pipe(s);
        s.on('data', (chunk: Buffer) => {
          if (trigger !== undefined && chunk.toString('latin1').startsWith(trigger) && --left === 0) {
            trigger = undefined;
            void shut().then(onClosed);
            return;
          }
          u.write(chunk);
        });
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await open();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async set(next) {
      for (const s of sockets) s.destroy();
      if (next === 'refuse' && mode !== 'refuse') await new Promise((r) => server!.close(r));
      else if (next !== 'refuse' && mode === 'refuse') await open();
      mode = next;
    },
    closeOnRequest(prefix, nth = 1) {
      trigger = prefix;
      left = nth;
    },
    closed: () => closedOnce,
    async close() {
      await shut();
    },
  };
}

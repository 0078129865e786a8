/**
 * The service's port. By default the last run's, else 7420, else any free one, said aloud; a port the user
 * chose (`--port`, KEYPLANE_QUICKSTART_PORT) is used or refused, never swapped for another.
 * @module
 */
import { createServer } from 'node:net';
import { InvalidArgumentError } from 'commander';
import { fail, say } from './console';

export const DEFAULT_PORT = 7420;
export const PORT_ENV = 'KEYPLANE_QUICKSTART_PORT';

/** A port the user chose, and where it came from, for messages. */
export interface ChosenPort {
  port: number;
  source: '--port' | typeof PORT_ENV;
}

/** commander's parser for `--port` and its variable: a whole number from 1 to 65535. */
export function parsePort(value: string): number {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new InvalidArgumentError('A port is a whole number from 1 to 65535.');
  return port;
}

/** Whether 127.0.0.1:`port` can be listened on: undefined when it can, else the error code (EADDRINUSE, EACCES…). */
export function portProblem(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(undefined)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Fails, naming the flag or variable, unless the chosen port can be listened on. */
export async function requireFree(chosen: ChosenPort, relData: string): Promise<void> {
  const problem = await portProblem(chosen.port);
  if (problem === undefined) return;
  const why =
    problem === 'EADDRINUSE'
      ? `is taken by a program other than the quickstart's service for ${relData}`
      : problem === 'EACCES'
        ? 'needs privileges this user does not have (EACCES)'
        : `cannot be listened on (${problem})`;
  fail(`port ${chosen.port} (from ${chosen.source}) ${why}: free it, or choose another port with --port or ${PORT_ENV}`);
}

/** The last run's port (the state's keys live in the store, whatever the port), else 7420, else any free port. */
export async function defaultPort(lastPort: number | undefined): Promise<number> {
  for (const candidate of [lastPort, DEFAULT_PORT]) {
    if (candidate !== undefined && (await portProblem(candidate)) === undefined) return candidate;
  }
  const port = await anyFreePort();
  say(`port ${DEFAULT_PORT} is taken; using ${port}`);
  return port;
}

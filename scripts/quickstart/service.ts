/**
 * The Keyplane service the quickstart runs in the background (`keyplane server start` on its data dir): how
 * it is started, recognised by its pid file, checked (GET /healthz through the client) and stopped.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { KeyplaneClient } from '../../client';
import { fail, say, show, step } from './console';
import type { Paths } from './paths';

/** Start-up may take this long before /healthz answers. */
const START_TIMEOUT_MS = 15_000;
/** After SIGTERM (it drains and closes the database), SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;
/** One health check; a service that takes longer counts as not answering. */
const HEALTH_TIMEOUT_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const endpointOf = (port: number) => `http://127.0.0.1:${port}`;

/** A whole number written to one of the data dir's files (server.pid, port), else undefined. */
export function readNumber(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return spawnSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8' }).stdout ?? '';
  }
}

/**
 * The pid of the quickstart's service when it is running, else undefined. Only a process that still is our
 * `keyplane server start` on this data dir counts: a stale pid file may name a pid reused by something else.
 */
export function runningServerPid(p: Paths): number | undefined {
  const pid = readNumber(p.pidFile);
  if (pid === undefined || !alive(pid)) return undefined;
  return commandLine(pid).includes(`server start --data ${p.relData} `) ? pid : undefined;
}

/** Whether the service at `port` answers /healthz within HEALTH_TIMEOUT_MS. */
export async function healthy(port: number): Promise<boolean> {
  const client = new KeyplaneClient({ endpoint: endpointOf(port), timeoutMs: HEALTH_TIMEOUT_MS, retries: 0 });
  try {
    await client.health();
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** Stops the quickstart's service, if one runs, and removes its pid file. */
export async function stopServer(p: Paths): Promise<void> {
  const pid = runningServerPid(p);
  if (pid === undefined) return;
  say(`stopping the quickstart service (pid ${pid})`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (const deadline = Date.now() + STOP_TIMEOUT_MS; alive(pid) && Date.now() < deadline; ) await sleep(100);
  if (alive(pid)) {
    process.stderr.write(`it did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it\n`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  rmSync(p.pidFile, { force: true });
}

/**
 * Starts `keyplane server start` on the data dir in the background and waits until it answers. It runs in a
 * session of its own (`detached`), so a Ctrl-C here does not stop it, and writes to server.log rather than
 * to our stdout, so callers waiting for our output to end are not held by it. Resolves with its pid.
 */
export async function startServer(p: Paths, port: number): Promise<number> {
  const listen = `127.0.0.1:${port}`;
  step(`Starting the service in the background on ${endpointOf(port)} (log: ${p.relData}/server.log)`);
  show('keyplane', ['server', 'start', '--data', p.relData, '--listen', listen]);
  const log = openSync(p.serverLog, 'w');
  const child = spawn(process.execPath, [p.cli, 'server', 'start', '--data', p.relData, '--listen', listen, '--log-level', 'warn'], {
    cwd: p.root,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const pid = child.pid;
  if (pid === undefined) fail(`cannot start the service: ${await new Promise((resolve) => child.once('error', (e) => resolve(e.message)))}`);
  writeFileSync(p.pidFile, `${pid}\n`);
  writeFileSync(p.portFile, `${port}\n`);
  const showLog = () => process.stderr.write(readFileSync(p.serverLog, 'utf8'));
  for (const deadline = Date.now() + START_TIMEOUT_MS; ; ) {
    if (await healthy(port)) break;
    if (exited) {
      showLog();
      fail('the service exited during start-up (log above)');
    }
    if (Date.now() >= deadline) {
      showLog();
      fail(`the service did not answer /healthz within ${START_TIMEOUT_MS / 1000} s`);
    }
    await sleep(100);
  }
  child.unref();
  say(`the service answers ${endpointOf(port)}/healthz (pid ${pid})`);
  return pid;
}

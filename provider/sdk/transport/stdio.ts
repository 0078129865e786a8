/**
 * @module transport/stdio
 * Keeps stdout for the handshake alone. go-plugin reads only the first stdout line: anything printed before
 * the handshake (a console.log, a library notice) becomes "the handshake" and Terraform fails with
 * "Unrecognized remote plugin message" [verified]. After it, Terraform drains stdout with a line scanner
 * that stops at a line over 64 KiB, after which a synchronous pipe write could block the process for good.
 *
 * So, before anything else can print: every later stdout write goes to stderr instead, and console.log,
 * info, debug, warn and error become hclog JSON lines at their level (Terraform re-logs them under the
 * provider). The handshake is written through the original stdout writer this returns.
 */
import { Console } from 'node:console';
import { format } from 'node:util';
import type { HclogLogger } from './logger';

type Write = typeof process.stdout.write;

let original: ((text: string) => void) | undefined;

/**
 * Redirects stdout and console; returns a function that writes to the real stdout (for the handshake
 * line). Calling it again returns the same writer.
 */
export function takeOverStdout(log: HclogLogger): (text: string) => void {
  if (original) return original;
  const stdoutWrite = process.stdout.write.bind(process.stdout) as Write;
  original = (text: string) => {
    stdoutWrite(text);
  };
  process.stdout.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, cb)) as Write;

  const consoleLog = log.with({ source: 'console' });
  const levels = { log: 'info', info: 'info', debug: 'debug', warn: 'warn', error: 'error' } as const;
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => consoleLog[level](format(...args));
  }
  // The rest of console (dir, table, trace, group, time...) keeps its formatting, on stderr.
  const toStderr = new Console({ stdout: process.stderr, stderr: process.stderr });
  for (const key of Object.keys(console) as (keyof Console)[]) {
    if (key in levels || typeof toStderr[key] !== 'function') continue;
    (console as unknown as Record<string, unknown>)[key] = (toStderr[key] as (...args: unknown[]) => unknown).bind(toStderr);
  }
  return original;
}

/**
 * What every API command shares: the client built from --endpoint/--api-key (or KEYPLANE_ENDPOINT and
 * KEYPLANE_API_KEY), the output format, and the exit-code convention (0 ok, 1 API or connection error,
 * 2 usage).
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { keyFormatProblem } from '../service/auth/key-format';
import { KeyplaneApiError, KeyplaneClient, KeyplaneConnectionError } from '../client';
import type { Format } from './output';

export class UsageError extends Error {}

export interface GlobalOptions {
  endpoint?: string;
  apiKey?: string;
  caCert?: string;
  output: Format;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Rejects a mistyped key by its checksum, before any network call. */
export function checkKeyFormat(key: string, option: string): void {
  const problem = keyFormatProblem(key);
  if (problem) throw new UsageError(`${option} is not a well-formed Keyplane key (${problem === 'checksum' ? 'checksum mismatch: a character is wrong' : `bad ${problem}`})`);
}

export function clientFor(cmd: Command): KeyplaneClient {
  const g = globals(cmd);
  const endpoint = g.endpoint ?? process.env.KEYPLANE_ENDPOINT;
  const apiKey = g.apiKey ?? process.env.KEYPLANE_API_KEY;
  if (!endpoint) throw new UsageError('no endpoint: pass --endpoint URL or set KEYPLANE_ENDPOINT');
  if (!apiKey) throw new UsageError('no API key: pass --api-key KEY or set KEYPLANE_API_KEY');
  checkKeyFormat(apiKey, g.apiKey ? '--api-key' : 'KEYPLANE_API_KEY');
  return new KeyplaneClient({ endpoint, apiKey, caCert: g.caCert ? readFileSync(g.caCert) : undefined, userAgent: 'keyplane-cli' });
}

/** Wraps an action so errors become the documented exit codes and a message on stderr. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      if (err instanceof KeyplaneApiError) {
        process.stderr.write(`error: ${err.message}${err.field ? ` (field: ${err.field})` : ''} [${err.status} ${err.code}]\n`);
        process.exit(1);
      }
      if (err instanceof KeyplaneConnectionError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseLabels(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0) throw new UsageError(`--label ${p} is not KEY=VALUE`);
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}

export function parseBool(value: string, option: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${option} takes true or false`);
}

/**
 * Exit codes and how failures are reported: 0 ok, 1 the API refused or could not be reached (or a local
 * file operation failed), 2 usage (a bad flag, a missing endpoint, a malformed key). Every message goes to
 * stderr, prefixed `error:`; stdout stays for results.
 * @module
 */
import { KeyplaneApiError, KeyplaneConnectionError } from '../client';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: exit 2 before anything is sent. */
export class UsageError extends Error {}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/** The line printed for a failure, and the exit code. Never includes a key: API messages do not hold one. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof UsageError) return { message: err.message, exitCode: EXIT_USAGE };
  if (err instanceof KeyplaneApiError) {
    const field = err.field ? ` (field: ${err.field})` : '';
    return { message: `${err.message}${field} [${err.status} ${err.code}]`, exitCode: EXIT_FAILURE };
  }
  if (err instanceof KeyplaneConnectionError) {
    let hint = '';
    if (err.code === 'ECONNREFUSED') hint = '; is the service running there? (--endpoint or KEYPLANE_ENDPOINT)';
    else if (TLS_CODES.test(err.code)) hint = "; pass the CA certificate that signed the service's certificate with --ca-cert FILE";
    return { message: `${err.message}${hint}`, exitCode: EXIT_FAILURE };
  }
  return { message: err instanceof Error ? err.message : String(err), exitCode: EXIT_FAILURE };
}

/**
 * Wraps a commander action: a failure is printed and becomes the exit code. The code is set rather than
 * exiting on the spot, so stdout is flushed before the process ends.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const { message, exitCode } = describeFailure(err);
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = exitCode;
    }
  };
}

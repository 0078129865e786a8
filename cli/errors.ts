/**
 * Exit codes and how failures are reported: 0 ok, 1 the API refused or could not be reached (or a local
 * file operation failed), 2 usage (a bad flag, a missing endpoint, a malformed key), and for `keyplane
 * verify` 3 to 6, a key that does not pass. Every message goes to stderr, prefixed `error:`; stdout stays for
 * results.
 * @module
 */
import { KeyplaneApiError, KeyplaneConnectionError } from '../client';
import type { VerifyFailure } from '../contract/verify-failures';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * `keyplane verify` of a key that does not pass, by the service's reason: a script can tell a key to forget
 * (unknown, revoked, expired) from one refused for this use only. 1 and 2 keep their meaning: the answer
 * could not be had.
 */
export const VERIFY_EXIT_CODES: Readonly<Record<VerifyFailure, number>> = {
  unknown: 3,
  revoked: 4,
  expired: 5,
  ip_not_allowed: 6,
  scope_missing: 6,
  owner_disabled: 6,
  rate_limited: 6,
};

/** The command line is wrong: exit 2 before anything is sent. */
export class UsageError extends Error {}

const MAY_HAVE_ACTED = '; the service may have carried it out: check whether it took effect before repeating the command';

/** What to do about a connection failure, by the client's reading of its code (`failure` in client/errors.ts). */
function connectionHint(err: KeyplaneConnectionError): string {
  switch (err.failure) {
    case 'refused':
      return '; is the service running there? (--endpoint or KEYPLANE_ENDPOINT)';
    case 'unreachable':
      return '; check the host in --endpoint or KEYPLANE_ENDPOINT';
    case 'tls':
      return "; pass the CA certificate that signed the service's certificate with --ca-cert FILE";
    case 'timeout':
      return `; the service did not answer in time${err.mayHaveActed ? MAY_HAVE_ACTED : ''}`;
    case 'lost':
      return err.mayHaveActed ? MAY_HAVE_ACTED : '';
    default:
      return '';
  }
}

/** The line printed for a failure, and the exit code. Never includes a key: API messages do not hold one. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof UsageError) return { message: err.message, exitCode: EXIT_USAGE };
  if (err instanceof KeyplaneApiError) {
    const field = err.field ? ` (field: ${err.field})` : '';
    return { message: `${err.message}${field} [${err.status} ${err.code}]`, exitCode: EXIT_FAILURE };
  }
  if (err instanceof KeyplaneConnectionError) {
    return { message: `${err.message}${connectionHint(err)}`, exitCode: EXIT_FAILURE };
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

/**
 * What the service's logger never prints, whoever builds the logger (service/server.ts, or buildApp from pino
 * options): the Authorization and Cookie headers and request and response bodies by path, and anything
 * shaped like a key in any field of any line (a key pasted into a URL, a message, an error) by shape.
 * @module
 */
import type { LoggerOptions } from 'pino';
import { withoutKeys } from '../../contract/key-format';

/** Paths pino must never print: keys travel in the Authorization header and in verify bodies. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.body'];

/** The pino options every logger of the service carries. */
export const LOG_SAFETY = {
  redact: { paths: LOG_REDACT, censor: '[redacted]' },
  hooks: { streamWrite: withoutKeys },
} satisfies LoggerOptions;

/** `given` pino options with LOG_SAFETY: their own `redact` paths replace LOG_REDACT; the key filter always runs last. */
export function safeLoggerOptions(given: LoggerOptions): LoggerOptions {
  const theirs = given.hooks?.streamWrite;
  return {
    ...given,
    redact: given.redact ?? LOG_SAFETY.redact,
    hooks: { ...given.hooks, streamWrite: theirs ? (line) => withoutKeys(theirs(line)) : withoutKeys },
  };
}

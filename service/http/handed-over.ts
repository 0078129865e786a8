/**
 * A request the verify fast path (service/http/verify-fast-path.ts) began and then handed to Fastify, so that
 * Fastify's pipeline gives the answer its own way (errors, refusals, their audit and limits). When the fast
 * path has already read the body, it is kept here for the route to parse again (a refused caller's request
 * is handed over unread, and Fastify reads nothing of it either); and when it has already verified the
 * caller's key, that outcome is kept too, so the key is verified once: a second verification would count one
 * request twice against the key's rate limit. Keyed by the Node request object, which only this process
 * holds, so nothing a client sends can set either.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { VerifyOutcome } from '../keys/verifier';

interface HandedOver {
  /** The body the fast path read; absent when it handed the request over before reading it. */
  body?: Buffer | undefined;
  /** The caller's bearer key, verified; absent when the fast path stopped before verifying it. */
  callerOutcome?: VerifyOutcome | undefined;
}

const handedOver = new WeakMap<IncomingMessage, HandedOver>();

export function handOver(request: IncomingMessage, body: Buffer | undefined, callerOutcome?: VerifyOutcome): void {
  handedOver.set(request, { body, callerOutcome });
}

/** The body the fast path read, as a stream for Fastify's preParsing hook; undefined when it read none. */
export function handedOverBody(request: IncomingMessage): Readable | undefined {
  const body = handedOver.get(request)?.body;
  return body ? Readable.from([body], { objectMode: false }) : undefined;
}

/** The caller's verification the fast path did, taken once; undefined when it did none. */
export function takeCallerOutcome(request: IncomingMessage): VerifyOutcome | undefined {
  const entry = handedOver.get(request);
  const outcome = entry?.callerOutcome;
  if (entry) entry.callerOutcome = undefined;
  return outcome;
}

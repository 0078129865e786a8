/**
 * `POST /v1/keys/verify` answered beside Fastify. Verification is the hot path: another service calls it for
 * each request it serves, and Fastify's generic pipeline (routing, hooks, child logger, content-type parsing,
 * reply) cost more than the verification itself (bench/README.md). The fast path sits in front of Fastify's
 * request listener and answers only what it can answer exactly as the route would: a well-formed request
 * from a caller whose key verifies and may verify keys. Everything else is handed to Fastify, whose route
 * (service/keys/verify-routes.ts) gives the answer its own way: errors, refusals, their audit and limits.
 *
 * The same parts decide in both: the body schema (service/http/validation.ts), the bearer verification
 * (service/http/auth.ts) and the answer (service/keys/verify-answer.ts). The body is parsed by a narrower rule
 * than the route's (plainJson, below), which hands over every body the route's parser would treat specially.
 * Nothing is done twice for a handed-over request: its body, if already read, is given to the route to parse
 * again, and the caller's verification, already counted, is reused (service/http/handed-over.ts).
 *
 * Never taken: another method or path (a query string included), no bearer header, a content type other
 * than plain `application/json`, a chunked or oversized body, debug logging (the route writes a line per
 * request there), and a draining or closing server (see VerifyFastPath.drain). As in the route, the caller
 * is verified as the request arrives: a caller refused is handed over before its body is read, so no body
 * is read or kept for a client whose key does not verify.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import fastJsonStringify from 'fast-json-stringify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { VerifyBody, VerifyResponse } from '../../contract/api/verify';
import type { ServiceContext } from '../context';
import { answerVerify } from '../keys/verify-answer';
import { authOf, type KeyAuthentication } from './auth';
import { handOver } from './handed-over';
import { nextRequestId } from './request-ids';
import { validatorCompiler } from './validation';

export const VERIFY_PATH = '/v1/keys/verify';

/**
 * Whether a verification's per-request lines ("incoming request", "request completed") are written: only from
 * debug level on (service/app.ts), where the fast path leaves every verification to the route. Without a
 * logger (logger: false) there is nothing to write.
 */
export function logsEachVerification(log: FastifyBaseLogger): boolean {
  return (log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('debug') ?? false;
}

/** The content types the route's parser takes that need no parsing of parameters. */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as the route's parser (service/http/json-body.ts) would give it, for bodies where that needs no
 * more than JSON.parse; undefined for every other body, which the route parses and refuses or takes itself.
 * Text that decodes as strict UTF-8 is well-formed, and without a `\u` escape JSON cannot put a lone
 * surrogate or a NUL into a string (raw control characters are not JSON), so neither walk could find one;
 * without `__proto__` or `constructor` anywhere, Fastify's secure-json-parse returns what JSON.parse does; a
 * byte-order mark, which it strips, makes JSON.parse fail here. Deep nesting fails the schema at its first
 * level (the body's fields are strings and a list of strings), with no recursion.
 */
function plainJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (text.includes('\\u') || text.includes('__proto__') || text.includes('constructor')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface VerifyFastPathOptions {
  ctx: ServiceContext;
  auth: KeyAuthentication;
  /** As Fastify's bodyLimit: a larger body is handed over (Fastify answers 413). */
  bodyLimit: number;
  /** CIDRs of proxies whose X-Forwarded-For is believed, as given to Fastify's trustProxy. */
  trustedProxies?: string[] | undefined;
}

/** How many requests the fast path answered and how many it handed to Fastify after starting them (verifying the caller). */
export interface VerifyFastPathCounts {
  answered: number;
  handedOver: number;
}

export interface VerifyFastPath extends VerifyFastPathCounts {
  /**
   * Stops taking requests and resolves once every request it took is answered, handed to Fastify, or gone.
   * Call it before Fastify's close (service/server.ts does): once Fastify is closing it answers 503 to
   * whatever reaches it, a request the fast path took earlier and hands over included.
   */
  drain(): Promise<void>;
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/** A request the fast path took: until it is settled, drain() waits for it. */
interface Taken {
  request: IncomingMessage;
  response: ServerResponse;
  /** The client's address, as Fastify's request.ip would give it. */
  seenIp: string;
  open: boolean;
}

export function installVerifyFastPath(app: FastifyInstance, options: VerifyFastPathOptions): VerifyFastPath {
  const { ctx, auth, bodyLimit } = options;
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let draining: Promise<void> | undefined;
  /** A request taken is settled once: handed over (Fastify then tracks it), or its response closed (answered or gone). */
  const settle = (t: Taken) => {
    if (!t.open) return;
    t.open = false;
    if (--inFlight === 0) drained?.();
  };
  const counts: VerifyFastPath = {
    answered: 0,
    handedOver: 0,
    drain() {
      closing = true;
      draining ??= inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      return draining;
    },
  };
  const validate = validatorCompiler({ schema: VerifyBody, method: 'POST', url: VERIFY_PATH, httpPart: 'body' }) as (body: unknown) => boolean;
  const serialize = fastJsonStringify(VerifyResponse);
  // The client address as Fastify's request.ip gives it (fastify/lib/request.js): the socket's, or with trusted
  // proxies the last untrusted hop of X-Forwarded-For.
  const trust = options.trustedProxies && options.trustedProxies.length > 0 ? proxyAddr.compile(options.trustedProxies) : undefined;
  const clientIp = (request: IncomingMessage): string | undefined => {
    if (!trust) return request.socket.remoteAddress;
    const addresses = proxyAddr.all(request, trust);
    return addresses[addresses.length - 1];
  };
  // Closed without draining first (app.close() alone): stop taking requests at least.
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  const listeners = app.server.listeners('request') as Listener[];
  if (listeners.length !== 1) throw new Error(`the verify fast path expects Fastify's one request listener, found ${listeners.length}`);
  const fastify = listeners[0]!;

  type CallerOutcome = Awaited<ReturnType<KeyAuthentication['verifyBearer']>>;

  /** Gives a request to Fastify, with its body if it was read and the caller's verification if it was done. */
  function handOverTo(t: Taken, body: Buffer | undefined, callerOutcome?: CallerOutcome): void {
    counts.handedOver++;
    settle(t);
    handOver(t.request, body, callerOutcome);
    fastify(t.request, t.response);
  }

  async function answer(t: Taken, bytes: Buffer, caller: CallerOutcome & { valid: true }): Promise<void> {
    const body = plainJson(bytes);
    if (body === undefined || !validate(body)) return handOverTo(t, bytes, caller);
    let json: string;
    try {
      json = serialize(await answerVerify(ctx, { auth: authOf(caller.record) }, body as VerifyBody, t.seenIp));
    } catch {
      // A refusal (403, a bad client_ip or key) or a fault: the route says it again, without verifying the caller twice.
      return handOverTo(t, bytes, caller);
    }
    counts.answered++;
    const { response } = t;
    // The headers Fastify's answer carries (service/app.ts sets the first two on every /v1 request).
    response.writeHead(200, {
      'x-request-id': nextRequestId(),
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    response.end(json);
  }

  /**
   * The route's order: the caller is verified as the request arrives (its onRequest hook), and only a caller
   * who may go on has its body read. A refused one is handed over unread, so Fastify refuses it at once and
   * never reads its body; and a caller's failure or use is counted even when the body never comes.
   */
  async function begin(t: Taken): Promise<void> {
    const { request } = t;
    request.on('error', () => {}); // a client gone mid-body: there is no one to answer
    let caller: CallerOutcome;
    try {
      caller = await auth.verifyBearer(request, t.seenIp);
    } catch {
      // A fault (the database unreachable): nothing was counted, so the route verifies again and answers it.
      return handOverTo(t, undefined);
    }
    if (!caller?.valid) return handOverTo(t, undefined, caller);
    const verified = caller;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      answer(t, bytes, verified).catch(() => {
        // Unexpected (answer hands over every error it foresees): let the route answer, unless an answer began.
        if (!t.response.headersSent) handOverTo(t, bytes, verified);
      });
    });
  }

  function taken(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST' || request.url !== VERIFY_PATH || closing) return false;
    const headers = request.headers;
    if (headers.authorization === undefined || headers['transfer-encoding'] !== undefined) return false;
    if (!PLAIN_JSON.has(headers['content-type'] ?? '')) return false;
    const length = Number(headers['content-length']);
    if (!Number.isSafeInteger(length) || length > bodyLimit) return false;
    if (logsEachVerification(app.log)) return false;
    const seenIp = clientIp(request);
    if (seenIp === undefined) return false;
    inFlight++;
    const t: Taken = { request, response, seenIp, open: true };
    response.on('close', () => settle(t));
    begin(t).catch(() => {
      // Unexpected (begin hands over every error it foresees): let the route answer, unless an answer began.
      if (!response.headersSent) handOverTo(t, undefined);
    });
    return true;
  }

  app.server.removeListener('request', fastify);
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!taken(request, response)) fastify(request, response);
  });
  return counts;
}

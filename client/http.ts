/**
 * The transport under the client: node:http and node:https rather than fetch, so a private CA (`caCert`)
 * works without touching process-wide settings; a deadline per attempt; retries with exponential backoff and
 * jitter following `retry.ts` (429, 5xx and transport failures; never another 4xx; a non-idempotent request
 * only when the connection was refused).
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { isErrorCode, KeyplaneApiError, KeyplaneConnectionError, neverSent, type RequestFacts } from './errors';
import { backoffDelay, retryAfterMs, shouldRetry, type Outcome } from './retry';

export interface TransportOptions {
  /** The service's base URL, e.g. `https://keyplane.internal:7420` (a path prefix is kept). */
  endpoint: string;
  /** The Keyplane API key sent as the bearer token. Never appears in an error or in `util.inspect`. */
  apiKey?: string;
  /** PEM certificate(s) to trust for an https endpoint instead of the system CAs. */
  caCert?: string | Buffer;
  /** Deadline of one attempt, from sending to the last byte of the answer. Default 30 s. */
  timeoutMs?: number;
  /** Attempts after the first. Default 3. */
  retries?: number;
  /** Backoff of the first retry; later ones double it. Default 250 ms. */
  retryBaseDelayMs?: number;
  /** Upper bound of one backoff, and of an honoured `Retry-After`. Default 8 s. */
  retryMaxDelayMs?: number;
  userAgent?: string;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined | null;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /**
   * Whether sending the request twice does no more than sending it once. Defaults to true for every method
   * but POST. A few POSTs are idempotent and say so (verify reads; revoking twice keeps the first revocation).
   */
  idempotent?: boolean;
  /** Extra request headers (an `idempotency-key`, say). */
  headers?: Record<string, string>;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Answers larger than this are refused rather than buffered: the API's largest page is far below it. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

export class Transport {
  readonly origin: string;
  readonly #base: URL;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoff: { baseDelayMs: number; maxDelayMs: number };
  readonly #userAgent: string;
  /** Keep-alive connections for idempotent requests. */
  readonly #agent: http.Agent;
  /**
   * A fresh connection for every non-idempotent request. A pooled keep-alive socket can be closed by the
   * server just as a request is written to it; the request then fails with ECONNRESET although the service
   * never saw it, and (see retry.ts) we could not safely send it again. A new connection turns that race
   * into a plain ECONNREFUSED or a success.
   */
  readonly #oneShotAgent: http.Agent;

  constructor(options: TransportOptions) {
    let base: URL;
    try {
      base = new URL(options.endpoint);
    } catch {
      throw new TypeError(`endpoint "${options.endpoint}" is not a URL such as http://127.0.0.1:7420`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`endpoint "${options.endpoint}" must start with http:// or https://`);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#base = base;
    this.origin = base.origin;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = Math.max(0, options.retries ?? 3);
    this.#backoff = { baseDelayMs: options.retryBaseDelayMs ?? 250, maxDelayMs: options.retryMaxDelayMs ?? 8_000 };
    this.#userAgent = options.userAgent ?? 'keyplane-client';
    if (base.protocol === 'https:') {
      this.#agent = new https.Agent({ keepAlive: true, ca: options.caCert });
      this.#oneShotAgent = new https.Agent({ keepAlive: false, ca: options.caCert });
    } else {
      this.#agent = new http.Agent({ keepAlive: true });
      this.#oneShotAgent = new http.Agent({ keepAlive: false });
    }
  }

  /** Sends the request, retrying as retry.ts allows; resolves with the parsed JSON body (undefined for 204). */
  async request<T>(options: RequestOptions): Promise<T> {
    const url = this.url(options.path, options.query);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const idempotent = options.idempotent ?? options.method !== 'POST';
    const facts: RequestFacts = { origin: this.origin, method: options.method, path: url.pathname, idempotent };
    // Set once an attempt may have reached the service and acted, even though we saw no success.
    let mayHaveActed = false;
    for (let attempt = 0; ; attempt++) {
      const attempts = attempt + 1;
      let res: RawResponse;
      try {
        res = await this.once(options.method, url, payload, idempotent, options.headers);
      } catch (err) {
        const code = errorCode(err);
        mayHaveActed ||= !neverSent(code);
        if (attempt < this.#retries && shouldRetry({ kind: 'transport', code }, idempotent)) {
          await sleep(backoffDelay(attempt, this.#backoff));
          continue;
        }
        const after = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
        throw new KeyplaneConnectionError(`cannot reach the Keyplane service at ${this.origin}: ${(err as Error).message}${after}`, {
          code,
          attempts,
          cause: err,
          request: facts,
          mayHaveActed,
        });
      }
      const outcome: Outcome = { kind: 'status', status: res.status };
      if (res.status >= 400 && attempt < this.#retries && shouldRetry(outcome, idempotent)) {
        mayHaveActed = true;
        const hinted = retryAfterMs(res.headers['retry-after'] as string | undefined);
        await sleep(hinted === undefined ? backoffDelay(attempt, this.#backoff) : Math.min(hinted, this.#backoff.maxDelayMs));
        continue;
      }
      // An earlier DELETE may have deleted the resource and lost the answer: then "gone" is the success.
      if (options.method === 'DELETE' && res.status === 404 && mayHaveActed) return undefined as T;
      return this.parse<T>(res, attempts, facts, mayHaveActed);
    }
  }

  /** Closes pooled connections; the process can also just exit, idle sockets do not keep it alive. */
  close(): void {
    this.#agent.destroy();
    this.#oneShotAgent.destroy();
  }

  private url(path: string, query: Record<string, QueryValue> | undefined): URL {
    const url = new URL(path.replace(/^\/+/, ''), this.#base);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      // Arrays become repeated parameters (`label=team=a&label=env=prod`), as the service's schemas expect.
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    return url;
  }

  /** The answer's body, or the error it stands for; `earlier`: an earlier attempt may have acted. */
  private parse<T>(res: RawResponse, attempts: number, request: RequestFacts, earlier: boolean): T {
    const requestId = res.headers['x-request-id'] as string | undefined;
    let body: unknown;
    let parsed = true;
    if (res.body.length > 0) {
      try {
        body = JSON.parse(res.body);
      } catch {
        parsed = false;
      }
    }
    if (res.status >= 400) {
      const error = parsed ? (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error : undefined;
      if (error && typeof error.code === 'string' && typeof error.message === 'string') {
        throw new KeyplaneApiError({
          status: res.status,
          // A code this client does not know (from a newer service) is reported as http_error; the message stays.
          code: isErrorCode(error.code) ? error.code : 'http_error',
          message: error.message,
          field: typeof error.field === 'string' ? error.field : undefined,
          requestId,
          request,
          earlierAttemptMayHaveActed: earlier,
        });
      }
      const reason = http.STATUS_CODES[res.status] ?? 'error';
      throw new KeyplaneApiError({
        status: res.status,
        code: 'http_error',
        message: `HTTP ${res.status} ${reason} from ${this.origin}, without an API error body`,
        requestId,
        request,
        earlierAttemptMayHaveActed: earlier,
      });
    }
    if (!parsed) {
      throw new KeyplaneConnectionError(`${this.origin} answered HTTP ${res.status} with a body that is not JSON; is the endpoint a Keyplane service?`, {
        code: 'bad_response',
        attempts,
        request,
        mayHaveActed: true,
      });
    }
    return body as T;
  }

  private once(method: string, url: URL, payload: string | undefined, idempotent: boolean, extra?: Record<string, string>): Promise<RawResponse> {
    const lib = url.protocol === 'https:' ? https : http;
    const headers: http.OutgoingHttpHeaders = { ...extra, accept: 'application/json', 'user-agent': this.#userAgent };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise<RawResponse>((resolve, reject) => {
      const req = lib.request(url, { method, headers, agent: idempotent ? this.#agent : this.#oneShotAgent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            clearTimeout(deadline);
            reject(Object.assign(new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`), { code: 'bad_response' }));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(deadline);
          reject(err);
        });
      });
      const deadline = setTimeout(() => {
        req.destroy(Object.assign(new Error(`no complete answer within ${this.#timeoutMs} ms`), { code: 'timeout' }));
      }, this.#timeoutMs);
      req.on('error', (err) => {
        clearTimeout(deadline);
        reject(err);
      });
      req.end(payload);
    });
  }
}

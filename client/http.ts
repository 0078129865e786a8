/**
 * The transport under the client: node:http(s) so a private CA works, a timeout per attempt, and retries with
 * exponential backoff and jitter for 429, 5xx and connection failures. Other 4xx answers are final. A POST is
 * retried after a connection failure only when the connection was refused, i.e. before the request could
 * have reached the service, so a create is never sent twice.
 * @module
 */
import http from 'node:http';
import https from 'node:https';

export interface TransportOptions {
  endpoint: string;
  apiKey?: string;
  caCert?: string | Buffer;
  timeoutMs?: number;
  retries?: number;
  userAgent?: string;
}

export class KeyplaneApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'KeyplaneApiError';
  }
}

export class KeyplaneConnectionError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'KeyplaneConnectionError';
  }
}

interface RawResponse {
  status: number;
  body: string;
  retryAfterMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;

  constructor(private readonly options: TransportOptions) {
    try {
      this.base = new URL(options.endpoint);
    } catch {
      throw new KeyplaneConnectionError(`endpoint "${options.endpoint}" is not a URL such as http://127.0.0.1:7420`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new KeyplaneConnectionError(`endpoint "${options.endpoint}" must be http:// or https://`);
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ keepAlive: true, ca: options.caCert }) : new http.Agent({ keepAlive: true });
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.once(method, url, payload);
      } catch (err) {
        const refused = (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
        const safe = method === 'GET' || method === 'DELETE' || refused;
        if (attempt < retries && safe) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new KeyplaneConnectionError(`cannot reach the Keyplane service at ${this.base.origin}: ${(err as Error).message}`, err);
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await sleep(res.retryAfterMs ?? this.backoff(attempt));
        continue;
      }
      const parsed = res.body ? safeJson(res.body) : undefined;
      if (res.status >= 400) {
        const e = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
        throw new KeyplaneApiError(res.status, e?.code ?? 'unknown', e?.message ?? `HTTP ${res.status}`, e?.field);
      }
      return parsed as T;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private backoff(attempt: number): number {
    const base = Math.min(4000, 200 * 2 ** attempt);
    return base / 2 + Math.random() * (base / 2);
  }

  private once(method: string, url: URL, payload: string | undefined): Promise<RawResponse> {
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          agent: this.agent,
          timeout: this.options.timeoutMs ?? 30_000,
          headers: {
            accept: 'application/json',
            'user-agent': this.options.userAgent ?? 'keyplane-client',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const retryAfter = Number(res.headers['retry-after']);
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : undefined });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 30_000} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

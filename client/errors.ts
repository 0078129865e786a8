/**
 * The two ways a call fails. `KeyplaneApiError` is an answer from the service (`{"error":{"code","message",
 * "field"}}`, see docs/api/errors.md); `KeyplaneConnectionError` means no usable answer arrived (refused,
 * reset, timed out, TLS failure, or a body that is not the API's JSON). Neither ever carries the API key: the
 * key lives only in the request header, and messages are built from the endpoint's origin, the request's
 * method and path (never its query or body), the service's error message and Node's error text, none of
 * which holds headers.
 *
 * Both say what happened in words a user can act on (`toDiagnostic`): that shape is what the provider SDK
 * reports for an error escaping provider code (provider/sdk/framework/error-diagnostic.ts), matched by
 * structure, so this module needs nothing from the SDK.
 * @module
 */
import { ERROR_CODES, type ErrorCode } from '../contract/error-codes';

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The request a failure belongs to, as messages name it: method and path, never the query or body. */
export interface RequestFacts {
  /** The service's origin, `http://127.0.0.1:7420`. */
  origin: string;
  method: string;
  /** The URL path, without the query. */
  path: string;
  /** Whether sending it twice does no more than once (a read, a DELETE, a create with an Idempotency-Key). */
  idempotent: boolean;
}

/** A failure as a user reads it: a Title Case summary and sentences that say what happened and what to do. */
export interface FailureText {
  summary: string;
  detail: string;
}

export interface ApiErrorDetails {
  status: number;
  /** A stable code from the service's registry (contract/error-codes.ts: `invalid_argument`,
   * `unauthenticated`, …), or `http_error` when the answer was not the API's error JSON (a proxy's error
   * page, say) or named a code this client does not know. */
  code: ErrorCode | 'http_error';
  message: string;
  /** The request field at fault as a dotted path (`expires_at`, `scopes[0]`), when the service names one. */
  field?: string;
  /** The service's `x-request-id`, which its log records the detail under. */
  requestId?: string;
  /** The request that got this answer. */
  request?: RequestFacts;
  /** An earlier attempt of the same request was sent and its answer lost (see `KeyplaneConnectionError`). */
  earlierAttemptMayHaveActed?: boolean;
}

/**
 * What a failed `request` means for what the service did: `mayHaveActed` says whether it may have changed
 * something, `notSent` that it provably never reached the service, `when` how the outcome was lost.
 */
function consequence(request: RequestFacts | undefined, mayHaveActed: boolean, when: string, notSent = false): string {
  if (!request) return '';
  const what = `${request.method} ${request.path}`;
  if (request.method === 'GET') return ` ${what} only reads, so nothing changed.`;
  if (!mayHaveActed) return notSent ? ` ${what} was not sent, so nothing changed.` : ` ${what} changed nothing.`;
  if (request.idempotent) return ` The service may have carried out ${what} ${when}; repeating it is safe (it cannot act twice).`;
  return ` The service may have carried out ${what} ${when}: check whether it took effect before repeating it.`;
}

function doingText(doing: string | undefined): string {
  return doing ? ` while ${doing}` : '';
}

export class KeyplaneApiError extends Error {
  override readonly name = 'KeyplaneApiError';
  readonly status: number;
  readonly code: ErrorCode | 'http_error';
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  readonly request: RequestFacts | undefined;
  /**
   * Whether the service may have acted on the request although it answered with an error: a 5xx (from the
   * service or a proxy in front of it) to a request that changes something says nothing about whether the
   * service committed first; and an earlier attempt whose answer was lost may have acted before this answer.
   */
  readonly mayHaveActed: boolean;

  constructor(details: ApiErrorDetails) {
    super(details.message);
    this.status = details.status;
    this.code = details.code;
    this.field = details.field;
    this.requestId = details.requestId;
    this.request = details.request;
    const changes = details.request !== undefined && details.request.method !== 'GET';
    this.mayHaveActed = changes && (details.status >= 500 || details.earlierAttemptMayHaveActed === true);
  }

  /** The failure in words (`doing`: "creating API key \"ci\"", when the caller knows it). */
  toDiagnostic(doing?: string): FailureText {
    const facts = [`${this.status} ${this.code}`, ...(this.field ? [`field ${this.field}`] : [])];
    const requestId = this.requestId ? `request id ${this.requestId}` : 'no request id (the answer may come from a proxy in front of it)';
    const again = `${this.requestId ? ' Its log holds the cause under the request id; this' : ' This'} is likely temporary, so run again when the service is healthy.`;
    if (this.status >= 500) {
      return {
        summary: 'Keyplane Service Failed',
        detail: `The Keyplane service${this.request ? ` at ${this.request.origin}` : ''} failed${doingText(doing)}: ${requestId} (${facts.join(', ')}: ${this.message}).${consequence(this.request, this.mayHaveActed, 'before failing')}${again}`,
      };
    }
    const target = doing ?? (this.request ? `${this.request.method} ${this.request.path}` : 'the request');
    return {
      summary: SUMMARIES[this.status] ?? 'Keyplane Service Refused The Request',
      detail: `The Keyplane service refused ${target}: ${this.message} (${[...facts, ...(this.requestId ? [`request ${this.requestId}`] : [])].join(', ')}).${this.mayHaveActed ? consequence(this.request, true, 'before an earlier answer was lost') : ''}`,
    };
  }
}

const SUMMARIES: Record<number, string> = {
  400: 'Invalid Request To The Keyplane Service',
  401: 'Keyplane API Key Rejected',
  403: 'Permission Denied By The Keyplane Service',
  404: 'Not Found In The Keyplane Service',
  409: 'Conflict In The Keyplane Service',
  429: 'Rate Limited By The Keyplane Service',
};

/**
 * Why no usable answer arrived: `refused` (nothing listens there: not one byte was sent), `unreachable`
 * (no route, unknown host), `tls` (the certificate was not trusted), `lost` (the connection dropped after the
 * request was sent), `timeout` (no complete answer within the deadline), `bad_response` (an answer that is
 * not the API's JSON).
 */
export type ConnectionFailure = 'refused' | 'unreachable' | 'tls' | 'lost' | 'timeout' | 'bad_response';

const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME|ERR_SSL|EPROTO/;

/** The kind of failure a Node error code (or the transport's own `timeout`, `bad_response`) stands for. */
export function connectionFailure(code: string): ConnectionFailure {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'timeout' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'bad_response') return 'bad_response';
  if (UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (TLS_CODES.test(code)) return 'tls';
  return 'lost';
}

/** Refused, no route or host, an untrusted certificate: the request never reached the service. */
export function neverSent(code: string): boolean {
  const failure = connectionFailure(code);
  return failure === 'refused' || failure === 'unreachable' || failure === 'tls';
}

export class KeyplaneConnectionError extends Error {
  override readonly name = 'KeyplaneConnectionError';
  /** Node's error code (`ECONNREFUSED`, `ECONNRESET`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …), `timeout`, or
   * `bad_response` for an answer that is not JSON. */
  readonly code: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;
  readonly failure: ConnectionFailure;
  readonly request: RequestFacts | undefined;
  /**
   * Whether some attempt may have reached the service and changed something: false when every attempt was
   * refused (nothing was sent) or the request only reads.
   */
  readonly mayHaveActed: boolean;

  constructor(message: string, options: { code: string; attempts: number; cause?: unknown; request?: RequestFacts; mayHaveActed?: boolean }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.attempts = options.attempts;
    this.failure = connectionFailure(options.code);
    this.request = options.request;
    const sent = options.mayHaveActed ?? !neverSent(options.code);
    this.mayHaveActed = sent && options.request !== undefined && options.request.method !== 'GET';
  }

  /** The failure in words (`doing`: "creating API key \"ci\"", when the caller knows it). */
  toDiagnostic(doing?: string): FailureText {
    const at = this.request?.origin ?? 'its endpoint';
    const tries = this.attempts > 1 ? ` (${this.attempts} attempts)` : '';
    const after = consequence(
      this.request,
      this.mayHaveActed,
      'before the answer was lost',
      !this.mayHaveActed && this.failure !== 'lost' && this.failure !== 'timeout' && this.failure !== 'bad_response',
    );
    const what = this.request ? `${this.request.method} ${this.request.path}` : 'the request';
    // Node's own words (or the deadline's), without this error's "cannot reach" framing.
    const why = this.cause instanceof Error ? this.cause.message : this.message;
    switch (this.failure) {
      case 'refused':
        return {
          summary: 'Cannot Reach The Keyplane Service',
          detail: `Cannot reach the Keyplane service at ${at} (connection refused)${doingText(doing)}: is it running?${tries}${after}`,
        };
      case 'unreachable':
        return {
          summary: 'Cannot Reach The Keyplane Service',
          detail: `Cannot reach the Keyplane service at ${at} (${this.code}: ${this.code === 'ENOTFOUND' || this.code === 'EAI_AGAIN' ? 'no such host' : 'no route to it'})${doingText(doing)}: check the endpoint.${tries}${after}`,
        };
      case 'tls':
        return {
          summary: 'Cannot Reach The Keyplane Service',
          detail: `Cannot reach the Keyplane service at ${at} (TLS: ${why})${doingText(doing)}: trust the certificate authority that signed the service's certificate.${after}`,
        };
      case 'timeout':
        return {
          summary: 'No Answer From The Keyplane Service',
          detail: `No usable answer from the Keyplane service at ${at}${doingText(doing)}: ${what} timed out (${why}), so the answer was lost.${tries}${after}`,
        };
      case 'bad_response':
        return {
          summary: 'Unexpected Answer From The Keyplane Service',
          detail: `No usable answer from the Keyplane service at ${at}${doingText(doing)}: ${this.message}${tries}${after}`,
        };
      default:
        return {
          summary: 'No Answer From The Keyplane Service',
          detail: `No usable answer from the Keyplane service at ${at}${doingText(doing)}: the connection was dropped (${this.code}) after ${what} was sent, so the answer was lost.${tries}${after}`,
        };
    }
  }
}

/**
 * The two ways a call fails. `KeyplaneApiError` is an answer from the service (`{"error":{"code","message",
 * "field"}}`, see docs/api/errors.md); `KeyplaneConnectionError` means no usable answer arrived (refused,
 * reset, timed out, TLS failure, or a body that is not the API's JSON). Neither ever carries the API key: the
 * key lives only in the request header, and messages are built from the endpoint's origin and Node's error
 * text, which never includes headers.
 * @module
 */
import { ERROR_CODES, type ErrorCode } from '../contract/error-codes';

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
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
}

export class KeyplaneApiError extends Error {
  override readonly name = 'KeyplaneApiError';
  readonly status: number;
  readonly code: ErrorCode | 'http_error';
  readonly field: string | undefined;
  readonly requestId: string | undefined;

  constructor(details: ApiErrorDetails) {
    super(details.message);
    this.status = details.status;
    this.code = details.code;
    this.field = details.field;
    this.requestId = details.requestId;
  }
}

export class KeyplaneConnectionError extends Error {
  override readonly name = 'KeyplaneConnectionError';
  /** Node's error code (`ECONNREFUSED`, `ECONNRESET`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …), `timeout`, or
   * `bad_response` for an answer that is not JSON. */
  readonly code: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(message: string, options: { code: string; attempts: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.attempts = options.attempts;
  }
}

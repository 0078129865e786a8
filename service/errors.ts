/**
 * Errors the API reports as `{"error":{"code","message","field"?}}`. The codes and their statuses are the
 * contract's registry (contract/error-codes.ts).
 * @module
 */
import { ERROR_CODES, type ErrorCode } from '../contract/error-codes';

export { ERROR_CODES, type ErrorCode };

/** An error the API reports to the caller. `message` is public; never put a secret in it. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.status = ERROR_CODES[code].status;
  }
}

export const invalidArgument = (field: string, message: string) => new ApiError('invalid_argument', message, field);
export const permissionDenied = (message: string, field?: string) => new ApiError('permission_denied', message, field);
export const notFound = (what: string, id: string) => new ApiError('not_found', `${what} ${id} does not exist`);

/**
 * Turns every failure into `{"error":{"code","message","field"?}}`. Unexpected errors are logged with their
 * detail and answered with a generic message, so internal state never reaches a client.
 * @module
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../errors';
import { validationErrorToApiError } from './validation';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if ((error as FastifyError).validation) {
      apiError = validationErrorToApiError((error as FastifyError).validation as never, (error as FastifyError).validationContext ?? 'body');
    } else if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      apiError = new ApiError('payload_too_large', 'the request body is larger than 1 MiB');
    } else if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      apiError = new ApiError('unsupported_media_type', 'send the request body as application/json');
    } else if (
      (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      (error as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error instanceof SyntaxError
    ) {
      apiError = new ApiError('invalid_argument', 'the request body is not valid JSON', 'body');
    } else if ((error as FastifyError).statusCode === 503) {
      apiError = new ApiError('unavailable', 'the service is not available; retry later');
    } else if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      apiError = new ApiError('invalid_argument', error.message, 'body');
    } else {
      request.log.error({ err: error }, 'unexpected error');
      apiError = new ApiError('internal', `internal error; the service log has the detail under request id ${request.id}`);
    }
    const body: { code: string; message: string; field?: string } = { code: apiError.code, message: apiError.message };
    if (apiError.field) body.field = apiError.field;
    if (apiError.status === 401) {
      // RFC 9110 section 15.5.2: a 401 names the scheme to use; RFC 6750 section 3.1 adds why a presented
      // bearer token was refused.
      void reply.header('www-authenticate', request.headers.authorization ? 'Bearer realm="keyplane", error="invalid_token"' : 'Bearer realm="keyplane"');
    }
    void reply.status(apiError.status).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
}

/**
 * Turns every failure into `{"error":{"code","message","field"?}}`. Unexpected errors are logged with their
 * detail and answered with a generic message, so internal state never reaches a client. Fastify's own refusals
 * are worded here too: theirs repeat the URL or the content type, which may hold a key. Anything shaped like a
 * key is taken out of every message.
 * @module
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from '../errors';
import { validationErrorToApiError } from './validation';
import { isDatabaseUnavailable } from '../db/unavailable';
import { withoutKeys } from '../../contract/key-format';

/** Fastify's refusals of a body, by code. */
const BODY_REFUSALS: Record<string, () => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('payload_too_large', 'the request body is larger than 1 MiB'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ApiError('unsupported_media_type', 'send the request body as application/json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ApiError('invalid_argument', 'the request body is not valid JSON', 'body'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ApiError('invalid_argument', 'the request body is empty, which is not valid JSON', 'body'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new ApiError('invalid_argument', 'the request body is not as long as its Content-Length', 'body'),
};

function toApiError(error: FastifyError | ApiError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationErrorToApiError(error.validation as never, error.validationContext ?? 'body');
  const refusal = BODY_REFUSALS[error.code];
  if (refusal) return refusal();
  if (error instanceof SyntaxError) return new ApiError('invalid_argument', 'the request body is not valid JSON', 'body');
  if (error.statusCode === 503) return new ApiError('unavailable', 'the service is not available; retry later');
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ code: (error as { code?: unknown }).code }, 'database unavailable');
    return new ApiError('unavailable', 'the database cannot be reached right now; retry later');
  }
  // @fastify/rate-limit's refusal; it has set Retry-After on the reply already.
  if (error.statusCode === 429) return new ApiError('rate_limited', 'too many requests; retry later');
  if (error.statusCode && error.statusCode < 500) {
    // Another refusal by Fastify or Node; its message may quote the request, so it goes to the log only.
    request.log.info({ code: error.code, statusCode: error.statusCode }, 'request refused');
    return new ApiError('invalid_argument', 'the request is malformed');
  }
  request.log.error({ err: error }, 'unexpected error');
  return new ApiError('internal', `internal error; the service log has the detail under request id ${request.id}`);
}

/** Answers `apiError` in the error shape. */
export function sendApiError(request: FastifyRequest, reply: FastifyReply, apiError: ApiError): void {
  // A message may quote what the client sent (an id that does not exist, say); a key pasted there is not
  // repeated back, so no error message, nor a provider diagnostic built from it, ever carries one.
  const body: { code: string; message: string; field?: string } = { code: apiError.code, message: withoutKeys(apiError.message) };
  if (apiError.field) body.field = apiError.field;
  // RFC 9110 section 10.2.3: when to come back; a second is long enough for the pool to reconnect.
  if (apiError.status === 503) void reply.header('retry-after', '1');
  if (apiError.status === 401) {
    // RFC 9110 section 15.5.2: a 401 names the scheme to use; RFC 6750 section 3.1 adds why a presented
    // bearer token was refused.
    void reply.header('www-authenticate', request.headers.authorization ? 'Bearer realm="keyplane", error="invalid_token"' : 'Bearer realm="keyplane"');
  }
  void reply.status(apiError.status).send({ error: body });
}

/** Route paths (`/v1/api-keys/:id`) by server, for naming the parameter of a URL the router could not take. */
const routePaths = new WeakMap<object, string[]>();

export function routePathsOf(app: FastifyInstance): string[] {
  return routePaths.get(app.server) ?? [];
}

export function installErrorHandler(app: FastifyInstance): void {
  routePaths.set(app.server, []);
  app.addHook('onRoute', (route: RouteOptions) => {
    routePaths.get(app.server)?.push(route.url);
  });
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    sendApiError(request, reply, toApiError(error, request));
  });
  app.setNotFoundHandler((request, reply) => {
    // Not the path: it may hold a key.
    void reply.status(404).send({ error: { code: 'not_found', message: `no route answers ${request.method} at this path` } });
  });
}

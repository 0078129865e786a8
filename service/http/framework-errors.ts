/**
 * Refusals that happen before a request reaches a route, in the error shape: a URL the router cannot take (a
 * percent-escape that is not UTF-8, a path parameter over the router's length limit), Fastify's
 * `frameworkErrors`; and a request Node's HTTP parser refuses (a request line and headers over its size limit,
 * a malformed Content-Length, anything not HTTP/1.1), Fastify's `clientErrorHandler`. Fastify's defaults
 * answered these in their own shape, repeating the URL, and Node answered an over-long URL with an empty 431.
 * No answer here quotes the request: it may hold a key.
 * @module
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ApiError } from '../errors';
import { routePathsOf, sendApiError } from './error-handler';

const decodes = (segment: string) => {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
};

/**
 * The name of the path parameter at the first segment of `url` for which `bad` holds, found among the routes'
 * paths; 'path' when that segment is no parameter of any route.
 */
function parameterAt(app: FastifyInstance, url: string, bad: (segment: string) => boolean): string {
  const segments = url.split('?')[0]!.split('/');
  const at = segments.findIndex(bad);
  if (at < 0) return 'path';
  for (const route of routePathsOf(app)) {
    const parts = route.split('/');
    const matches = parts.length === segments.length && parts.every((p, i) => i === at || p.startsWith(':') || p === segments[i]);
    if (matches && parts[at]!.startsWith(':')) return parts[at]!.slice(1);
  }
  return 'path';
}

function urlError(error: FastifyError, request: FastifyRequest): ApiError {
  const url = request.raw.url ?? '';
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const max = request.server.initialConfig.maxParamLength ?? 100;
    const field = parameterAt(request.server, url, (segment) => segment.length > max);
    return new ApiError('invalid_argument', `${field} is longer than ${max} characters`, field);
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    const field = parameterAt(request.server, url, (segment) => !decodes(segment));
    return new ApiError('invalid_argument', `${field === 'path' ? 'the URL path' : field} is not valid percent-encoded UTF-8`, field);
  }
  request.log.error({ code: error.code }, 'unexpected routing error');
  return new ApiError('internal', `internal error; the service log has the detail under request id ${request.id}`);
}

function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // Fastify's onSend hooks do not run for these replies, so the request id header is set here.
  void reply.header('x-request-id', request.id);
  sendApiError(request, reply, urlError(error, request));
}

function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // The client is gone: there is no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const message =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? `the request line and headers are longer than ${maxHeaderSize} bytes`
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'the request did not arrive in time'
        : 'the request is not valid HTTP/1.1';
  // Only the code: the error carries the raw bytes read, Authorization header included.
  this.log.debug({ code: error.code }, 'malformed HTTP request refused');
  const refusal = new ApiError('invalid_argument', message);
  const body = JSON.stringify({ error: { code: refusal.code, message } });
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  } else {
    socket.destroy();
  }
}

/** Fastify options answering these refusals in the error shape. */
export const FRAMEWORK_ERROR_OPTIONS: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = {
  frameworkErrors,
  clientErrorHandler,
};

/**
 * Authentication by the console's session cookie, for `/v1` requests that carry no Authorization header. A
 * request that changes state must come from the console's own origin (service/console/csrf.ts); the session
 * must be live (service/console/sessions.ts); and its key must verify now, by the same rule as a bearer key
 * (service/http/auth.ts). A key that no longer verifies ends the session.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors';
import type { KeyAuthentication } from '../http/auth';
import { clearedSessionCookie } from './cookie';
import { changesState, refuseCrossSite } from './csrf';
import type { ConsoleSessions } from './sessions';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session that authenticated the request; undefined for a bearer key. */
    consoleSessionId?: string;
  }
}

export const SESSION_ENDED = 'the console session has ended; sign in again';

export function sessionAuthentication(auth: KeyAuthentication, sessions: ConsoleSessions) {
  return async function authenticateSession(request: FastifyRequest, reply: FastifyReply, token: string): Promise<void> {
    if (changesState(request)) refuseCrossSite(request);
    const session = await sessions.resolve(token);
    if (!session) {
      void reply.header('set-cookie', clearedSessionCookie(request));
      throw new ApiError('unauthenticated', SESSION_ENDED);
    }
    try {
      await auth.storedHash(request, reply, session.keyHash);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unauthenticated') {
        await sessions.end(session.id);
        void reply.header('set-cookie', clearedSessionCookie(request));
      }
      throw err;
    }
    request.consoleSessionId = session.id;
  };
}

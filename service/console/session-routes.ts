/**
 * `POST /v1/console/sessions` (sign in with an API key or a one-time link), `GET /v1/console/session` (is
 * this browser signed in?) and `DELETE /v1/console/session` (sign out). They sit outside bearer authentication: sign-in is how a browser gets a session, and sign-out
 * must work even once the key no longer does. Both are refused cross-site (service/console/csrf.ts), which
 * also keeps another site from signing a browser in as a key of its choosing.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, NoContent } from '../../contract/api/common';
import { ConsoleSession, ConsoleSignInBody } from '../../contract/api/console';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import { ApiError, invalidArgument } from '../errors';
import type { KeyAuthentication } from '../http/auth';
import { clearedSessionCookie, sessionCookie, sessionTokenOf } from './cookie';
import { refuseCrossSite } from './csrf';
import type { ConsoleSessions } from './sessions';
import type { SignInLinks } from './sign-in-links';

export function sessionRoutes(ctx: ServiceContext, auth: KeyAuthentication, sessions: ConsoleSessions, links: SignInLinks): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  return async (app) => {
    app.addHook('onRequest', (_request, reply, done) => {
      // The answers set or clear the session cookie: no cache may keep them.
      void reply.header('cache-control', 'no-store');
      done();
    });

    app.post(
      '/console/sessions',
      {
        schema: {
          tags: ['console'],
          summary: 'Sign the web console in with an API key or a one-time sign-in link',
          security: [],
          body: ConsoleSignInBody,
          response: { 201: ConsoleSession, ...errorResponses },
        },
      },
      async (request, reply) => {
        refuseCrossSite(request);
        const { api_key: key, sign_in_token: linkToken } = request.body;
        if ((key === undefined) === (linkToken === undefined)) throw invalidArgument('api_key', 'send exactly one of api_key and sign_in_token');
        if (key !== undefined) {
          await auth.presented(request, reply, key);
        } else {
          const link = await links.redeem(linkToken!);
          if (!link) throw new ApiError('unauthenticated', 'the sign-in link is unknown, already used or expired; ask for a new one');
          await auth.storedHash(request, reply, link.keyHash);
        }
        const { record, actor } = request.auth;
        const session = await sessions.open(record.keyId, record.keyHash);
        await writeAudit(db, {
          action: 'console.sign_in',
          actor,
          target: { type: 'console_session', id: session.id },
          address: request.ip,
          requestId: request.id,
          details: { via: key !== undefined ? 'api_key' : 'sign_in_link', expires_at: session.expiresAt },
        });
        void reply.header('set-cookie', sessionCookie(request, session.token));
        return reply.status(201).send({ key_id: session.keyId, expires_at: session.expiresAt });
      },
    );

    // What the console asks first, before it knows whether this browser is signed in: it answers without
    // authenticating, so a signed-out visit is not recorded as a failed authentication (service/audit/failed-auth.ts).
    app.get(
      '/console/session',
      {
        schema: {
          tags: ['console'],
          summary: "This browser's console session, if it holds a live one (404 otherwise)",
          security: [],
          response: { 200: ConsoleSession, ...errorResponses },
        },
      },
      async (request, reply) => {
        const token = sessionTokenOf(request);
        const session = token === undefined ? undefined : await sessions.resolve(token);
        if (!session) {
          if (token !== undefined) void reply.header('set-cookie', clearedSessionCookie(request));
          throw new ApiError('not_found', 'this browser holds no live console session; sign in');
        }
        return { key_id: session.keyId, expires_at: session.expiresAt };
      },
    );

    app.delete(
      '/console/session',
      { schema: { tags: ['console'], summary: 'Sign the web console out', security: [], response: { 204: NoContent, ...errorResponses } } },
      async (request, reply) => {
        refuseCrossSite(request);
        const token = sessionTokenOf(request);
        const session = token === undefined ? undefined : await sessions.signOut(token);
        if (session) {
          const key = await db.selectFrom('api_keys').select(['owner_type', 'owner_id']).where('id', '=', session.keyId).executeTakeFirst();
          await writeAudit(db, {
            action: 'console.sign_out',
            ...(key ? { actor: { type: key.owner_type, id: key.owner_id, keyId: session.keyId } } : { keyId: session.keyId }),
            target: { type: 'console_session', id: session.id },
            address: request.ip,
            requestId: request.id,
          });
        }
        void reply.header('set-cookie', clearedSessionCookie(request));
        return reply.status(204).send(null);
      },
    );
  };
}

/**
 * `POST /v1/console/sign-in-links`: a one-time link that signs a browser in as the calling key, for the
 * `keyplane console` command. The token rides in the link's fragment, which browsers send to no server and
 * put in no Referer; the console reads it and spends it with `POST /v1/console/sessions`.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../contract/api/common';
import { ConsoleSignInLink } from '../../contract/api/console';
import { writeAudit } from '../audit/audit-log';
import type { ServiceContext } from '../context';
import { permissionDenied } from '../errors';
import type { SignInLinks } from './sign-in-links';

/** The fragment parameter the console reads a sign-in token from (console/sign-in-link.ts reads the same name). */
export const SIGN_IN_FRAGMENT = 'sign-in';

export function signInLinkRoutes(ctx: ServiceContext, links: SignInLinks): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  return async (app) => {
    app.post(
      '/console/sign-in-links',
      {
        schema: {
          tags: ['console'],
          summary: 'Make a one-time link that signs the web console in as the calling key',
          response: { 201: ConsoleSignInLink, ...errorResponses },
        },
      },
      async (request, reply) => {
        // A session making links would outlive its own end through them: links come from a key in hand.
        if (request.consoleSessionId !== undefined) throw permissionDenied('a sign-in link is made with an API key, not from a console session');
        const { record, actor } = request.auth;
        const link = await links.create(record.keyId, record.keyHash);
        await writeAudit(db, {
          action: 'console.sign_in_link.create',
          actor,
          target: { type: 'api_key', id: record.keyId },
          address: request.ip,
          requestId: request.id,
          details: { expires_at: link.expiresAt },
        });
        return reply.status(201).send({ path: `/#${SIGN_IN_FRAGMENT}=${link.token}`, expires_at: link.expiresAt });
      },
    );
  };
}

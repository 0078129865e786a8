/**
 * `POST /v1/keys/verify` for other services (its answer: service/keys/verify-answer.ts), and `GET /v1/whoami`
 * for the caller's own key. Most verifications never reach this route: the fast path answers them beside
 * Fastify (service/http/verify-fast-path.ts) and hands the rest over here.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../context';
import { handedOverBody } from '../http/handed-over';
import { errorResponses } from '../../contract/api/common';
import { VerifyBody, VerifyResponse, Whoami } from '../../contract/api/verify';
import { answerVerify } from './verify-answer';
import { toApiKey } from './views';

export function verifyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  return async (app) => {
    app.post(
      '/keys/verify',
      {
        // A request the fast path began and handed over: its body was read already (service/http/handed-over.ts).
        preParsing: (request, _reply, payload, done) => done(null, handedOverBody(request.raw) ?? payload),
        schema: {
          tags: ['verification'],
          summary: 'Verify a key presented to another service',
          body: VerifyBody,
          response: { 200: VerifyResponse, ...errorResponses },
        },
      },
      async (request): Promise<VerifyResponse> => answerVerify(ctx, request, request.body, request.ip),
    );

    app.get(
      '/whoami',
      { schema: { tags: ['verification'], summary: 'The calling key and its principal', response: { 200: Whoami, ...errorResponses } } },
      async (request) => {
        const { actor } = request.auth;
        const key = await db.selectFrom('api_keys').selectAll().where('id', '=', actor.keyId).executeTakeFirstOrThrow();
        const principal =
          actor.type === 'user'
            ? await db.selectFrom('users').select(['id', 'name', 'email', 'role']).where('id', '=', actor.id).executeTakeFirstOrThrow()
            : { ...(await db.selectFrom('service_accounts').select(['id', 'name', 'role']).where('id', '=', actor.id).executeTakeFirstOrThrow()), email: null };
        return {
          api_key: await toApiKey(db, key),
          principal: { type: actor.type, ...principal },
          effective_role: request.auth.role,
          matched_secret: request.auth.record.matched,
        };
      },
    );
  };
}

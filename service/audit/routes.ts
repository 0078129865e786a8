/**
 * `GET /v1/audit-events`: newest first, filtered by action, actor, key, target, outcome and time.
 * Readable by admins and by keys with the `keyplane.audit.read` scope.
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { ServiceContext } from '../context';
import type { AuditEventsTable } from '../db/tables';
import { invalidArgument, permissionDenied } from '../errors';
import { hasScope, isAdmin } from '../http/auth';
import { decodePageToken, page } from '../http/pagination';
import { PageQuery, Timestamp, errorResponses } from '../http/schemas';
import { parseRfc3339 } from '../time';

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    time: Timestamp,
    action: Type.String(),
    outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    actor_type: Type.Union([Type.String(), Type.Null()]),
    actor_id: Type.Union([Type.String(), Type.Null()]),
    key_id: Type.Union([Type.String(), Type.Null()], { description: 'The key that acted, or that failed to authenticate when it is known.' }),
    target_type: Type.Union([Type.String(), Type.Null()]),
    target_id: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    request_id: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AuditEvent' },
);
export type AuditEvent = Static<typeof AuditEvent>;
const Query = Type.Object(
  {
    ...PageQuery,
    action: Type.Optional(Type.String({ maxLength: 64 })),
    actor_id: Type.Optional(Type.String({ maxLength: 64 })),
    key_id: Type.Optional(Type.String({ maxLength: 64 })),
    target_id: Type.Optional(Type.String({ maxLength: 128 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    since: Type.Optional(Type.String({ maxLength: 64 })),
    until: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

function toEvent(r: AuditEventsTable): AuditEvent {
  const { actor_key_id, details, ...rest } = r;
  return { ...rest, key_id: actor_key_id, details: JSON.parse(details) as Record<string, unknown> };
}

export function auditRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const db = ctx.store.db;
  return async (app) => {
    app.get(
      '/audit-events',
      {
        schema: {
          tags: ['audit'],
          summary: 'Read the audit log, newest first',
          querystring: Query,
          response: {
            200: Type.Object({ audit_events: Type.Array(AuditEvent), next_page_token: Type.Union([Type.String(), Type.Null()]) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        if (!isAdmin(request) && !hasScope(request, 'keyplane.audit.read'))
          throw permissionDenied('reading the audit log needs the admin role or the keyplane.audit.read scope');
        const q = request.query;
        const size = q.page_size ?? 50;
        const before = decodePageToken(q.page_token);
        let query = db
          .selectFrom('audit_events')
          .selectAll()
          .orderBy('id', 'desc')
          .limit(size + 1);
        if (before) query = query.where('id', '<', before);
        if (q.action) query = query.where('action', '=', q.action);
        if (q.actor_id) query = query.where('actor_id', '=', q.actor_id);
        if (q.key_id) query = query.where('actor_key_id', '=', q.key_id);
        if (q.target_id) query = query.where('target_id', '=', q.target_id);
        if (q.outcome) query = query.where('outcome', '=', q.outcome);
        for (const field of ['since', 'until'] as const) {
          const text = q[field];
          if (text === undefined) continue;
          const ms = parseRfc3339(text);
          if (ms === undefined) throw invalidArgument(field, `${field} must be an RFC 3339 time`);
          query = query.where('time', field === 'since' ? '>=' : '<', new Date(ms).toISOString());
        }
        const result = page(await query.execute(), size);
        return { audit_events: result.items.map(toEvent), next_page_token: result.next_page_token };
      },
    );
  };
}

/**
 * `GET /v1/audit-events`: newest first, filtered by action, actor, key, target, outcome and time.
 * Readable by admins and by keys with the `keyplane.audit.read` scope (contract/audit-access.ts).
 * @module
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../context';
import type { AuditEventsTable } from '../db/tables';
import { invalidArgument, permissionDenied } from '../errors';
import { decodePageToken, page } from '../http/pagination';
import { type AuditEvent, AuditEventList, ListAuditEventsQuery } from '../../contract/api/audit';
import { errorResponses } from '../../contract/api/common';
import { parseRfc3339 } from '../../contract/time';
import { AUDIT_READ_SCOPE, mayReadAudit } from '../../contract/audit-access';

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
          querystring: ListAuditEventsQuery,
          response: {
            200: AuditEventList,
            ...errorResponses,
          },
        },
      },
      async (request) => {
        if (!mayReadAudit(request.auth.role, request.auth.scopes))
          throw permissionDenied(`reading the audit log needs the admin role or the ${AUDIT_READ_SCOPE} scope`);
        // This node's failed authentications not yet written (service/audit/failed-auth.ts) are written
        // first, so its own audit log is never behind.
        await ctx.failedAuth.flush();
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

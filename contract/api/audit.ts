/**
 * Schemas of `GET /v1/audit-events`: the audit log, newest first.
 * @module
 */
import { type Static, Type } from '@sinclair/typebox';
import { AUDIT_OUTCOMES } from '../audit-outcomes';
import { LIMITS } from '../limits';
import { IdFilter, PageQuery, Timestamp, literals, pageOf } from './common';

const Outcome = literals(AUDIT_OUTCOMES);

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    time: Timestamp,
    action: Type.String(),
    outcome: Outcome,
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

export const ListAuditEventsQuery = Type.Object(
  {
    ...PageQuery,
    action: Type.Optional(Type.String({ maxLength: LIMITS.auditAction.max })),
    actor_id: Type.Optional(IdFilter),
    key_id: Type.Optional(IdFilter),
    target_id: Type.Optional(Type.String({ maxLength: LIMITS.auditTarget.max })),
    outcome: Type.Optional(Outcome),
    since: Type.Optional(Type.String({ maxLength: LIMITS.timeText.max, description: 'RFC 3339; events at or after.' })),
    until: Type.Optional(Type.String({ maxLength: LIMITS.timeText.max, description: 'RFC 3339; events before.' })),
  },
  { additionalProperties: false },
);
export type ListAuditEventsQuery = Static<typeof ListAuditEventsQuery>;

export const AuditEventList = pageOf('audit_events', AuditEvent);
export type AuditEventList = Static<typeof AuditEventList>;

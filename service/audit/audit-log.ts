/**
 * The audit log: one row per mutation (written in the mutation's own transaction, so a change and its record
 * commit together), and failed authentications counted per source (service/audit/failed-auth.ts). Details are
 * plain metadata; callers never pass a secret.
 * @module
 */
import type { Insertable, Kysely } from 'kysely';
import type { AuditEventsTable, Database } from '../db/tables';
import { newId } from '../ids';

export interface AuditActor {
  type: 'user' | 'service_account';
  id: string;
  keyId: string;
}

export interface AuditEntry {
  action: string;
  outcome?: 'success' | 'failure';
  actor?: AuditActor;
  /** For failures where the presented key is known but could not act (revoked, expired…). */
  keyId?: string;
  target?: { type: string; id: string };
  address?: string;
  requestId?: string;
  details?: Record<string, unknown>;
  /** When it happened, if not now (an event written later than it happened, as coalesced failures are). */
  time?: string;
}

export async function writeAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_events').values(auditRow(entry)).execute();
}

/** Writes `entries` in one statement per 500 (well under SQLite's limit of bound parameters). */
export async function writeAuditBatch(db: Kysely<Database>, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    await db
      .insertInto('audit_events')
      .values(entries.slice(i, i + 500).map(auditRow))
      .execute();
  }
}

function auditRow(entry: AuditEntry): Insertable<AuditEventsTable> {
  return {
    id: newId('auditEvent'),
    time: entry.time ?? new Date().toISOString(),
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    actor_type: entry.actor?.type ?? null,
    actor_id: entry.actor?.id ?? null,
    actor_key_id: entry.actor?.keyId ?? entry.keyId ?? null,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    address: entry.address ?? null,
    request_id: entry.requestId ?? null,
    details: JSON.stringify(entry.details ?? {}),
  };
}

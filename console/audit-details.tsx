/**
 * An audit event's details in one table cell: a one-line summary of its plain fields, and the whole of it,
 * formatted, behind a disclosure when there is more than the line shows. A row stays one line high however
 * much an event records, and nothing is hidden from who opens it.
 */
import type { AuditEvent } from '../contract/api';

const SUMMARY_CHARS = 72;

function plain(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? `[${value.length}]` : '{…}';
}

export function AuditDetails(props: { details: AuditEvent['details'] }) {
  const entries = Object.entries(props.details);
  if (entries.length === 0) return null;
  const line = entries.map(([k, v]) => `${k}: ${plain(v)}`).join(', ');
  const complete = line.length <= SUMMARY_CHARS && entries.every(([, v]) => v === null || typeof v !== 'object');
  const summary = complete ? line : `${line.slice(0, SUMMARY_CHARS).trimEnd()}…`;
  if (complete) return <span class="audit-summary">{summary}</span>;
  return (
    <details class="audit-details">
      <summary>{summary}</summary>
      <pre>{JSON.stringify(props.details, null, 2)}</pre>
    </details>
  );
}

/**
 * The Audit log, newest first, filtered as the API filters it (GET /v1/audit-events): by action, actor,
 * outcome and a time range; paged. A refusal of a filter (a time the service cannot read) is shown at that filter.
 */
import type { AuditEvent, AuditEventList } from '../contract/api';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../contract/audit-outcomes';
import { LIMITS } from '../contract/limits';
import { useState } from 'preact/hooks';
import { query } from './api';
import { AuditDetails } from './audit-details';
import { ErrorNote } from './error-note';
import { formatTime } from './format';
import { usePagedList } from './paged-list';
import { Pager } from './pager';
import { type PrincipalNames, nameOf, usePrincipalNames } from './principals';

const PAGE_SIZE = 50;
const FIELDS = ['action', 'actor_id', 'outcome', 'since', 'until'] as const;

/** A datetime-local value as RFC 3339 in UTC; what the service cannot read is sent as typed, for it to name. */
function rfc3339(local: string): string | undefined {
  if (!local) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
}

function who(names: PrincipalNames, e: AuditEvent): string {
  return e.actor_id ? nameOf(names, e.actor_id) : '—';
}

export function AuditPage() {
  const names = usePrincipalNames();
  // What is typed, and the action filter applied (on Enter or leaving the field): the typed text is state
  // too, so a render caused by another filter never puts back an older value.
  const [actionText, setActionText] = useState('');
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [outcome, setOutcome] = useState<AuditOutcome | ''>('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const filters = { action: action.trim(), actor_id: actor, outcome, since: rfc3339(since), until: rfc3339(until) };
  const paged = usePagedList<AuditEventList>((page_token) => `/v1/audit-events${query({ ...filters, page_size: PAGE_SIZE, page_token })}`, filters);
  const { list, error } = paged;
  const principals = [...names.entries()].sort((a, b) => a[1].localeCompare(b[1]));

  return (
    <main class="page">
      <div class="page-head">
        <h2>Audit log</h2>
      </div>
      <form class="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div class="filter">
          <label for="audit-action">Action</label>
          <input
            id="audit-action"
            placeholder="api_key.create"
            maxLength={LIMITS.auditAction.max}
            value={actionText}
            onInput={(e) => setActionText(e.currentTarget.value)}
            onChange={(e) => setAction(e.currentTarget.value)}
            aria-describedby="audit-action-help"
          />
          <p id="audit-action-help" class="help">
            The exact action; Enter applies it.
          </p>
          <ErrorNote error={error} field="action" />
        </div>
        <div class="filter">
          <label for="audit-actor">Actor</label>
          <select id="audit-actor" value={actor} onChange={(e) => setActor(e.currentTarget.value)}>
            <option value="">Anyone</option>
            {principals.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
          <ErrorNote error={error} field="actor_id" />
        </div>
        <div class="filter">
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as AuditOutcome | '')}>
            <option value="">Any</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o[0]!.toUpperCase() + o.slice(1)}
              </option>
            ))}
          </select>
          <ErrorNote error={error} field="outcome" />
        </div>
        <div class="filter">
          <label for="audit-since">From</label>
          <input id="audit-since" type="datetime-local" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
          <ErrorNote error={error} field="since" />
        </div>
        <div class="filter">
          <label for="audit-until">Before</label>
          <input id="audit-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
          <ErrorNote error={error} field="until" />
        </div>
      </form>
      <ErrorNote error={error} fields={FIELDS} />
      {list && list.audit_events.length === 0 && <p class="empty">No events match.</p>}
      {list && list.audit_events.length > 0 && (
        <div class="table-scroll">
          <table class="keys audit" aria-label="Audit events">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Actor</th>
                <th scope="col">Key</th>
                <th scope="col">Target</th>
                <th scope="col">Address</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {list.audit_events.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.time)}</td>
                  <th scope="row">{e.action}</th>
                  <td>
                    <span class={`status status-${e.outcome === 'success' ? 'active' : 'revoked'}`}>{e.outcome}</span>
                  </td>
                  <td>{who(names, e)}</td>
                  <td>{e.key_id ? <code>{e.key_id}</code> : '—'}</td>
                  <td>
                    {e.target_id ? (
                      <>
                        {e.target_type}
                        <code class="secondary">{e.target_id}</code>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{e.address ?? '—'}</td>
                  <td class="wrap">
                    <AuditDetails details={e.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager paged={paged} />
    </main>
  );
}

/**
 * The Service Account Details sheet: every field of one account, and the keys it owns (paged, every status).
 * Edit for whoever may change the account, Delete Service Account for whoever may steward it
 * (console/account-rights.ts); the service decides either way. The account is read again when the sheet
 * opens, so what it shows and what Edit starts from is not the list's older copy.
 */
import type { ApiKeyList, ServiceAccount, Whoami } from '../contract/api';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { mayDoToAccount } from './account-rights';
import { type ApiFailure, api, query } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { Dialog } from './dialog';
import { EditServiceAccountDialog } from './edit-service-account-dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';
import { formatTime } from './format';
import { usePagedList } from './paged-list';
import { Pager } from './pager';
import { type PrincipalNames, nameOf } from './principals';

const PAGE_SIZE = 25;

function Field(props: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

export function ServiceAccountDetails(props: {
  me: Whoami;
  account: ServiceAccount;
  names: PrincipalNames;
  onChanged: (account: ServiceAccount) => void;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const a = props.account;
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const canChange = mayDoToAccount(props.me, a, 'change');
  const canDelete = mayDoToAccount(props.me, a, 'steward');
  const [readError, setReadError] = useState<ApiFailure>();
  useEffect(() => {
    let live = true;
    api<ServiceAccount>('GET', `/v1/service-accounts/${encodeURIComponent(a.id)}`).then(
      (fresh) => live && JSON.stringify(fresh) !== JSON.stringify(a) && props.onChanged(fresh),
      (err) => live && setReadError(toFailure(err)),
    );
    return () => {
      live = false;
    };
  }, [a.id]);
  const keys = usePagedList<ApiKeyList>((page_token) => `/v1/api-keys${query({ service_account_id: a.id, page_size: PAGE_SIZE, page_token })}`, a.id);
  return (
    <Dialog title="Service Account Details" className="dialog sheet" onCancel={props.onClose}>
      <ErrorNote error={readError} />
      <dl class="details">
        <Field label="Name">{a.name}</Field>
        <Field label="ID">
          <code>{a.id}</code>
        </Field>
        <Field label="Status">{a.disabled ? 'disabled' : 'enabled'}</Field>
        <Field label="Description">{a.description || '—'}</Field>
        <Field label="Role">{a.role}</Field>
        <Field label="Owner">{a.owner_user_id ? nameOf(props.names, a.owner_user_id) : 'None (admins only)'}</Field>
        <Field label="Managers">{a.manager_user_ids.length > 0 ? a.manager_user_ids.map((id) => nameOf(props.names, id)).join(', ') : 'None'}</Field>
        <Field label="Created by">{nameOf(props.names, a.created_by)}</Field>
        <Field label="Created">{formatTime(a.created_at)}</Field>
        <Field label="Updated">{formatTime(a.updated_at)}</Field>
      </dl>
      <h3>API keys</h3>
      <ErrorNote error={keys.error} />
      {keys.list && keys.list.api_keys.length === 0 && <p class="empty">This service account has no keys.</p>}
      {keys.list && keys.list.api_keys.length > 0 && (
        <table class="keys" aria-label={`API keys of ${a.name}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Role</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {keys.list.api_keys.map((k) => (
              <tr key={k.id}>
                <th scope="row">{k.name}</th>
                <td>
                  <span class={`status status-${k.status}`}>{k.status}</span>
                </td>
                <td>{k.effective_role}</td>
                <td>{formatTime(k.last_used_at, 'Never used')}</td>
                <td>{formatTime(k.expires_at, 'Never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(keys.pageNumber > 1 || keys.hasNext) && <Pager paged={keys} />}
      <div class="actions">
        {canDelete && (
          <button type="button" class="danger" onClick={() => setDeleting(true)}>
            Delete Service Account
          </button>
        )}
        {canChange && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {editing && (
        <EditServiceAccountDialog
          me={props.me}
          account={a}
          onSaved={(changed) => {
            setEditing(false);
            props.onChanged(changed);
          }}
          onClose={() => setEditing(false)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete service account “${a.name}”?`}
          action="Delete"
          onConfirm={() => api('DELETE', `/v1/service-accounts/${encodeURIComponent(a.id)}`)}
          onDone={(deleted) => (deleted ? props.onDeleted() : setDeleting(false))}
        >
          {/* What service/service-accounts/routes.ts does: revokeKeysOf(…, 'owner_deleted') in the same transaction. */}
          <p>
            <strong>{a.name}</strong> is deleted, and every active API key it owns or created is revoked at once (reason <code>owner_deleted</code>): anything
            using those keys is refused from then on. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </Dialog>
  );
}

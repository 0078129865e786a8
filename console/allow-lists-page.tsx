/**
 * The IP allow lists page: every list with its CIDRs, paged; Create IP Allow List for a role that may
 * manage lists, and Edit and Delete on each list the caller's role may change (a list protects the keys using
 * it: `least_role_to_change`, service/allow-lists/routes.ts). Deleting asks first; the service refuses a list a
 * key still uses, and the dialog shows why.
 */
import type { AllowListList, IpAllowList, Whoami } from '../contract/api';
import { LEAST_ROLE_TO_MANAGE, atLeast } from '../contract/roles';
import { useState } from 'preact/hooks';
import { api, query } from './api';
import { AllowListDialog } from './allow-list-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorNote } from './error-note';
import { formatTime } from './format';
import { usePagedList } from './paged-list';
import { Pager } from './pager';
import { nameOf, usePrincipalNames } from './principals';

const PAGE_SIZE = 25;

export function AllowListsPage(props: { me: Whoami }) {
  const names = usePrincipalNames();
  const role = props.me.effective_role;
  const [dialog, setDialog] = useState<{ editing?: IpAllowList }>();
  const [deleting, setDeleting] = useState<IpAllowList>();
  const canCreate = atLeast(role, LEAST_ROLE_TO_MANAGE.ip_allow_lists);
  const paged = usePagedList<AllowListList>((page_token) => `/v1/ip-allow-lists${query({ page_size: PAGE_SIZE, page_token })}`, null);
  const { list, error } = paged;
  const anyEditable = list?.ip_allow_lists.some((l) => atLeast(role, l.least_role_to_change)) ?? false;
  return (
    <main class="page">
      <div class="page-head">
        <h2>IP allow lists</h2>
        {canCreate && (
          <button type="button" class="primary" onClick={() => setDialog({})}>
            Create IP Allow List
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {list && list.ip_allow_lists.length === 0 && <p class="empty">No IP allow lists yet.</p>}
      {list && list.ip_allow_lists.length > 0 && (
        <table class="keys" aria-label="IP allow lists">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">CIDRs</th>
              <th scope="col">Description</th>
              <th scope="col">Created by</th>
              <th scope="col">Updated</th>
              {anyEditable && (
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {list.ip_allow_lists.map((l) => (
              <tr key={l.id}>
                <th scope="row">{l.name}</th>
                <td class="wrap">
                  <code>{l.cidrs.length > 0 ? l.cidrs.join(', ') : 'No address'}</code>
                </td>
                <td class="wrap">{l.description || '—'}</td>
                <td>{nameOf(names, l.created_by)}</td>
                <td>{formatTime(l.updated_at)}</td>
                {anyEditable && (
                  <td>
                    {atLeast(role, l.least_role_to_change) && (
                      <>
                        <button type="button" class="small" aria-label={`Edit ${l.name}`} onClick={() => setDialog({ editing: l })}>
                          Edit
                        </button>{' '}
                        <button type="button" class="small danger" aria-label={`Delete ${l.name}`} onClick={() => setDeleting(l)}>
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
      {dialog && (
        <AllowListDialog
          editing={dialog.editing}
          onSaved={() => {
            setDialog(undefined);
            paged.refresh();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete IP allow list “${deleting.name}”?`}
          action="Delete"
          onConfirm={() => api('DELETE', `/v1/ip-allow-lists/${encodeURIComponent(deleting.id)}`)}
          onDone={(deleted) => {
            setDeleting(undefined);
            if (deleted) paged.refresh();
          }}
        >
          <p>
            <strong>{deleting.name}</strong> ({deleting.cidrs.length > 0 ? deleting.cidrs.join(', ') : 'no address'}) is deleted. A list an unrevoked key still
            uses cannot be deleted: detach it from those keys first.
          </p>
        </ConfirmDialog>
      )}
    </main>
  );
}

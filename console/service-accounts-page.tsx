/**
 * The Service accounts page: every account the API lists, searched by name (a prefix, as the API filters),
 * paged; a name opens its details and keys (where it may be edited or deleted); Create Service Account only
 * for a role that may use it.
 */
import type { ServiceAccount, ServiceAccountList, Whoami } from '../contract/api';
import { LEAST_ROLE_TO_MANAGE, atLeast } from '../contract/roles';
import { useState } from 'preact/hooks';
import { query } from './api';
import { CreateServiceAccountDialog } from './create-service-account-dialog';
import { ErrorNote } from './error-note';
import { formatTime } from './format';
import { usePagedList } from './paged-list';
import { Pager } from './pager';
import { nameOf, usePrincipalNames } from './principals';
import { ServiceAccountDetails } from './service-account-details';

const PAGE_SIZE = 25;

export function ServiceAccountsPage(props: { me: Whoami }) {
  const names = usePrincipalNames();
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<ServiceAccount>();
  const [creating, setCreating] = useState(false);
  const canCreate = atLeast(props.me.effective_role, LEAST_ROLE_TO_MANAGE.service_accounts);
  const paged = usePagedList<ServiceAccountList>(
    (page_token) => `/v1/service-accounts${query({ name_prefix: search.trim(), page_size: PAGE_SIZE, page_token })}`,
    search.trim(),
  );
  const { list, error } = paged;
  return (
    <main class="page">
      <div class="page-head">
        <h2>Service accounts</h2>
        {canCreate && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            Create Service Account
          </button>
        )}
      </div>
      <div class="toolbar">
        <label for="sa-search">Search by name</label>
        <input id="sa-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </div>
      <ErrorNote error={error} />
      {list && list.service_accounts.length === 0 && <p class="empty">No service accounts match.</p>}
      {list && list.service_accounts.length > 0 && (
        <table class="keys" aria-label="Service accounts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Role</th>
              <th scope="col">Owner</th>
              <th scope="col">Created by</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.service_accounts.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <button type="button" class="link" onClick={() => setOpen(a)}>
                    {a.name}
                  </button>
                </th>
                <td>
                  <span class={`status status-${a.disabled ? 'revoked' : 'active'}`}>{a.disabled ? 'disabled' : 'enabled'}</span>
                </td>
                <td>{a.role}</td>
                <td>{a.owner_user_id ? nameOf(names, a.owner_user_id) : '—'}</td>
                <td>{nameOf(names, a.created_by)}</td>
                <td>{formatTime(a.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
      {open && (
        <ServiceAccountDetails
          me={props.me}
          account={open}
          names={names}
          onChanged={(account) => {
            setOpen(account);
            paged.refresh();
          }}
          onDeleted={() => {
            setOpen(undefined);
            paged.refresh();
          }}
          onClose={() => setOpen(undefined)}
        />
      )}
      {creating && (
        <CreateServiceAccountDialog
          callerRole={props.me.effective_role}
          onCreated={(account) => {
            setCreating(false);
            paged.refresh();
            setOpen(account);
          }}
          onClose={() => setCreating(false)}
        />
      )}
    </main>
  );
}

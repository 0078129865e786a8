/**
 * The API Keys page: filter by status and owner, search by name (a prefix, as the API filters), sort by a
 * date from the column headers (newest created first until then), page through any number of keys; a change
 * of filter or sort starts again at the first page (console/paged-list.ts). A row opens the details sheet;
 * Create API Key and Revoke appear only for a role that may use them (the service decides either way).
 */
import type { ApiKey, ApiKeyList, Whoami } from '../contract/api';
import type { ApiKeySort } from '../contract/api-key-sorts';
import { KEY_STATUSES, type KeyStatus } from '../contract/key-status';
import { atLeast } from '../contract/roles';
import { useState } from 'preact/hooks';
import { query } from './api';
import { CreateKeyDialog } from './create-key-dialog';
import { ErrorNote } from './error-note';
import { KeyDetails } from './key-details';
import { KeyTable } from './key-table';
import { OwnerSelect, useOwnerFilters } from './owner-filter';
import { usePagedList } from './paged-list';
import { Pager } from './pager';
import { usePrincipalNames } from './principals';
import { RevokeDialog } from './revoke-dialog';

const PAGE_SIZE = 25;
const FIRST_SORT: ApiKeySort = '-created_at';

export function KeysPage(props: { me: Whoami }) {
  const names = usePrincipalNames();
  const owners = useOwnerFilters(props.me);
  const [status, setStatus] = useState<KeyStatus | ''>('active');
  const [search, setSearch] = useState('');
  const [owner, setOwner] = useState('');
  const [sort, setSort] = useState<ApiKeySort>(FIRST_SORT);
  const [open, setOpen] = useState<ApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [creating, setCreating] = useState(false);
  const canWrite = atLeast(props.me.effective_role, 'developer');
  const filters = { status, name_prefix: search.trim(), ...owners.find((o) => o.value === owner)?.query, sort };
  const paged = usePagedList<ApiKeyList>((page_token) => `/v1/api-keys${query({ ...filters, page_size: PAGE_SIZE, page_token })}`, filters);
  const list = paged.list;

  return (
    <main class="page">
      <div class="page-head">
        <h2>API Keys</h2>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            Create API Key
          </button>
        )}
      </div>
      <div class="toolbar">
        <label for="search">Search by name</label>
        <input id="search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <label for="status">Status</label>
        <select id="status" value={status} onChange={(e) => setStatus(e.currentTarget.value as KeyStatus | '')}>
          <option value="">All</option>
          {KEY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
        <OwnerSelect choices={owners} value={owner} onChange={setOwner} />
      </div>
      <ErrorNote error={paged.error} />
      {list && list.api_keys.length === 0 && <p class="empty">No keys match.</p>}
      {list && list.api_keys.length > 0 && (
        <KeyTable keys={list.api_keys} names={names} canRevoke={canWrite} sort={sort} onSort={setSort} onOpen={setOpen} onRevoke={setRevoking} />
      )}
      <Pager paged={paged} />
      {open && !revoking && (
        <KeyDetails
          apiKey={open}
          names={names}
          me={props.me}
          canManage={canWrite}
          onRevoke={() => setRevoking(open)}
          onRotated={(rotated) => {
            setOpen(rotated);
            paged.refresh();
          }}
          onClose={() => setOpen(undefined)}
        />
      )}
      {revoking && (
        <RevokeDialog
          apiKey={revoking}
          onDone={(revoked) => {
            setRevoking(undefined);
            if (revoked) {
              if (open) setOpen(revoked);
              paged.refresh();
            }
          }}
        />
      )}
      {creating && (
        <CreateKeyDialog
          me={props.me}
          onCreated={paged.refresh}
          onClose={() => {
            setCreating(false);
            paged.refresh();
          }}
        />
      )}
    </main>
  );
}

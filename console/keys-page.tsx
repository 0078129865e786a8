/**
 * The API Keys page: filter by status, search by name (a prefix, as the API filters), page through any
 * number of keys; a row opens the details sheet; Create API Key and Revoke appear only for a role that may
 * use them (the service decides either way).
 */
import type { ApiKey, ApiKeyList, Whoami } from '../contract/api';
import { KEY_STATUSES, type KeyStatus } from '../contract/key-status';
import { atLeast } from '../contract/roles';
import { useEffect, useState } from 'preact/hooks';
import { type ApiFailure, api, query } from './api';
import { CreateKeyDialog } from './create-key-dialog';
import { ErrorNote } from './error-note';
import { KeyDetails } from './key-details';
import { KeyTable } from './key-table';
import { usePrincipalNames } from './principals';
import { RevokeDialog } from './revoke-dialog';
import { toFailure } from './failure';

const PAGE_SIZE = 25;

export function KeysPage(props: { me: Whoami }) {
  const names = usePrincipalNames();
  const [status, setStatus] = useState<KeyStatus | ''>('active');
  const [search, setSearch] = useState('');
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]); // the token of each page seen so far
  const [list, setList] = useState<ApiKeyList>();
  const [error, setError] = useState<ApiFailure>();
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<ApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [creating, setCreating] = useState(false);
  const canWrite = atLeast(props.me.effective_role, 'developer');
  const token = pages[pages.length - 1];

  useEffect(() => {
    let live = true;
    api<ApiKeyList>('GET', `/v1/api-keys${query({ status, name_prefix: search.trim(), page_size: PAGE_SIZE, page_token: token })}`).then(
      (answer) => {
        if (!live) return;
        setList(answer);
        setError(undefined);
      },
      (err) => live && setError(toFailure(err)),
    );
    return () => {
      live = false;
    };
  }, [status, search, token, reload]);

  const firstPage = () => setPages([undefined]);
  const refresh = () => setReload((n) => n + 1);

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
        <input
          id="search"
          type="search"
          value={search}
          onInput={(e) => {
            setSearch(e.currentTarget.value);
            firstPage();
          }}
        />
        <label for="status">Status</label>
        <select
          id="status"
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value as KeyStatus | '');
            firstPage();
          }}
        >
          <option value="">All</option>
          {KEY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={error} />
      {list && list.api_keys.length === 0 && <p class="empty">No keys match.</p>}
      {list && list.api_keys.length > 0 && <KeyTable keys={list.api_keys} names={names} canRevoke={canWrite} onOpen={setOpen} onRevoke={setRevoking} />}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {pages.length}</span>
        <button type="button" disabled={!list?.next_page_token} onClick={() => list?.next_page_token && setPages([...pages, list.next_page_token])}>
          Next page
        </button>
      </nav>
      {open && !revoking && (
        <KeyDetails
          apiKey={open}
          names={names}
          me={props.me}
          canManage={canWrite}
          onRevoke={() => setRevoking(open)}
          onRotated={(rotated) => {
            setOpen(rotated);
            refresh();
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
              refresh();
            }
          }}
        />
      )}
      {creating && (
        <CreateKeyDialog
          me={props.me}
          onCreated={refresh}
          onClose={() => {
            setCreating(false);
            refresh();
          }}
        />
      )}
    </main>
  );
}

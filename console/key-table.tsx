/**
 * The API Keys table: one row per key; the name opens its details, and an active key has Revoke in its row.
 * The Created, Last used and Expires headers sort the list (console/sort-header.tsx).
 */
import type { ApiKey } from '../contract/api';
import type { ApiKeySort } from '../contract/api-key-sorts';
import { formatTime } from './format';
import { type PrincipalNames, nameOf } from './principals';
import { SortHeader } from './sort-header';

export function KeyTable(props: {
  keys: ApiKey[];
  names: PrincipalNames;
  canRevoke: boolean;
  sort: ApiKeySort;
  onSort: (sort: ApiKeySort) => void;
  onOpen: (key: ApiKey) => void;
  onRevoke: (key: ApiKey) => void;
}) {
  const sortable = { sort: props.sort, onSort: props.onSort };
  return (
    <table class="keys" aria-label="API keys">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Owner</th>
          <th scope="col">Created by</th>
          <SortHeader label="Created" column="created_at" {...sortable} />
          <SortHeader label="Last used" column="last_used_at" {...sortable} />
          <SortHeader label="Expires" column="expires_at" {...sortable} />
          {props.canRevoke && (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.keys.map((k) => (
          <tr key={k.id}>
            <th scope="row">
              <button type="button" class="link" onClick={() => props.onOpen(k)}>
                {k.name}
              </button>
            </th>
            <td>
              <span class={`status status-${k.status}`}>{k.status}</span>
            </td>
            <td>{nameOf(props.names, k.owner_id)}</td>
            <td>{nameOf(props.names, k.created_by)}</td>
            <td>{formatTime(k.created_at)}</td>
            <td>
              {k.last_used_at ? formatTime(k.last_used_at) : 'Never used'}
              {k.last_used_at && k.last_used_ip && <span class="address">from {k.last_used_ip}</span>}
            </td>
            <td>{formatTime(k.expires_at, 'Never')}</td>
            {props.canRevoke && (
              <td>
                {k.status === 'active' && (
                  <button type="button" class="danger small" aria-label={`Revoke ${k.name}`} onClick={() => props.onRevoke(k)}>
                    Revoke
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

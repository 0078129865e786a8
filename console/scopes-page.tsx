/**
 * The Scopes page: the whole catalogue (built-in keyplane.* scopes and the custom ones), and Add Scope and
 * Delete (custom scopes only) for a role that may manage scopes (admins, contract/roles.ts). The name is
 * checked as typed against the API's pattern (contract/limits.ts); the service's refusals show at their field,
 * and a refused deletion (a key still holds the scope) in its confirmation.
 */
import type { CreateScopeBody, Scope, ScopeList, Whoami } from '../contract/api';
import { LIMITS } from '../contract/limits';
import { LEAST_ROLE_TO_MANAGE, atLeast } from '../contract/roles';
import { useEffect, useState } from 'preact/hooks';
import { type ApiFailure, api } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';
import { formatTime } from './format';

const FIELDS = ['name', 'description'] as const;
const SCOPE_NAME = new RegExp(LIMITS.scopeName.pattern);

function AddScopeDialog(props: { onAdded: () => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const nameProblem =
    name !== '' && !SCOPE_NAME.test(name)
      ? 'Lower-case letters, digits, _ and -, starting with a letter, in dot-separated parts (such as billing.read)'
      : undefined;
  async function add(e: Event) {
    e.preventDefault();
    if (nameProblem) return;
    setError(undefined);
    setBusy(true);
    try {
      await api('POST', '/v1/scopes', { name, description: description.trim() } satisfies CreateScopeBody);
      props.onAdded();
    } catch (err) {
      setError(toFailure(err));
      setBusy(false);
    }
  }
  return (
    <Dialog title="Add Scope" onCancel={props.onClose}>
      <form onSubmit={add} class="form">
        <label for="scope-name">Name</label>
        <input
          id="scope-name"
          required
          spellcheck={false}
          maxLength={LIMITS.scopeName.max}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={nameProblem !== undefined}
          aria-describedby="scope-name-problem"
        />
        <div id="scope-name-problem" role="alert">
          {nameProblem && <p class="error">{nameProblem}</p>}
        </div>
        <ErrorNote error={error} field="name" />
        <label for="scope-description">Description</label>
        <textarea
          id="scope-description"
          required
          maxLength={LIMITS.description.max}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
        <ErrorNote error={error} field="description" />
        <ErrorNote error={error} fields={FIELDS} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Add
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ScopesPage(props: { me: Whoami }) {
  const [list, setList] = useState<ScopeList>();
  const [error, setError] = useState<ApiFailure>();
  const [reload, setReload] = useState(0);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Scope>();
  const canAdd = atLeast(props.me.effective_role, LEAST_ROLE_TO_MANAGE.scopes);
  useEffect(() => {
    let live = true;
    api<ScopeList>('GET', '/v1/scopes').then(
      (answer) => live && setList(answer),
      (err) => live && setError(toFailure(err)),
    );
    return () => {
      live = false;
    };
  }, [reload]);
  return (
    <main class="page">
      <div class="page-head">
        <h2>Scopes</h2>
        {canAdd && (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            Add Scope
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {list && (
        <table class="keys" aria-label="Scopes">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Kind</th>
              <th scope="col">Added</th>
              {canAdd && (
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {list.scopes.map((s) => (
              <tr key={s.name}>
                <th scope="row">
                  <code>{s.name}</code>
                </th>
                <td class="wrap">{s.description}</td>
                <td>{s.builtin ? 'Built-in' : 'Custom'}</td>
                <td>{s.builtin ? '—' : formatTime(s.created_at)}</td>
                {canAdd && (
                  <td>
                    {!s.builtin && (
                      <button type="button" class="small danger" aria-label={`Delete ${s.name}`} onClick={() => setDeleting(s)}>
                        Delete
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && (
        <AddScopeDialog
          onAdded={() => {
            setAdding(false);
            setReload((n) => n + 1);
          }}
          onClose={() => setAdding(false)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete scope “${deleting.name}”?`}
          action="Delete"
          onConfirm={() => api('DELETE', `/v1/scopes/${encodeURIComponent(deleting.name)}`)}
          onDone={(deleted) => {
            setDeleting(undefined);
            if (deleted) setReload((n) => n + 1);
          }}
        >
          <p>
            <code>{deleting.name}</code> leaves the catalogue and can no longer be granted. A scope any key holds, revoked keys included, cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
    </main>
  );
}

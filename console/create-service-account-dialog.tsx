/**
 * Create Service Account: name, description and role (none above the signed-in key's effective role, which
 * the service enforces too). The caller owns what they create (service/service-accounts/routes.ts).
 */
import type { CreateServiceAccountBody, ServiceAccount } from '../contract/api';
import { LIMITS } from '../contract/limits';
import { DEFAULT_ROLE, ROLES_HIGHEST_FIRST, type Role, atLeast } from '../contract/roles';
import { useState } from 'preact/hooks';
import { type ApiFailure, api } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';

const FIELDS = ['name', 'description', 'role'] as const;

export function CreateServiceAccountDialog(props: { callerRole: Role; onCreated: (account: ServiceAccount) => void; onClose: () => void }) {
  const roles = ROLES_HIGHEST_FIRST.filter((r) => atLeast(props.callerRole, r));
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [role, setRole] = useState<Role>(DEFAULT_ROLE);
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);

  async function create(e: Event) {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    const body: CreateServiceAccountBody = { name: name.trim(), role, ...(description.trim() ? { description: description.trim() } : {}) };
    try {
      props.onCreated(await api<ServiceAccount>('POST', '/v1/service-accounts', body));
    } catch (err) {
      setError(toFailure(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Create Service Account" onCancel={props.onClose}>
      <form onSubmit={create} class="form">
        <label for="sa-name">Name</label>
        <input id="sa-name" required maxLength={LIMITS.name.max} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <ErrorNote error={error} field="name" />
        <label for="sa-description">Description</label>
        <textarea id="sa-description" maxLength={LIMITS.description.max} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <ErrorNote error={error} field="description" />
        <label for="sa-role">Role</label>
        <select id="sa-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-describedby="sa-role-help">
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <p id="sa-role-help" class="help">
          Its keys never act above this role, and it cannot be above your own ({props.callerRole}).
        </p>
        <ErrorNote error={error} field="role" />
        <ErrorNote error={error} fields={FIELDS} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

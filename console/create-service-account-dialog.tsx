/**
 * Create Service Account: name, description and role (none above the signed-in key's effective role, which
 * the service enforces too). The caller owns what they create (service/service-accounts/routes.ts).
 */
import type { CreateServiceAccountBody, ServiceAccount } from '../contract/api';
import { DEFAULT_ROLE, type Role } from '../contract/roles';
import { useState } from 'preact/hooks';
import { type ApiFailure, api } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';
import { type ServiceAccountFieldValues, ServiceAccountFields } from './service-account-fields';

const FIELDS = ['name', 'description', 'role'] as const;

export function CreateServiceAccountDialog(props: { callerRole: Role; onCreated: (account: ServiceAccount) => void; onClose: () => void }) {
  const [fields, setFields] = useState<ServiceAccountFieldValues>({ name: '', description: '', role: DEFAULT_ROLE });
  const { name, description, role } = fields;
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
        <ServiceAccountFields idPrefix="sa" values={fields} onChange={setFields} callerRole={props.callerRole} error={error} />
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

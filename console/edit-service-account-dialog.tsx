/**
 * Edit Service Account: name, description, role (none above the signed-in key's effective role) and whether
 * it is disabled, for whoever may change it; its owner and managers only for whoever may steward it
 * (console/account-rights.ts). Only the fields that changed are sent, so a manager's save never touches the
 * owner or managers (service/service-accounts/routes.ts checks each by what really changes).
 */
import type { ServiceAccount, UpdateServiceAccountBody, Whoami } from '../contract/api';
import { useState } from 'preact/hooks';
import { mayDoToAccount } from './account-rights';
import { ApiFailure, api } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';
import { type ServiceAccountFieldValues, ServiceAccountFields } from './service-account-fields';
import { userLabel, useUsers } from './user-choices';

const FIELDS = ['name', 'description', 'role', 'disabled', 'owner_user_id', 'manager_user_ids'] as const;
const NO_OWNER = '';

/** A refusal naming one manager (`manager_user_ids[2]`) is shown at the Managers field. */
function atManagers(error: ApiFailure | undefined): ApiFailure | undefined {
  if (!error?.field?.startsWith('manager_user_ids[')) return error;
  return new ApiFailure(error.status, error.code, error.message, 'manager_user_ids');
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function EditServiceAccountDialog(props: { me: Whoami; account: ServiceAccount; onSaved: (account: ServiceAccount) => void; onClose: () => void }) {
  const a = props.account;
  const callerRole = props.me.effective_role;
  const steward = mayDoToAccount(props.me, a, 'steward');
  const { users, error: usersError } = useUsers();
  const [fields, setFields] = useState<ServiceAccountFieldValues>({ name: a.name, description: a.description, role: a.role });
  const { name, description, role } = fields;
  const [disabled, setDisabled] = useState(a.disabled);
  const [owner, setOwner] = useState(a.owner_user_id ?? NO_OWNER);
  const [managers, setManagers] = useState<string[]>(a.manager_user_ids);
  const [failure, setFailure] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const error = atManagers(failure);
  // Everyone the list holds, and any current owner or manager it does not (shown by id).
  const people = [
    ...(users ?? []).map((u) => u.id),
    ...[a.owner_user_id ?? NO_OWNER, ...a.manager_user_ids].filter((id) => id && !users?.some((u) => u.id === id)),
  ];

  async function save(e: Event) {
    e.preventDefault();
    const body: UpdateServiceAccountBody = {};
    if (name.trim() !== a.name) body.name = name.trim();
    if (description.trim() !== a.description) body.description = description.trim();
    if (role !== a.role) body.role = role;
    if (disabled !== a.disabled) body.disabled = disabled;
    if (steward && owner !== (a.owner_user_id ?? NO_OWNER)) body.owner_user_id = owner === NO_OWNER ? null : owner;
    if (steward && !sameSet(managers, a.manager_user_ids)) body.manager_user_ids = managers;
    if (Object.keys(body).length === 0) {
      props.onClose();
      return;
    }
    setFailure(undefined);
    setBusy(true);
    try {
      props.onSaved(await api<ServiceAccount>('PATCH', `/v1/service-accounts/${encodeURIComponent(a.id)}`, body));
    } catch (err) {
      setFailure(toFailure(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Edit Service Account “${a.name}”`} onCancel={props.onClose}>
      <form onSubmit={save} class="form">
        <ServiceAccountFields idPrefix="sa-edit" values={fields} onChange={setFields} callerRole={callerRole} error={error} />
        <label class="inline">
          <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.currentTarget.checked)} aria-describedby="sa-edit-disabled-help" /> Disabled
        </label>
        <p id="sa-edit-disabled-help" class="help">
          While it is disabled, every key it owns or created is refused; enabled again, they work again.
        </p>
        <ErrorNote error={error} field="disabled" />
        {steward && (
          <>
            <label for="sa-edit-owner">Owner</label>
            <select id="sa-edit-owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)} aria-describedby="sa-edit-owner-help">
              <option value={NO_OWNER}>No owner (admins only)</option>
              {people.map((id) => (
                <option key={id} value={id}>
                  {userLabel(users, id)}
                </option>
              ))}
            </select>
            <p id="sa-edit-owner-help" class="help">
              The owner, with admins, names the managers and may delete the account.
            </p>
            <ErrorNote error={error} field="owner_user_id" />
            <fieldset>
              <legend>Managers</legend>
              <p class="help">Managers may change the account, create its keys and act on its secrets.</p>
              <ErrorNote error={usersError} />
              <div class="choices">
                {people.map((id) => (
                  <label class="inline" key={id}>
                    <input
                      type="checkbox"
                      checked={managers.includes(id)}
                      onChange={(e) => setManagers(e.currentTarget.checked ? [...managers, id] : managers.filter((m) => m !== id))}
                    />{' '}
                    {userLabel(users, id)}
                  </label>
                ))}
              </div>
            </fieldset>
            <ErrorNote error={error} field="manager_user_ids" />
          </>
        )}
        <ErrorNote error={error} fields={FIELDS} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

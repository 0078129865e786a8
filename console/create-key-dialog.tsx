/**
 * The Create API Key dialog: name, description, role (none above the signed-in key's effective role, which
 * the service enforces too), and an expiry date and time or Never expire; Generate Key creates it, and the
 * secret is shown once (console/new-secret.tsx).
 */
import type { ApiKey, CreateApiKeyBody, CreatedApiKey } from '../contract/api';
import { LIMITS } from '../contract/limits';
import { ROLES_HIGHEST_FIRST, type Role, atLeast } from '../contract/roles';
import { useState } from 'preact/hooks';
import { ApiFailure, api } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { localInputValue } from './format';
import { NewSecret } from './new-secret';

const FIELDS = ['name', 'description', 'role', 'expires_at'] as const;
const DEFAULT_EXPIRY_DAYS = 90;

export function CreateKeyDialog(props: { callerRole: Role; onCreated: (key: ApiKey) => void; onClose: () => void }) {
  const roles = ROLES_HIGHEST_FIRST.filter((r) => atLeast(props.callerRole, r));
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [never, setNever] = useState(false);
  const [expiry, setExpiry] = useState(localInputValue(DEFAULT_EXPIRY_DAYS));
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string }>();

  async function generate(e: Event) {
    e.preventDefault();
    setError(undefined);
    let expiresAt: string | null = null;
    if (!never) {
      const at = new Date(expiry);
      if (!expiry || Number.isNaN(at.getTime()))
        return setError(new ApiFailure(400, 'invalid_argument', 'Give a date and time, or choose Never expire.', 'expires_at'));
      expiresAt = at.toISOString();
    }
    const body: CreateApiKeyBody = { name: name.trim(), role, expires_at: expiresAt, ...(description.trim() ? { description: description.trim() } : {}) };
    setBusy(true);
    try {
      const answer = await api<CreatedApiKey>('POST', '/v1/api-keys', body);
      props.onCreated(answer.api_key);
      setCreated({ name: answer.api_key.name, secret: answer.secret ?? '' });
    } catch (err) {
      setError(err instanceof ApiFailure ? err : new ApiFailure(0, 'internal', String(err)));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <NewSecret
        name={created.name}
        secret={created.secret}
        onDone={() => {
          setCreated(undefined);
          props.onClose();
        }}
      />
    );
  }
  return (
    <Dialog title="Create API Key" onCancel={props.onClose}>
      <form onSubmit={generate} class="form">
        <label for="key-name">Name</label>
        <input id="key-name" required maxLength={LIMITS.name.max} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <ErrorNote error={error} field="name" />
        <label for="key-description">Description</label>
        <textarea id="key-description" maxLength={LIMITS.description.max} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <ErrorNote error={error} field="description" />
        <label for="key-role">Role</label>
        <select id="key-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-describedby="key-role-help">
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <p id="key-role-help" class="help">
          No role above your own ({props.callerRole}).
        </p>
        <ErrorNote error={error} field="role" />
        <fieldset>
          <legend>Expiry</legend>
          <label class="inline">
            <input type="checkbox" checked={never} onChange={(e) => setNever(e.currentTarget.checked)} /> Never expire
          </label>
          <label for="key-expiry">Expires at</label>
          <input id="key-expiry" type="datetime-local" disabled={never} required={!never} value={expiry} onInput={(e) => setExpiry(e.currentTarget.value)} />
          <ErrorNote error={error} field="expires_at" />
        </fieldset>
        <ErrorNote error={error} fields={FIELDS} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Generate Key
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The Create API Key dialog: name, description, owner (yourself or a service account you may act for), role
 * (none above yours or the owner's), scopes from the catalogue, an expiry date and time or Never expire, all IP
 * addresses or only those of chosen IP allow lists, and where the secret goes (console/secret-destination-choice.tsx).
 * Generate Key sends one POST /v1/api-keys; the service decides, and each refusal is shown next to the field
 * it names (console/key-form-fields.ts). The result: the secret shown once (console/new-secret.tsx), the
 * encrypted message shown once, or where in the secret store it went (console/key-result.tsx). Each opening
 * sends one Idempotency-Key with every try (console/idempotency-key.ts), so it makes one key at most.
 */
import type { ApiKey, CreateApiKeyBody, CreatedApiKey, Whoami } from '../contract/api';
import { LIMITS } from '../contract/limits';
import type { Role } from '../contract/roles';
import { useRef, useState } from 'preact/hooks';
import { ApiFailure, api } from './api';
import { useCreateKeyChoices } from './create-key-choices';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { fieldErrors } from './field-errors';
import { localInputValue } from './format';
import { idempotencyHeader, newIdempotencyKey } from './idempotency-key';
import { IpAccessChoice } from './ip-access-choice';
import { KEY_FORM_FIELDS, type KeyFormField } from './key-form-fields';
import { type KeyResult, KeyResultView, keyResultOf } from './key-result';
import { rolesForNewKey } from './owner-choices';
import { ScopeChoice } from './scope-choice';
import { SHOW_HERE, type SecretDestination, SecretDestinationChoice, deliveryOf } from './secret-destination-choice';
import { atControl } from './failure';

const DEFAULT_EXPIRY_DAYS = 90;

const refusal = (field: KeyFormField, message: string) => new ApiFailure(400, 'invalid_argument', message, field);

export function CreateKeyDialog(props: { me: Whoami; onCreated: (key: ApiKey) => void; onClose: () => void }) {
  const { me } = props;
  const choices = useCreateKeyChoices(me);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState(''); // '' for yourself, or a service account's id
  const [role, setRole] = useState<Role>('viewer');
  const [scopes, setScopes] = useState<string[]>([]);
  const [never, setNever] = useState(false);
  const [expiry, setExpiry] = useState(localInputValue(DEFAULT_EXPIRY_DAYS));
  const [restricted, setRestricted] = useState(false);
  const [allowLists, setAllowLists] = useState<string[]>([]);
  const [destination, setDestination] = useState<SecretDestination>(SHOW_HERE);
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<KeyResult>();
  // One key per opening: every try of Generate Key sends the same Idempotency-Key, and a second submit while
  // one is on its way is not sent at all (the disabled button only follows at the next render).
  const [idempotencyKey] = useState(newIdempotencyKey);
  const sending = useRef(false);

  const ownerAccount = choices.accounts.find((a) => a.id === owner);
  const roles = rolesForNewKey(me.effective_role, ownerAccount?.role ?? me.principal.role);
  const errors = fieldErrors(error);
  const { note, aria } = errors;

  async function generate(e: Event) {
    e.preventDefault();
    if (sending.current) return;
    setError(undefined);
    let expiresAt: string | null = null;
    if (!never) {
      const at = new Date(expiry);
      if (!expiry || Number.isNaN(at.getTime())) return setError(refusal('expires_at', 'Give a date and time, or choose Never expire.'));
      expiresAt = at.toISOString();
    }
    if (restricted && allowLists.length === 0) return setError(refusal('allow_list_ids', 'Select at least one IP allow list, or allow all IP addresses.'));
    const body: CreateApiKeyBody = {
      name: name.trim(),
      role: roles.includes(role) ? role : roles[roles.length - 1]!,
      expires_at: expiresAt,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(owner ? { service_account_id: owner } : {}),
      ...(scopes.length > 0 ? { scopes } : {}),
      ...(restricted ? { allow_list_ids: allowLists } : {}),
    };
    const delivery = deliveryOf(destination);
    if (delivery) body.delivery = delivery;
    sending.current = true;
    setBusy(true);
    try {
      const answer = await api<CreatedApiKey>('POST', '/v1/api-keys', body, idempotencyHeader(idempotencyKey));
      props.onCreated(answer.api_key);
      setCreated(keyResultOf(answer, choices.secrets));
    } catch (err) {
      setError(atControl(KEY_FORM_FIELDS, err));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  if (created) {
    const done = () => {
      setCreated(undefined);
      props.onClose();
    };
    return <KeyResultView result={created} action="created" onDone={done} />;
  }
  return (
    <Dialog title="Create API Key" className="dialog create" onCancel={props.onClose}>
      <form onSubmit={generate} class="form">
        <label for="key-name">Name</label>
        <input id="key-name" {...aria('name')} required maxLength={LIMITS.name.max} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        {note('name')}
        <label for="key-description">Description</label>
        <textarea
          id="key-description"
          {...aria('description')}
          maxLength={LIMITS.description.max}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
        {note('description')}
        <label for="key-owner">Owner</label>
        <select id="key-owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)} {...aria('owner', 'key-owner-help')}>
          <option value="">Yourself ({me.principal.name})</option>
          {choices.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} (service account, {a.role})
            </option>
          ))}
        </select>
        <p id="key-owner-help" class="help">
          You, or a service account you may manage.
        </p>
        {note('owner')}
        <label for="key-role">Role</label>
        <select
          id="key-role"
          value={roles.includes(role) ? role : roles[roles.length - 1]}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
          {...aria('role', 'key-role-help')}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <p id="key-role-help" class="help">
          No role above your own ({me.effective_role}){ownerAccount ? ` or the service account’s (${ownerAccount.role})` : ''}.
        </p>
        {note('role')}
        <ScopeChoice scopes={choices.scopes} chosen={scopes} onChange={setScopes}>
          {note('scopes')}
        </ScopeChoice>
        <fieldset>
          <legend>Expiry</legend>
          <label class="inline">
            <input type="checkbox" checked={never} onChange={(e) => setNever(e.currentTarget.checked)} /> Never expire
          </label>
          <label for="key-expiry">Expires at</label>
          <input
            id="key-expiry"
            {...aria('expires_at')}
            type="datetime-local"
            disabled={never}
            required={!never}
            value={expiry}
            onInput={(e) => setExpiry(e.currentTarget.value)}
          />
          {note('expires_at')}
        </fieldset>
        <IpAccessChoice allowLists={choices.allowLists} restricted={restricted} chosen={allowLists} onRestrictedChange={setRestricted} onChange={setAllowLists}>
          {note('allow_list_ids')}
        </IpAccessChoice>
        <SecretDestinationChoice secrets={choices.secrets} value={destination} onChange={setDestination} errors={errors} />
        <ErrorNote error={choices.error} />
        <ErrorNote error={error} fields={KEY_FORM_FIELDS} />
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

/**
 * The Create API Key dialog: name, description, owner (yourself or a service account you may act for), role
 * (none above yours or the owner's), scopes from the catalogue, an expiry date and time or Never expire, all IP
 * addresses or only those of chosen IP allow lists, and where the secret goes (console/secret-destination-choice.tsx).
 * Generate Key sends one POST /v1/api-keys; the service decides, and each refusal is shown next to the field
 * it names (console/key-form-fields.ts). The result: the secret shown once (console/new-secret.tsx), the
 * encrypted message shown once, or where in the secret store it went.
 */
import type { ApiKey, CreateApiKeyBody, CreatedApiKey, Whoami } from '../contract/api';
import type { Delivery } from '../contract/api/delivery';
import { LIMITS } from '../contract/limits';
import type { Role } from '../contract/roles';
import { useState } from 'preact/hooks';
import { ApiFailure, api } from './api';
import { useCreateKeyChoices } from './create-key-choices';
import { DeliveredToStore } from './delivered-to-store';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { fieldErrors } from './field-errors';
import { localInputValue } from './format';
import { IpAccessChoice } from './ip-access-choice';
import { KEY_FORM_FIELDS, type KeyFormField, formFieldOf } from './key-form-fields';
import { NewSecret } from './new-secret';
import { rolesForNewKey } from './owner-choices';
import { ScopeChoice } from './scope-choice';
import { SHOW_HERE, type SecretDestination, SecretDestinationChoice } from './secret-destination-choice';
import { toFailure } from './failure';

const DEFAULT_EXPIRY_DAYS = 90;

type Created = { name: string } & (
  | { mode: 'response'; secret: string }
  | { mode: 'pgp'; secret: string; fingerprint: string }
  | { mode: 'secret_store'; target: NonNullable<CreatedApiKey['delivery']['secret_store']>; secretName: string }
);

/** A refusal, with its field renamed to the control that shows it. */
const atControl = (err: ApiFailure) => new ApiFailure(err.status, err.code, err.message, formFieldOf(err.field));
const refusal = (field: KeyFormField, message: string) => new ApiFailure(400, 'invalid_argument', message, field);

function deliveryOf(d: SecretDestination): Delivery | undefined {
  if (d.mode === 'secret_store') return { secret_store: { secret_id: d.secretId, ...(d.entryKey.trim() ? { entry_key: d.entryKey.trim() } : {}) } };
  if (d.mode === 'pgp') return { pgp_public_key: d.pgpPublicKey.trim() };
  return undefined;
}

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
  const [created, setCreated] = useState<Created>();

  const ownerAccount = choices.accounts.find((a) => a.id === owner);
  const roles = rolesForNewKey(me.effective_role, ownerAccount?.role ?? me.principal.role);
  const errors = fieldErrors(error);
  const { note, aria } = errors;

  async function generate(e: Event) {
    e.preventDefault();
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
    setBusy(true);
    try {
      const answer = await api<CreatedApiKey>('POST', '/v1/api-keys', body);
      props.onCreated(answer.api_key);
      const keyName = answer.api_key.name;
      const d = answer.delivery;
      if (d.mode === 'secret_store' && d.secret_store) {
        const secretName = choices.secrets.find((s) => s.id === d.secret_store!.secret_id)?.name ?? d.secret_store.secret_id;
        setCreated({ name: keyName, mode: 'secret_store', target: d.secret_store, secretName });
      } else if (d.mode === 'pgp' && d.pgp) {
        setCreated({ name: keyName, mode: 'pgp', secret: d.pgp.encrypted_secret, fingerprint: d.pgp.key_fingerprint });
      } else {
        setCreated({ name: keyName, mode: 'response', secret: answer.secret ?? '' });
      }
    } catch (err) {
      setError(atControl(toFailure(err)));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    const done = () => {
      setCreated(undefined);
      props.onClose();
    };
    if (created.mode === 'secret_store') return <DeliveredToStore name={created.name} target={created.target} secretName={created.secretName} onDone={done} />;
    return <NewSecret name={created.name} secret={created.secret} encryptedTo={created.mode === 'pgp' ? created.fingerprint : undefined} onDone={done} />;
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

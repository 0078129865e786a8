/**
 * Where a new key's secret goes (contract/api/delivery.ts): shown here once, written into an entry of a secret
 * the caller may write, or encrypted by the service to an OpenPGP public key. In the last two the plaintext
 * never reaches the browser. `errors` puts each refusal from the API next to the control it names.
 */
import type { Secret } from '../contract/api';
import type { Delivery, DeliveryMode } from '../contract/api/delivery';
import type { FieldErrors } from './field-errors';

export interface SecretDestination {
  mode: DeliveryMode;
  secretId: string;
  entryKey: string;
  pgpPublicKey: string;
}

export const SHOW_HERE: SecretDestination = { mode: 'response', secretId: '', entryKey: '', pgpPublicKey: '' };

/** The request's `delivery` for the choice; none for shown here, the API's default. */
export function deliveryOf(d: SecretDestination): Delivery | undefined {
  if (d.mode === 'secret_store') return { secret_store: { secret_id: d.secretId, ...(d.entryKey.trim() ? { entry_key: d.entryKey.trim() } : {}) } };
  if (d.mode === 'pgp') return { pgp_public_key: d.pgpPublicKey.trim() };
  return undefined;
}

const MODES: { mode: DeliveryMode; label: string }[] = [
  { mode: 'response', label: 'Show it here, once' },
  { mode: 'secret_store', label: 'Write it to a secret-store entry' },
  { mode: 'pgp', label: 'Encrypt it to a PGP key' },
];

export function SecretDestinationChoice(props: {
  secrets: Secret[];
  value: SecretDestination;
  onChange: (value: SecretDestination) => void;
  errors: FieldErrors;
}) {
  const v = props.value;
  const { note, aria } = props.errors;
  const set = (change: Partial<SecretDestination>) => props.onChange({ ...v, ...change });
  return (
    <fieldset>
      <legend>Where the secret goes</legend>
      {MODES.map((m) => (
        <label class="inline" key={m.mode}>
          <input type="radio" name="secret-destination" checked={v.mode === m.mode} onChange={() => set({ mode: m.mode })} /> {m.label}
        </label>
      ))}
      {v.mode === 'secret_store' && (
        <>
          <label for="delivery-secret">Secret</label>
          <select
            id="delivery-secret"
            {...aria('delivery.secret_store.secret_id')}
            required
            value={v.secretId}
            onChange={(e) => set({ secretId: e.currentTarget.value })}
          >
            <option value="">Choose a secret…</option>
            {props.secrets.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.id})
              </option>
            ))}
          </select>
          {props.secrets.length === 0 && <p class="help">There is no secret this key may write: create one first.</p>}
          {note('delivery.secret_store.secret_id')}
          <label for="delivery-entry">Entry name (optional)</label>
          <input
            id="delivery-entry"
            value={v.entryKey}
            autocomplete="off"
            spellcheck={false}
            {...aria('delivery.secret_store.entry_key', 'delivery-entry-help')}
            onInput={(e) => set({ entryKey: e.currentTarget.value })}
          />
          <p id="delivery-entry-help" class="help">
            Left empty, the service writes its default entry. The key is not shown here.
          </p>
          {note('delivery.secret_store.entry_key')}
        </>
      )}
      {v.mode === 'pgp' && (
        <>
          <label for="delivery-pgp">PGP public key</label>
          <textarea
            id="delivery-pgp"
            required
            rows={6}
            spellcheck={false}
            value={v.pgpPublicKey}
            {...aria('delivery.pgp_public_key', 'delivery-pgp-help')}
            onInput={(e) => set({ pgpPublicKey: e.currentTarget.value })}
          />
          <p id="delivery-pgp-help" class="help">
            ASCII-armored (gpg --export --armor KEYID). The service encrypts the key to it; only the encrypted message is shown.
          </p>
          {note('delivery.pgp_public_key')}
        </>
      )}
      {note('delivery')}
    </fieldset>
  );
}

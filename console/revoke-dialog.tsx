/** The confirmation before a revocation, naming the key: revoking cannot be undone, and verify refuses the key at once. */
import type { ApiKey } from '../contract/api';
import { useState } from 'preact/hooks';
import { type ApiFailure, api } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { LIMITS } from '../contract/limits';
import { toFailure } from './failure';

export function RevokeDialog(props: { apiKey: ApiKey; onDone: (revoked: ApiKey | undefined) => void }) {
  const { apiKey } = props;
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  async function revoke(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const revoked = await api<ApiKey>('POST', `/v1/api-keys/${encodeURIComponent(apiKey.id)}/revoke`, reason.trim() ? { reason: reason.trim() } : {});
      props.onDone(revoked);
    } catch (err) {
      setError(toFailure(err));
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Revoke API key “${apiKey.name}”?`} role="alertdialog" onCancel={() => props.onDone(undefined)}>
      <form onSubmit={revoke}>
        <p>
          Anything that uses <strong>{apiKey.name}</strong> ({apiKey.display_prefix}) is refused from the moment you revoke it. This cannot be undone.
        </p>
        <label for="revoke-reason">Reason (optional)</label>
        <input id="revoke-reason" value={reason} maxLength={LIMITS.revokeReason.max} onInput={(e) => setReason(e.currentTarget.value)} />
        <ErrorNote error={error} field="reason" />
        <ErrorNote error={error} fields={['reason']} />
        <div class="actions">
          <button type="button" onClick={() => props.onDone(undefined)}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={busy}>
            Revoke
          </button>
        </div>
      </form>
    </Dialog>
  );
}

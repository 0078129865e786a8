/**
 * The Rotate API Key dialog: how long the current secret keeps working (console/overlap-choice.tsx) and where
 * the new one goes (console/secret-destination-choice.tsx, as at creation). Rotate Key sends one
 * POST /v1/api-keys/{id}/rotate with this opening's Idempotency-Key (console/idempotency-key.ts), so a double
 * submit or a retry rotates once; each refusal is shown next to the control it names. The new secret is then
 * shown as a new key's is (console/key-result.tsx).
 *
 * The console's session holds the hash of the secret that opened it (service/console/sessions.ts): rotating
 * the signed-in key with no overlap ends the session at once, and with one ends it when the overlap does. The
 * dialog says so before Rotate Key, asks nothing of the service until the new secret has been taken (any
 * request would be refused and sign the page out under it), and then signs out.
 */
import type { ApiKey, CreatedApiKey, RotateApiKeyBody, Secret, Whoami } from '../contract/api';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, api, endSession } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { fieldErrors } from './field-errors';
import { atControl, toFailure } from './failure';
import { formatTime } from './format';
import { idempotencyHeader, newIdempotencyKey } from './idempotency-key';
import { ROTATE_FORM_FIELDS } from './key-form-fields';
import { type KeyResult, KeyResultView, keyResultOf } from './key-result';
import { OverlapChoice } from './overlap-choice';
import { STOP_NOW, type Overlap, overlapSeconds, overlapText } from './rotation-overlap';
import { SHOW_HERE, type SecretDestination, SecretDestinationChoice, deliveryOf } from './secret-destination-choice';
import { writableSecrets } from './writable-secrets';

/** What the sign-in page says after the signed-in key's own secret was rotated away. */
export const ROTATED_AWAY =
  'You rotated the key this session was signed in with, and its previous secret stopped working, so the session has ended. Sign in with the new secret.';

function SessionNote(props: { overlap: Overlap }) {
  const seconds = overlapSeconds(props.overlap);
  return (
    <p class="warning" id="rotate-session-note">
      {'seconds' in seconds && seconds.seconds === 0
        ? 'You are signed in to this console with this key. Stopping its current secret now ends this session: once you have taken the new secret, you will be signed out, and can sign in again with it.'
        : `You are signed in to this console with this key. This session keeps working until the current secret stops${
            props.overlap.keep && 'seconds' in seconds ? `, ${overlapText(props.overlap)} after the rotation` : ''
          }; then sign in again with the new secret.`}
    </p>
  );
}

export function RotateKeyDialog(props: { apiKey: ApiKey; me: Whoami; onRotated: (key: ApiKey) => void; onClose: () => void }) {
  const { apiKey } = props;
  const signedInWith = props.me.api_key.id === apiKey.id;
  const [overlap, setOverlap] = useState<Overlap>(STOP_NOW);
  const [destination, setDestination] = useState<SecretDestination>(SHOW_HERE);
  const [secrets, setSecrets] = useState<Secret[]>([]);
  const [secretsError, setSecretsError] = useState<ApiFailure>();
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ shown: KeyResult; rotated: ApiKey; endsSession: boolean }>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const sending = useRef(false);
  const errors = fieldErrors(error);

  useEffect(() => {
    let live = true;
    writableSecrets().then(
      (s) => live && setSecrets(s),
      (err) => live && setSecretsError(toFailure(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  async function rotate(e: Event) {
    e.preventDefault();
    if (sending.current) return;
    setError(undefined);
    const overlapChoice = overlapSeconds(overlap);
    if ('refusal' in overlapChoice) return setError(new ApiFailure(400, 'invalid_argument', overlapChoice.refusal, 'overlap_seconds'));
    const body: RotateApiKeyBody = { overlap_seconds: overlapChoice.seconds };
    const delivery = deliveryOf(destination);
    if (delivery) body.delivery = delivery;
    sending.current = true;
    setBusy(true);
    try {
      const answer = await api<CreatedApiKey>('POST', `/v1/api-keys/${encodeURIComponent(apiKey.id)}/rotate`, body, idempotencyHeader(idempotencyKey));
      // The session's own secret stopped: the service now refuses this page, so nothing more is asked of it.
      const endsSession = signedInWith && answer.api_key.previous_secret_expires_at === null;
      if (!endsSession) props.onRotated(answer.api_key);
      setResult({ shown: keyResultOf(answer, secrets), rotated: answer.api_key, endsSession });
    } catch (err) {
      setError(atControl(ROTATE_FORM_FIELDS, err));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  if (result) {
    const { rotated, endsSession } = result;
    const done = () => (endsSession ? void endSession(ROTATED_AWAY) : props.onClose());
    return (
      <KeyResultView result={result.shown} action="rotated" onDone={done}>
        <p class="help" id="rotate-previous">
          {rotated.previous_secret_expires_at
            ? `The previous secret keeps working until ${formatTime(rotated.previous_secret_expires_at)}.`
            : 'The previous secret no longer works.'}
          {endsSession ? ' It opened this console session: Done signs you out.' : ''}
        </p>
      </KeyResultView>
    );
  }
  return (
    <Dialog title={`Rotate API key “${apiKey.name}”`} className="dialog create" onCancel={props.onClose}>
      <form onSubmit={rotate} class="form">
        <p>
          <strong>{apiKey.name}</strong> ({apiKey.display_prefix}) gets a new secret; its id, owner, role, scopes and everything else stay as they are.
        </p>
        <OverlapChoice value={overlap} onChange={setOverlap} errors={errors} />
        {signedInWith && <SessionNote overlap={overlap} />}
        <SecretDestinationChoice secrets={secrets} value={destination} onChange={setDestination} errors={errors} />
        <ErrorNote error={secretsError} />
        <ErrorNote error={error} fields={ROTATE_FORM_FIELDS} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Rotate Key
          </button>
        </div>
      </form>
    </Dialog>
  );
}

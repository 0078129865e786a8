/**
 * What a create or a rotation answered (`CreatedApiKey`), as the dialog shows it after: the secret shown once
 * (console/new-secret.tsx), the encrypted message shown once, or where in the secret store it went
 * (console/delivered-to-store.tsx). A replay of the same Idempotency-Key (the first answer was lost on the
 * way) carries no secret (service/keys/idempotency.ts): the key was made or rotated, and the page says that
 * its secret cannot be shown.
 */
import type { CreatedApiKey, Secret } from '../contract/api';
import type { ComponentChildren } from 'preact';
import { DeliveredToStore } from './delivered-to-store';
import { Dialog } from './dialog';
import { NewSecret } from './new-secret';

export type KeyAction = 'created' | 'rotated';

export type KeyResult = { name: string } & (
  | { mode: 'response'; secret: string }
  | { mode: 'pgp'; secret: string; fingerprint: string }
  | { mode: 'secret_store'; target: NonNullable<CreatedApiKey['delivery']['secret_store']>; secretName: string }
  | { mode: 'not_shown' }
);

/** `secrets` name the secret-store target, when the dialog offered it. */
export function keyResultOf(answer: CreatedApiKey, secrets: Secret[]): KeyResult {
  const name = answer.api_key.name;
  const d = answer.delivery;
  if (d.mode === 'secret_store' && d.secret_store) {
    const target = d.secret_store;
    return { name, mode: 'secret_store', target, secretName: secrets.find((s) => s.id === target.secret_id)?.name ?? target.secret_id };
  }
  if (d.mode === 'pgp' && d.pgp) return { name, mode: 'pgp', secret: d.pgp.encrypted_secret, fingerprint: d.pgp.key_fingerprint };
  if (d.mode === 'response' && answer.secret) return { name, mode: 'response', secret: answer.secret };
  return { name, mode: 'not_shown' };
}

export function KeyResultView(props: { result: KeyResult; action: KeyAction; children?: ComponentChildren; onDone: () => void }) {
  const { result, action, onDone } = props;
  if (result.mode === 'secret_store')
    return (
      <DeliveredToStore name={result.name} target={result.target} secretName={result.secretName} action={action} onDone={onDone}>
        {props.children}
      </DeliveredToStore>
    );
  if (result.mode === 'not_shown')
    return (
      <Dialog title={`API key “${result.name}” ${action}`} onCancel={onDone}>
        <p class="warning" role="status">
          The service {action} the key, but its answer with the secret did not reach this page, and a secret is never sent twice.{' '}
          {action === 'rotated' ? 'Rotate the key again to get a secret you can see.' : 'Rotate the key to give it a secret you can see, or revoke it.'}
        </p>
        {props.children}
        <div class="actions">
          <button type="button" class="primary" onClick={onDone}>
            Done
          </button>
        </div>
      </Dialog>
    );
  return (
    <NewSecret name={result.name} secret={result.secret} encryptedTo={result.mode === 'pgp' ? result.fingerprint : undefined} action={action} onDone={onDone}>
      {props.children}
    </NewSecret>
  );
}

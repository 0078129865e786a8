/**
 * The one showing of a new key's secret: Copy (the clipboard written from the click itself, the only way a
 * browser allows), the warning that it will not be shown again, and Done. Closing without having copied asks
 * first; while it is open, leaving the page asks too. Once closed, the secret is in no state of the page.
 * A key encrypted to a PGP key (`encryptedTo`, its fingerprint) is shown the same way: the service keeps no copy
 * of the message either. The same for a key's new secret after a rotation (`action`); `children` say more
 * after the warning.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from './dialog';
import type { KeyAction } from './key-result';

export function NewSecret(props: { name: string; secret: string; encryptedTo?: string; action?: KeyAction; children?: ComponentChildren; onDone: () => void }) {
  const action = props.action ?? 'created';
  const what = props.encryptedTo ? 'encrypted key' : 'key';
  const [copied, setCopied] = useState(false);
  const [copyError, setCopyError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    const guard = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
      setCopyError(undefined);
    } catch {
      setCopyError('The browser did not allow copying. Select the key and copy it yourself.');
    }
  }
  const done = () => (copied ? props.onDone() : setConfirming(true));
  return (
    <Dialog title={`API key “${props.name}” ${action}`} onCancel={done}>
      <p class="warning" id="secret-warning">
        This is the only time the {what} is shown. Copy it now and keep it somewhere safe: after you click Done it cannot be shown again.
      </p>
      {props.children}
      {props.encryptedTo && (
        <p class="help" id="secret-encrypted-to">
          Encrypted to the PGP key {props.encryptedTo}: only its private key opens it.
        </p>
      )}
      <div class="secret-row">
        {props.encryptedTo ? (
          <textarea
            class="secret"
            readOnly
            rows={10}
            value={props.secret}
            aria-label="Encrypted API key"
            aria-describedby="secret-warning secret-encrypted-to"
            spellcheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
        ) : (
          <input
            class="secret"
            readOnly
            value={props.secret}
            aria-label="New API key"
            aria-describedby="secret-warning"
            autocomplete="off"
            spellcheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="help" role="status">
        {copied ? 'Copied to the clipboard.' : ''}
      </p>
      {copyError && (
        <p class="error" role="alert">
          {copyError}
        </p>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={done}>
          Done
        </button>
      </div>
      {confirming && (
        <Dialog title={`Close without copying the ${what}?`} role="alertdialog" onCancel={() => setConfirming(false)}>
          <p>
            You have not copied the {what}. Once this closes it cannot be shown again, and you would have to{' '}
            {action === 'rotated' ? 'rotate the key again' : 'create another key'}.
          </p>
          <div class="actions">
            <button type="button" onClick={() => setConfirming(false)}>
              Go back
            </button>
            <button type="button" class="danger" onClick={props.onDone}>
              Close anyway
            </button>
          </div>
        </Dialog>
      )}
    </Dialog>
  );
}

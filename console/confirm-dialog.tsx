/**
 * The confirmation before an action that cannot be undone (deleting a service account, an IP allow list or a
 * scope): it names what goes and what follows, Cancel has the focus first (console/dialog.tsx: the browser
 * focuses the first control), and a refusal from the API stays in the dialog, read out as it appears, so the
 * reader learns why nothing happened.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiFailure } from './api';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';

export function ConfirmDialog(props: {
  title: string;
  /** The label of the button that acts, such as "Delete". */
  action: string;
  /** Does the thing; a rejection (an ApiFailure) is shown in the dialog and leaves it open. */
  onConfirm: () => Promise<void>;
  /** Called after `onConfirm` succeeded (true) or on Cancel and Escape (false). */
  onDone: (confirmed: boolean) => void;
  children: ComponentChildren;
}) {
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  async function confirm(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
    } catch (err) {
      setError(toFailure(err));
      setBusy(false);
      return;
    }
    props.onDone(true);
  }
  return (
    <Dialog title={props.title} role="alertdialog" onCancel={() => props.onDone(false)}>
      <form onSubmit={confirm}>
        {props.children}
        <ErrorNote error={error} />
        <div class="actions">
          <button type="button" onClick={() => props.onDone(false)}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={busy}>
            {props.action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

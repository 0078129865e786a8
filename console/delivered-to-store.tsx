/** After a key's secret was written into a secret-store entry (at its creation or a rotation): where it is, and that it was not shown. */
import type { Delivered } from '../contract/api/delivery';
import type { ComponentChildren } from 'preact';
import { Dialog } from './dialog';
import type { KeyAction } from './key-result';

export function DeliveredToStore(props: {
  name: string;
  target: NonNullable<Delivered['secret_store']>;
  secretName: string;
  action?: KeyAction;
  children?: ComponentChildren;
  onDone: () => void;
}) {
  const { target } = props;
  return (
    <Dialog title={`API key “${props.name}” ${props.action ?? 'created'}`} onCancel={props.onDone}>
      <p role="status">
        The key was written to secret <strong>{props.secretName}</strong> ({target.secret_id}), entry <code>{target.entry_key}</code>, version {target.version}.
        It was not shown here: read it from the secret store.
      </p>
      {props.children}
      <div class="actions">
        <button type="button" class="primary" onClick={props.onDone}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
